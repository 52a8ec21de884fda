// SPDX-License-Identifier: Apache-2.0
// The rewrite map's rows (opdb/rewrite_map.h) in the rewriter's terms, and the substitution of
// a fix site's arguments into them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu::rewriter {

enum class Style : uint8_t { Portable, Direct };

struct FixTemplate {
  std::string replacement;           ///< may hold {N}, or <remove-statement> / <remove-argument>
  std::vector<std::string> imports;  ///< full import statements
  std::vector<std::string> helpers;  ///< portable helper names
  Applicability applicability = Applicability::Safe;
  std::string title;
};

/// The template for `key` on `target` ("xla" | "torchtpu") in `style`; a row with target or
/// style "*" matches any. nullopt when the map has no row: no mechanical fix there.
std::optional<FixTemplate> find_template(std::string_view key, std::string_view target, Style style);

/// Substitutes {0}, {1}, … with `args`; nullopt when an index is out of range.
std::optional<std::string> substitute(std::string_view pattern, const std::vector<std::string>& args);

}  // namespace tpu::rewriter
