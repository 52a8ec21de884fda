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
#include "rewriter/fix_templates.h"

namespace tpu::rewriter {

struct RewriteOptions {
  std::string target = std::string(opdb::kDefaultTarget);  ///< "torchtpu" or "xla"
  Style style = Style::Portable;
  bool unsafe_fixes = false;
  RuleFilter filter;
  DiscoveryOptions discovery;
  ReadLimits limits;
  /// The content-hash cache of per-file plans (off unless enabled; the CLI enables it).
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

/// A finding the rewriter did not fix, and why ("no mechanical fix", "unsafe: …").
struct Unfixed {
  Finding finding;
  std::string reason;
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

/// Rewrites one file's text. `path` names it in findings and notes.
FileRewrite rewrite_text(const std::string& path, const std::string& text,
                         const RewriteOptions& options, std::vector<Unfixed>* unfixed = nullptr);

/// Plans the rewrite of every Python file under `root`.
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
