// SPDX-License-Identifier: Apache-2.0
// Thin helpers over tree-sitter's C API for the Python grammar: RAII for trees, field
// access by name, and the text and value of literal nodes.
#pragma once

#include <tree_sitter/api.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tpu::python {

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

/// Parses Python source. Never fails for real input: syntax errors become ERROR nodes.
TreePtr parse_python(std::string_view source);

inline bool is_null(TSNode node) { return ts_node_is_null(node); }
inline std::string_view kind(TSNode node) { return is_null(node) ? "" : ts_node_type(node); }
inline bool is(TSNode node, std::string_view type) { return kind(node) == type; }

inline TSNode field(TSNode node, std::string_view name) {
  return ts_node_child_by_field_name(node, name.data(), static_cast<uint32_t>(name.size()));
}

inline std::string_view text(TSNode node, std::string_view source) {
  if (is_null(node)) return {};
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  return source.substr(begin, end - begin);
}

/// Skips redundant parentheses around an expression.
TSNode unparenthesize(TSNode node);

/// The value of a plain string literal (no interpolation); nullopt for anything else.
/// Escapes are left as written: the strings this tool looks for contain none.
std::optional<std::string> string_value(TSNode node, std::string_view source);

/// The literal text before the first interpolation of an f-string or plain string,
/// e.g. "cuda:" for f"cuda:{rank}".
std::optional<std::string> string_prefix(TSNode node, std::string_view source);

/// 1-based line of the first ERROR or MISSING node under `root`, 0 when there is none.
uint32_t first_syntax_error_line(TSNode root);

/// The dotted text of `a.b.c` when it is made of identifiers only, else empty.
std::string dotted_name(TSNode node, std::string_view source);

}  // namespace tpu::python
