// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/discovery.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analyzer/core/glob.h"
#include "analyzer/core/ignore_rules.h"
#include "analyzer/core/source_file.h"

namespace fs = std::filesystem;

namespace tpu {
namespace {

std::string read_small_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool matches_any(const std::vector<std::string>& globs, std::string_view relative) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return path_glob_match(glob, relative); });
}

std::string join(std::string_view dir, std::string_view name) {
  return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
}

class Walker {
 public:
  Walker(fs::path root, const DiscoveryOptions& options)
      : root_(std::move(root)), options_(options) {
    std::error_code ec;
    canonical_root_ = fs::canonical(root_, ec);
  }

  Discovery run() {
    visited_dirs_.insert(canonical_root_);
    walk_dir(root_, canonical_root_, "");
    keep_one_per_file();
    std::sort(result_.files.begin(), result_.files.end(),
              [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.relative < b.relative; });
    return std::move(result_);
  }

 private:
  void error(const std::string& path, std::string message) {
    result_.errors.push_back(InputError{reported_path(path), 0, std::move(message)});
  }

  // A symlink to a file inside the root reaches a file that the walk finds under its own name
  // too: it is scanned once, under its real name (or its first link's, when only links reach it).
  void keep_one_per_file() {
    if (std::none_of(via_symlink_.begin(), via_symlink_.end(), [](bool link) { return link; })) return;
    std::map<fs::path, size_t> chosen;  // canonical path -> the entry of result_.files kept
    for (size_t i = 0; i < result_.files.size(); ++i) {
      auto [it, inserted] = chosen.emplace(canonical_of_[i], i);
      if (!inserted && via_symlink_[it->second] && !via_symlink_[i]) it->second = i;
    }
    std::vector<DiscoveredFile> kept;
    for (size_t i = 0; i < result_.files.size(); ++i) {
      DiscoveredFile& file = result_.files[i];
      if (chosen[canonical_of_[i]] == i) kept.push_back(std::move(file));
      else --(file.language == FileLanguage::Python ? result_.python_files : result_.cpp_files);
    }
    result_.files = std::move(kept);
  }

  bool inside_root(const fs::path& canonical) const {
    auto [root_end, _] = std::mismatch(canonical_root_.begin(), canonical_root_.end(),
                                       canonical.begin(), canonical.end());
    return root_end == canonical_root_.end();
  }

  // `canonical_dir` is `dir` with its symlinks resolved: a file's identity, for keep_one_per_file().
  void walk_dir(const fs::path& dir, const fs::path& canonical_dir, const std::string& relative_dir) {
    if (options_.use_ignore_files) {
      for (const char* name : {".gitignore", ".ignore"}) {
        fs::path ignore_file = dir / name;
        std::error_code ec;
        if (fs::is_regular_file(ignore_file, ec)) ignore_.add_file(relative_dir, read_small_file(ignore_file));
      }
    }
    std::vector<fs::directory_entry> entries;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      error(relative_dir.empty() ? "." : relative_dir, "cannot read folder: " + ec.message());
      return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const auto& entry : entries) visit(entry, canonical_dir, relative_dir);
    if (options_.use_ignore_files) ignore_.pop_below(relative_dir);
  }

  void visit(const fs::directory_entry& entry, const fs::path& canonical_dir, const std::string& relative_dir) {
    std::string name = entry.path().filename().string();
    std::string relative = join(relative_dir, name);
    std::error_code ec;
    // Past PATH_MAX the system refuses the path: said once, for what a scan would have read.
    if (entry.path().native().size() >= PATH_MAX) {
      if (entry.is_directory(ec) || language_of(name))
        error(relative, "path longer than PATH_MAX (" + std::to_string(PATH_MAX) + " bytes); not scanned");
      return;
    }
    bool is_symlink = entry.is_symlink(ec);
    fs::path target = entry.path();
    if (is_symlink) {
      fs::path canonical = fs::canonical(entry.path(), ec);
      if (ec) {
        error(relative, ec.value() == ELOOP ? "symlink loop; not followed"
                                            : "broken symlink; not followed");
        return;
      }
      if (!inside_root(canonical)) {
        error(relative, "symlink points outside the scan root; not followed");
        return;
      }
      target = canonical;
    }
    bool is_dir = fs::is_directory(target, ec);
    if (is_dir) {
      // The result cache holds no source, and a stray file put there is not the repository's,
      // even with --no-ignore.
      if (name == kResultCacheFolder) return;
      if (options_.skip_default_folders && (is_default_skipped_folder(name) ||
                                            fs::exists(target / "pyvenv.cfg", ec)))
        return;
      if (options_.use_ignore_files && ignore_.ignored(relative, true)) return;
      if (matches_any(options_.exclude, relative)) return;
      fs::path canonical = fs::canonical(target, ec);
      if (!visited_dirs_.insert(canonical).second) {
        error(relative, "symlink loop; not followed");
        return;
      }
      walk_dir(target, canonical, relative);
      return;
    }
    auto language = language_of(name);
    if (!language) return;
    if (options_.use_ignore_files && ignore_.ignored(relative, false)) return;
    if (matches_any(options_.exclude, relative)) return;
    if (!options_.include.empty() && !matches_any(options_.include, relative)) return;
    if (*language == FileLanguage::Python) ++result_.python_files;
    else ++result_.cpp_files;
    if (reported_path(relative) != relative)
      error(relative, "file name is not UTF-8 (its other bytes are written \\xNN); scanned");
    canonical_of_.push_back(is_symlink ? target : canonical_dir / name);
    via_symlink_.push_back(is_symlink);
    result_.files.push_back(DiscoveredFile{target, reported_path(relative), *language});
  }

  fs::path root_;
  fs::path canonical_root_;
  const DiscoveryOptions& options_;
  IgnoreRules ignore_;
  std::set<fs::path> visited_dirs_;
  Discovery result_;
  std::vector<fs::path> canonical_of_;  ///< beside result_.files
  std::vector<bool> via_symlink_;       ///< beside result_.files
};

}  // namespace

std::string reported_path(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    size_t length = utf8_sequence_length(raw, i);
    if (length != 0) {
      out.append(raw.substr(i, length));
      i += length;
      continue;
    }
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(raw[i]));
    out += escaped;
    ++i;
  }
  return out;
}

std::string raw_path(std::string_view reported) {
  if (reported.find("\\x") == std::string_view::npos) return std::string(reported);
  std::string raw;
  for (size_t i = 0; i < reported.size(); ++i) {
    auto hex = [&](size_t at) { return at < reported.size() && std::isxdigit(static_cast<unsigned char>(reported[at])); };
    if (reported[i] == '\\' && i + 1 < reported.size() && reported[i + 1] == 'x' && hex(i + 2) && hex(i + 3)) {
      raw += static_cast<char>(std::stoi(std::string(reported.substr(i + 2, 2)), nullptr, 16));
      i += 3;
      continue;
    }
    raw += reported[i];
  }
  // A name that really holds "\x41" is valid UTF-8 and would not have been escaped.
  return reported_path(raw) == reported ? raw : std::string(reported);
}

std::optional<FileLanguage> language_of(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view ext = file_name.substr(dot);
  if (ext == ".py" || ext == ".pyi") return FileLanguage::Python;
  static constexpr std::array<std::string_view, 7> kCpp = {".cu",  ".cuh", ".cpp", ".cc",
                                                           ".cxx", ".h",   ".hpp"};
  if (std::find(kCpp.begin(), kCpp.end(), ext) != kCpp.end()) return FileLanguage::Cpp;
  return std::nullopt;
}

bool is_default_skipped_folder(std::string_view name) {
  static constexpr std::array<std::string_view, 20> kSkipped = {
      ".git",          ".hg",          ".svn",         "__pycache__",   "node_modules",
      "site-packages", "dist-packages", ".tox",        ".nox",          ".mypy_cache",
      ".pytest_cache", ".ruff_cache",  ".venv",        "venv",          ".eggs",
      "build",         "dist",         ".ipynb_checkpoints", "_build",  ".cache"};
  if (std::find(kSkipped.begin(), kSkipped.end(), name) != kSkipped.end()) return true;
  return name.ends_with(".egg-info");
}

Discovery discover(const fs::path& root, const DiscoveryOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    // A single file: scanned whatever its ignore status, as a user named it explicitly.
    Discovery result;
    std::string name = root.filename().string();
    if (auto language = language_of(name)) {
      result.files.push_back(DiscoveredFile{root, reported_path(name), *language});
      (*language == FileLanguage::Python ? result.python_files : result.cpp_files) = 1;
    }
    return result;
  }
  return Walker(root, options).run();
}

}  // namespace tpu
