// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate rewrite`: turns the findings' fix sites into edits for a target profile and
// style, checks them (overlaps, imports, helpers, re-parse), and — only when asked — writes
// the files atomically. Planning is pure: it returns new contents and never touches a file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/cache/result_cache.h"
#include "analyzer/core/discovery.h"
#include "analyzer/core/rule_filter.h"
#include "analyzer/core/source_file.h"
#include "opdb/targets.h"
#include "rewriter/fix_plan.h"
#include "rewriter/fix_templates.h"

namespace tpu::rewriter {

struct RewriteOptions {
  std::string target = std::string(opdb::kDefaultTarget);  ///< "torchtpu" or "xla"
  Style style = Style::Portable;
  bool unsafe_fixes = false;
  RuleFilter filter;
  DiscoveryOptions discovery;
  ReadLimits limits;
  /// Fixes are applied in rounds, as ruff does: a fix that overlaps another (one nested in its
  /// arguments) is skipped in one round and found again, in the rewritten text, in the next.
  int max_rounds = 8;
  /// The content-hash cache of per-file plans and of the scan's per-file analyses (off unless
  /// enabled; the CLI enables it).
  cache::CacheOptions cache;
};

struct FileRewrite {
  std::string path;                 ///< relative to the root
  std::filesystem::path absolute;
  std::string before, after;        ///< after == before when nothing changes
  size_t fixes = 0;                 ///< fixes applied
  std::vector<std::string> notes;   ///< skipped overlapping fixes, refusals
  bool refused = false;             ///< the file is left untouched (see notes)
  /// The plan asked the machine's python3 (the grammar lags the language): not cached, as
  /// another python3 may answer otherwise.
  bool asked_cpython = false;
};

struct RewritePlan {
  std::vector<FileRewrite> files;   ///< only files with changes or notes
  std::vector<Unfixed> unfixed;
  std::vector<InputError> errors;
  /// Temporary files that interrupted runs left beside the Python files (relative paths);
  /// write_plan removes them.
  std::vector<std::string> leftovers;
  std::filesystem::path root;
  /// Empty, or why the cache could not be written (the plan is complete either way).
  std::string cache_warning;
};

/// Rewrites one file's text. `path` names it in findings and notes. `scanned`, when given, is
/// what the scan found in `text` (python::analyze_python for the options' target, the options'
/// rules): the first round fixes those findings; later rounds analyse the rewritten text.
FileRewrite rewrite_text(const std::string& path, const std::string& text, const RewriteOptions& options,
                         std::vector<Unfixed>* unfixed = nullptr, const std::vector<Finding>* scanned = nullptr);

/// Plans the rewrite of every Python file under `root`. A file's first round fixes the scan's
/// findings in it: with the cache on, the analysis `scan` cached for the file (or the one made
/// here, cached for the next scan).
RewritePlan plan_rewrite(const std::filesystem::path& root, const RewriteOptions& options);

struct WriteOptions {
  bool allow_dirty = false;  ///< write files with uncommitted git changes too
};

/// Removes the plan's leftover temporary files, then writes the planned files atomically. A
/// file that has uncommitted changes (unless allowed) or whose real path leaves the root is
/// not written; each refusal is an error.
std::vector<InputError> write_plan(const std::filesystem::path& root, RewritePlan& plan,
                                   const WriteOptions& options);

}  // namespace tpu::rewriter
