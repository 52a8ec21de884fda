// SPDX-License-Identifier: Apache-2.0
// Thin helpers over tree-sitter's C API for the Python grammar: RAII for trees, field
// access by name, and the text and value of literal nodes.
#pragma once

#include <tree_sitter/api.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::python {

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

/// Parses Python source. Never fails for real input: syntax errors become ERROR nodes.
TreePtr parse_python(std::string_view source);

inline bool is_null(TSNode node) { return ts_node_is_null(node); }

/// The node type name of each symbol of the Python grammar, indexed by TSSymbol, with its
/// length known: the walk asks every node its kind, and ts_node_type's C string costs a strlen.
const std::vector<std::string_view>& python_symbol_names();

inline std::string_view kind(TSNode node) {
  if (is_null(node)) return "";
  const std::vector<std::string_view>& names = python_symbol_names();
  TSSymbol symbol = ts_node_symbol(node);
  return symbol < names.size() ? names[symbol] : std::string_view(ts_node_type(node));
}
inline bool is(TSNode node, std::string_view type) { return kind(node) == type; }

/// The id of a field of the Python grammar ("function", "arguments"…); 0 when there is none.
TSFieldId python_field_id(std::string_view name);

inline TSNode field(TSNode node, std::string_view name) {
  // By id: ts_node_child_by_field_name first finds the id with a strncmp over every field
  // name of the grammar, on each call (3% of a scan).
  TSFieldId id = python_field_id(name);
  return id == 0 ? TSNode{} : ts_node_child_by_field_id(node, id);
}

/// Calls `visit(child)` for each named child of `node`, in order. Linear, where a loop over
/// ts_node_named_child(node, i) starts again from the first child for every i.
template <class Visit>
void for_each_named_child(TSNode node, Visit&& visit) {
  if (ts_node_is_null(node) || ts_node_child_count(node) == 0) return;
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(child)) visit(child);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
}

inline std::string_view text(TSNode node, std::string_view source) {
  if (is_null(node)) return {};
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  return source.substr(begin, end - begin);
}

/// True when `inner` lies within `outer` (byte ranges).
inline bool contains(TSNode outer, TSNode inner) {
  return ts_node_start_byte(inner) >= ts_node_start_byte(outer) &&
         ts_node_end_byte(inner) <= ts_node_end_byte(outer);
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
