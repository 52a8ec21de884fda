// SPDX-License-Identifier: Apache-2.0
#include "rewriter/python_imports.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "analyzer/python/syntax.h"

namespace tpu::rewriter {
namespace {

using python::field;
using python::is;
using python::kind;

bool is_import(TSNode node) {
  return is(node, "import_statement") || is(node, "import_from_statement") ||
         is(node, "future_import_statement");
}

bool is_docstring(TSNode node) {
  return is(node, "expression_statement") && ts_node_named_child_count(node) == 1 &&
         is(ts_node_named_child(node, 0), "string");
}

// Offset just past the end of the line holding `byte`.
uint32_t end_of_line(std::string_view source, uint32_t byte) {
  size_t newline = source.find('\n', byte);
  return newline == std::string_view::npos ? static_cast<uint32_t>(source.size())
                                           : static_cast<uint32_t>(newline + 1);
}

// Uses of each identifier outside import statements.
std::map<std::string, int> identifier_uses(TSNode root, std::string_view source) {
  std::map<std::string, int> uses;
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    if (is_import(node)) continue;
    if (is(node, "identifier")) {
      ++uses[std::string(python::text(node, source))];
      continue;
    }
    // `a.b`: only the leftmost name is a use of a binding.
    if (is(node, "attribute")) {
      stack.push_back(field(node, "object"));
      continue;
    }
    python::for_each_named_child(node, [&](TSNode child) { stack.push_back(child); });
  }
  return uses;
}

struct Binding {
  std::string name;     ///< the local name it binds
  std::string spelled;  ///< how it is written in the statement ("a as b")
};

std::vector<Binding> bindings_of(TSNode statement, std::string_view source) {
  std::vector<Binding> bindings;
  TSNode module_name = field(statement, "module_name");
  uint32_t count = ts_node_named_child_count(statement);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(statement, i);
    if (!python::is_null(module_name) && ts_node_eq(child, module_name)) continue;
    std::string spelled(python::text(child, source));
    if (is(child, "aliased_import")) {
      bindings.push_back({std::string(python::text(field(child, "alias"), source)), spelled});
    } else if (is(child, "dotted_name")) {
      bool from_import = is(statement, "import_from_statement");
      bindings.push_back({from_import ? spelled : spelled.substr(0, spelled.find('.')), spelled});
    }
  }
  return bindings;
}

// Names a module-level statement binds: imports, defs, classes, simple assignments, also
// inside top-level try/if blocks (`try: import torch_xla as _torch_xla …`).
void collect_module_bindings(TSNode node, std::string_view source, std::set<std::string>& names) {
  if (is_import(node)) {
    for (const Binding& binding : bindings_of(node, source)) names.insert(binding.name);
  } else if (is(node, "function_definition") || is(node, "class_definition")) {
    names.insert(std::string(python::text(field(node, "name"), source)));
  } else if (is(node, "decorated_definition")) {
    collect_module_bindings(field(node, "definition"), source, names);
  } else if (is(node, "expression_statement")) {
    TSNode assignment = ts_node_named_child(node, 0);
    if (is(assignment, "assignment") && is(field(assignment, "left"), "identifier"))
      names.insert(std::string(python::text(field(assignment, "left"), source)));
  } else if (is(node, "try_statement") || is(node, "if_statement") || is(node, "block") ||
             is(node, "except_clause") || is(node, "else_clause") || is(node, "elif_clause") ||
             is(node, "finally_clause")) {
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i)
      collect_module_bindings(ts_node_named_child(node, i), source, names);
  }
}

}  // namespace

std::string normalize_statement(std::string_view statement) {
  std::string out;
  bool space = false;
  for (char c : statement) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

ImportLayout read_imports(std::string_view source) {
  python::TreePtr tree = python::parse_python(source);
  return read_imports(ts_tree_root_node(tree.get()), source);
}

ImportLayout read_imports(TSNode root, std::string_view source) {
  ImportLayout layout;
  uint32_t count = ts_node_named_child_count(root);
  bool leading = true, seen_import = false, seen_code = false;
  for (uint32_t i = 0; i < count; ++i) {
    TSNode node = ts_node_named_child(root, i);
    bool import = is_import(node);
    if (import) layout.statements.insert(normalize_statement(python::text(node, source)));
    collect_module_bindings(node, source, layout.bound_names);
    if (!leading) continue;
    // The leading run: a docstring, header comments (shebang, licence) and imports. Comments
    // after the first import belong to the code below them, so they do not move the point.
    bool header_comment = is(node, "comment") && !seen_import;
    bool docstring = !seen_code && is_docstring(node);
    seen_code = seen_code || !is(node, "comment");
    if (import || header_comment || docstring) {
      seen_import = seen_import || import;
      layout.insert_at = end_of_line(source, ts_node_end_byte(node));
      continue;
    }
    if (is(node, "comment")) continue;
    leading = false;
  }
  return layout;
}

std::vector<Edit> unused_import_removals(std::string_view before, std::string_view after) {
  python::TreePtr before_tree = python::parse_python(before);
  return unused_import_removals(ts_tree_root_node(before_tree.get()), before, after);
}

std::vector<Edit> unused_import_removals(TSNode before_root, std::string_view before, std::string_view after) {
  python::TreePtr after_tree = python::parse_python(after);
  return unused_import_removals(before_root, before, ts_tree_root_node(after_tree.get()), after);
}

std::map<std::string, int> removable_import_uses(TSNode root, std::string_view source) {
  std::map<std::string, int> uses = identifier_uses(root, source), imported;
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    if (!is_import(node)) {
      python::for_each_named_child(node, [&](TSNode child) { stack.push_back(child); });
      continue;
    }
    if (is(node, "future_import_statement")) continue;
    for (const Binding& binding : bindings_of(node, source)) imported[binding.name] = uses[binding.name];
  }
  return imported;
}

std::vector<Edit> unused_import_removals(TSNode before_root, std::string_view before, TSNode after_root,
                                         std::string_view after) {
  auto uses_before = identifier_uses(before_root, before);
  auto uses_after = identifier_uses(after_root, after);

  std::vector<Edit> edits;
  // Whole statements removed, per enclosing block: a block must keep one statement.
  std::map<uintptr_t, std::vector<std::pair<size_t, TSNode>>> whole_by_block;
  std::vector<TSNode> stack{after_root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    if (!is_import(node) || is(node, "future_import_statement")) {
      python::for_each_named_child(node, [&](TSNode child) { stack.push_back(child); });
      continue;
    }
    // `try: import apex` probes whether a module is there: the import is the point, used or not.
    TSNode parent = ts_node_parent(node);
    if (is(parent, "block") && is(ts_node_parent(parent), "try_statement")) continue;
    std::vector<Binding> bindings = bindings_of(node, after);
    std::vector<std::string> kept;
    for (const Binding& binding : bindings) {
      bool orphaned = uses_before[binding.name] > 0 && uses_after[binding.name] == 0;
      if (!orphaned) kept.push_back(binding.spelled);
    }
    if (kept.size() == bindings.size() || bindings.empty()) continue;
    uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
    if (kept.empty()) {
      // Remove the whole line when the statement is alone on it.
      uint32_t line_start = begin;
      while (line_start > 0 && after[line_start - 1] != '\n') --line_start;
      bool alone = after.substr(line_start, begin - line_start).find_first_not_of(" \t") ==
                   std::string_view::npos;
      uint32_t line_end = end_of_line(after, end);
      bool rest_blank = after.substr(end, line_end - end).find_first_not_of(" \t\r\n") ==
                        std::string_view::npos;
      if (alone && rest_blank) edits.push_back(Edit{"", line_start, line_end, ""});
      else edits.push_back(Edit{"", begin, end, "pass"});
      if (is(parent, "block")) whole_by_block[reinterpret_cast<uintptr_t>(parent.id)].push_back({edits.size() - 1, node});
      continue;
    }
    std::string rebuilt;
    if (is(node, "import_from_statement")) {
      rebuilt = "from " + std::string(python::text(field(node, "module_name"), after)) + " import ";
    } else {
      rebuilt = "import ";
    }
    for (size_t i = 0; i < kept.size(); ++i) rebuilt += (i ? ", " : "") + kept[i];
    edits.push_back(Edit{"", begin, end, rebuilt});
  }
  // A block whose every statement goes keeps `pass` in place of its first one.
  for (auto& [block, removed] : whole_by_block) {
    TSNode parent = ts_node_parent(removed.front().second);
    uint32_t statements = 0;
    for (uint32_t i = 0, count = ts_node_named_child_count(parent); i < count; ++i)
      statements += !is(ts_node_named_child(parent, i), "comment");
    if (statements != removed.size()) continue;
    auto first = std::min_element(removed.begin(), removed.end(), [](const auto& a, const auto& b) {
      return ts_node_start_byte(a.second) < ts_node_start_byte(b.second);
    });
    edits[first->first] = Edit{"", ts_node_start_byte(first->second), ts_node_end_byte(first->second), "pass"};
  }
  return edits;
}

}  // namespace tpu::rewriter
