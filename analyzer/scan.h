// SPDX-License-Identifier: Apache-2.0
// A whole scan: discover files, analyse them in parallel, run the repository-wide rules,
// and return findings and errors in a deterministic order whatever the job count.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/cache/result_cache.h"
#include "analyzer/core/discovery.h"
#include "analyzer/core/finding.h"
#include "analyzer/core/rule_filter.h"
#include "analyzer/core/source_file.h"
#include "analyzer/cpp/cpp_scan.h"
#include "analyzer/cpp/inventory.h"
#include "opdb/targets.h"

namespace tpu {

struct ScanOptions {
  DiscoveryOptions discovery;
  ReadLimits limits;
  RuleFilter filter;
  unsigned jobs = 0;  ///< 0 = all cores
  std::string target = std::string(opdb::kDefaultTarget);  ///< op-database target for op statuses
  /// The style whose fixes the findings show ("portable" | "direct", as `rewrite --style`): a
  /// finding keeps its fix only where the rewrite map has a row for it in this style.
  std::string fix_style = "portable";
  /// The content-hash cache of per-file results (off unless enabled; the CLI enables it).
  cache::CacheOptions cache;
  /// Called from worker threads as files finish (done, total); may be empty.
  std::function<void(size_t, size_t)> progress;

  // The C++/CUDA front end (libclang).
  /// fast: a stand-in for the CUDA/torch headers, no header read (the default unless a
  /// compile_commands.json is found); deep: the real flags and headers (--cpp-deep).
  cpp::CppMode cpp_mode = cpp::CppMode::Auto;
  std::string compile_commands_dir;       ///< -p DIR: where compile_commands.json is
  uint32_t cpp_file_timeout_ms = 0;       ///< per-file bound; 0 = 10 s fast, 300 s deep
  std::vector<std::string> cpp_include_dirs;  ///< extra include folders for deep mode (-I)
};

/// How the C++/CUDA files were parsed, for benchmarks and diagnostics (not in reports).
struct CppStats {
  std::string mode;          ///< fast | deep | "" when there was no C++ file
  std::string flags_source;  ///< deep: the compile database used, or "inferred flags (…)"
  size_t files = 0, with_tree = 0;
  std::vector<double> parse_ms;  ///< per analysed file, in discovery order
};

struct ScanResult {
  std::vector<Finding> findings;   ///< sorted by path, line, column, rule
  std::vector<InputError> errors;  ///< sorted by path, line
  std::vector<OpUse> ops;          ///< one per op, sorted by name; locations sorted
  size_t files_scanned = 0;        ///< files read and analysed
  size_t python_files = 0;
  size_t cpp_files = 0;            ///< found and analysed by the C++ front end
  uint64_t bytes_scanned = 0;
  /// The custom-op inventory of the repository's C++/CUDA extensions (JSON: `inventory`,
  /// from cpp::inventory_json).
  cpp::Inventory inventory;
  CppStats cpp_stats;
  /// Empty, or why the cache could not be written (the results are complete either way).
  std::string cache_warning;
};

/// Scans `root` (a file or a folder, which must exist).
ScanResult scan(const std::filesystem::path& root, const ScanOptions& options);

}  // namespace tpu
