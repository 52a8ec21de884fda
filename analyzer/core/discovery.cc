// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/discovery.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzer/core/glob.h"
#include "analyzer/core/ignore_rules.h"

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
    walk_dir(root_, "");
    std::sort(result_.files.begin(), result_.files.end(),
              [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.relative < b.relative; });
    return std::move(result_);
  }

 private:
  void error(std::string path, std::string message) {
    result_.errors.push_back(InputError{std::move(path), 0, std::move(message)});
  }

  bool inside_root(const fs::path& canonical) const {
    auto [root_end, _] = std::mismatch(canonical_root_.begin(), canonical_root_.end(),
                                       canonical.begin(), canonical.end());
    return root_end == canonical_root_.end();
  }

  void walk_dir(const fs::path& dir, const std::string& relative_dir) {
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
    for (const auto& entry : entries) visit(entry, relative_dir);
    if (options_.use_ignore_files) ignore_.pop_below(relative_dir);
  }

  void visit(const fs::directory_entry& entry, const std::string& relative_dir) {
    std::string name = entry.path().filename().string();
    std::string relative = join(relative_dir, name);
    std::error_code ec;
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
      walk_dir(target, relative);
      return;
    }
    auto language = language_of(name);
    if (!language) return;
    if (options_.use_ignore_files && ignore_.ignored(relative, false)) return;
    if (matches_any(options_.exclude, relative)) return;
    if (!options_.include.empty() && !matches_any(options_.include, relative)) return;
    if (*language == FileLanguage::Python) ++result_.python_files;
    else ++result_.cpp_files;
    result_.files.push_back(DiscoveredFile{target, relative, *language});
  }

  fs::path root_;
  fs::path canonical_root_;
  const DiscoveryOptions& options_;
  IgnoreRules ignore_;
  std::set<fs::path> visited_dirs_;
  Discovery result_;
};

}  // namespace

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
      result.files.push_back(DiscoveredFile{root, name, *language});
      (*language == FileLanguage::Python ? result.python_files : result.cpp_files) = 1;
    }
    return result;
  }
  return Walker(root, options).run();
}

}  // namespace tpu
