// SPDX-License-Identifier: Apache-2.0
// Import bookkeeping for fixes: where new imports go (after the module docstring, the
// __future__ imports and the leading import block), which are already there, and which
// imports a fix left unused.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

#include "analyzer/core/finding.h"

namespace tpu::rewriter {

struct ImportLayout {
  uint32_t insert_at = 0;            ///< byte offset at the start of a line
  std::set<std::string> statements;  ///< existing import statements, whitespace-normalised
  std::set<std::string> bound_names; ///< module-level names bound by imports and defs
};

/// Reads the module's leading imports.
ImportLayout read_imports(std::string_view source);
/// The same with `source` already parsed.
ImportLayout read_imports(TSNode root, std::string_view source);

/// Collapses runs of whitespace to one space (how `statements` are compared).
std::string normalize_statement(std::string_view statement);

/// Edits on `after` that remove imported names that `before` used and `after` no longer
/// uses (a fix replaced their last use). A statement left with no names is removed whole, or
/// becomes `pass` when its block would be left with none; imports in a `try:` body stay (they
/// probe whether a module is installed).
std::vector<Edit> unused_import_removals(std::string_view before, std::string_view after);
/// The same with `before` already parsed.
std::vector<Edit> unused_import_removals(TSNode before_root, std::string_view before, std::string_view after);
/// The same with both texts already parsed.
std::vector<Edit> unused_import_removals(TSNode before_root, std::string_view before, TSNode after_root,
                                         std::string_view after);

/// For each name an import statement binds (not a `__future__` one), how often the module
/// uses it outside imports: a fix can leave such an import unused only by removing that many
/// uses of the name.
std::map<std::string, int> removable_import_uses(TSNode root, std::string_view source);

}  // namespace tpu::rewriter
