// SPDX-License-Identifier: Apache-2.0
// The rewrite map (opdb/data/rewrite_map.tsv, compiled in): for each fix site key, target
// profile and style, the replacement, the imports and portable helpers it needs, and whether it
// is safe. One reader for the scan (which says whether a finding has a mechanical fix) and the
// rewriter (which applies it), so the two cannot disagree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tpu::opdb {

struct RewriteRow {
  std::string replacement;           ///< may hold {N}, or <remove-statement> / <remove-argument>
  std::vector<std::string> imports;  ///< full import statements
  std::vector<std::string> helpers;  ///< portable helper names
  bool unsafe = false;
  std::string title;
};

/// The row for `key` on `target` ("xla" | "torchtpu") in `style` ("portable" | "direct"); a row
/// with target or style "*" matches any, the most specific row wins. Null when the map has no
/// row: no mechanical fix there.
const RewriteRow* find_rewrite(std::string_view key, std::string_view target, std::string_view style);

/// One row of the map with its key, target and style (as written: "*" stays "*").
struct RewriteEntry {
  std::string_view key, target, style;
  const RewriteRow* row;
};
/// Every row, ordered by key, target and style.
std::vector<RewriteEntry> all_rewrites();

}  // namespace tpu::opdb
