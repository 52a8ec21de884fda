// SPDX-License-Identifier: Apache-2.0
// tpu_parse_floor: the floor of a Python scan. Reads each given Python file whole and parses it
// with tree-sitter (ts_parser_parse_string), on N threads (all cores by default), and does nothing
// else: no rules, no report. bench/scan_python.sh compares `tpu-migrate scan` against it.
//
//   tpu_parse_floor [--jobs N] [--list FILE|-] [PATH...]
//
// A PATH that is a folder is walked for .py/.pyi files, skipping the folders that the scan skips
// by default (.git, virtualenvs, site-packages, node_modules, build, dist, __pycache__, ...); it
// does not read .gitignore. --list names a file (or - for stdin) with one path per line. Files
// are handed out in the order given, one at a time, from a shared counter, as the scan does.
// Prints one line: files=N bytes=N seconds=S syntax_errors=N read_errors=N jobs=N, where seconds
// runs from the first read to the last parse (the file list itself is not timed).
#include <tree_sitter/api.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace fs = std::filesystem;

namespace {

bool is_python(const fs::path& path) {
  auto ext = path.extension();
  return ext == ".py" || ext == ".pyi";
}

// The same names as analyzer/core/discovery.cc's default-skipped folders.
bool is_skipped_folder(const fs::path& dir) {
  static constexpr std::array<std::string_view, 20> kSkipped = {
      ".git",          ".hg",          ".svn",         "__pycache__",   "node_modules",
      "site-packages", "dist-packages", ".tox",        ".nox",          ".mypy_cache",
      ".pytest_cache", ".ruff_cache",  ".venv",        "venv",          ".eggs",
      "build",         "dist",         ".ipynb_checkpoints", "_build",  ".cache"};
  std::string name = dir.filename().string();
  if (std::find(kSkipped.begin(), kSkipped.end(), name) != kSkipped.end()) return true;
  std::error_code ec;
  return name.ends_with(".egg-info") || fs::exists(dir / "pyvenv.cfg", ec);
}

void walk(const fs::path& root, std::vector<std::string>& files) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (entry.is_symlink(ec)) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_directory(ec)) {
      if (is_skipped_folder(entry.path())) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_regular_file(ec) && is_python(entry.path())) files.push_back(entry.path().string());
  }
  // Sorted, as the scan's discovery sorts its files: the same order, the same load balance.
  std::sort(files.begin(), files.end());
}

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return false;
  in.seekg(0, std::ios::beg);
  text.assign(static_cast<size_t>(size), '\0');
  in.read(text.data(), size);
  return !in.bad() && in.gcount() == size;
}

[[noreturn]] void usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: tpu_parse_floor [--jobs N] [--list FILE|-] [PATH...]\n"
               "Reads and parses each Python file with tree-sitter on N threads (default: all "
               "cores)\nand prints files=, bytes=, seconds=, syntax_errors=, read_errors=, jobs=.\n");
  std::exit(code);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") usage(0);
    if ((arg == "--jobs" || arg == "-j") && i + 1 < argc) {
      int n = std::atoi(argv[++i]);
      if (n < 1) usage(2);
      jobs = static_cast<unsigned>(n);
    } else if (arg == "--list" && i + 1 < argc) {
      std::string_view name = argv[++i];
      std::ifstream file;
      if (name != "-") {
        file.open(std::string(name));
        if (!file) {
          std::fprintf(stderr, "tpu_parse_floor: cannot read %s\n", argv[i]);
          return 2;
        }
      }
      std::istream& in = name == "-" ? std::cin : file;
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) files.push_back(line);
    } else if (arg.starts_with("-")) {
      usage(2);
    } else {
      std::error_code ec;
      if (fs::is_directory(arg, ec)) walk(std::string(arg), files);
      else files.emplace_back(arg);
    }
  }
  if (files.empty()) usage(2);
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, files.size()));

  std::atomic<size_t> next{0};
  std::atomic<uint64_t> total_bytes{0};
  std::atomic<size_t> parsed{0}, syntax_errors{0}, read_errors{0};
  auto worker = [&] {
    TSParser* parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_python());
    std::string text;
    uint64_t bytes = 0;
    size_t ok = 0, syntax = 0, unreadable = 0;
    for (size_t i = next++; i < files.size(); i = next++) {
      if (!read_file(files[i], text)) {
        ++unreadable;
        continue;
      }
      TSTree* tree = ts_parser_parse_string(parser, nullptr, text.data(),
                                            static_cast<uint32_t>(text.size()));
      if (tree == nullptr) {
        ++unreadable;
        continue;
      }
      if (ts_node_has_error(ts_tree_root_node(tree))) ++syntax;
      ts_tree_delete(tree);
      bytes += text.size();
      ++ok;
    }
    ts_parser_delete(parser);
    total_bytes += bytes;
    parsed += ok;
    syntax_errors += syntax;
    read_errors += unreadable;
  };

  auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
    worker();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("files=%zu bytes=%llu seconds=%.3f syntax_errors=%zu read_errors=%zu jobs=%u\n",
              parsed.load(), static_cast<unsigned long long>(total_bytes.load()), seconds,
              syntax_errors.load(), read_errors.load(), jobs);
  return read_errors.load() == 0 ? 0 : 1;
}
