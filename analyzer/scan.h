// SPDX-License-Identifier: Apache-2.0
// A whole scan: discover files, analyse them in parallel, run the repository-wide rules,
// and return findings and errors in a deterministic order whatever the job count.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/core/discovery.h"
#include "analyzer/core/finding.h"
#include "analyzer/core/rule_filter.h"
#include "analyzer/core/source_file.h"

namespace tpu {

struct ScanOptions {
  DiscoveryOptions discovery;
  ReadLimits limits;
  RuleFilter filter;
  unsigned jobs = 0;  ///< 0 = all cores
  std::string target = "xla";  ///< op-database target for op statuses
  /// Called from worker threads as files finish (done, total); may be empty.
  std::function<void(size_t, size_t)> progress;
};

struct ScanResult {
  std::vector<Finding> findings;   ///< sorted by path, line, column, rule
  std::vector<InputError> errors;  ///< sorted by path, line
  std::vector<OpUse> ops;          ///< one per op, sorted by name; locations sorted
  size_t files_scanned = 0;        ///< files read and analysed
  size_t python_files = 0;
  size_t cpp_files = 0;            ///< found and counted; analysed by the C++ front end
  uint64_t bytes_scanned = 0;
};

/// Scans `root` (a file or a folder, which must exist).
ScanResult scan(const std::filesystem::path& root, const ScanOptions& options);

}  // namespace tpu
