// SPDX-License-Identifier: Apache-2.0
#include "rewriter/validity.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "analyzer/python/syntax.h"

namespace tpu::rewriter {
namespace {

using python::field;
using python::is;
using python::kind;

uint32_t line_of(TSNode node) { return ts_node_start_point(node).row + 1; }

// Indentation as CPython's tokenizer measures it: the column with tabs to multiples of 8,
// and the column with tabs as one; two lines indent alike only when both agree.
struct Indent {
  uint32_t col = 0, alt = 0;
  bool operator==(const Indent&) const = default;
};

uint32_t start_of_line(std::string_view source, uint32_t byte) {
  while (byte > 0 && source[byte - 1] != '\n' && source[byte - 1] != '\r') --byte;
  return byte;
}

// The indentation of the line `node` starts, and whether `node` is the first thing on it
// (not after `;`, not on a header's line, not continuing a backslash line).
std::pair<Indent, bool> indent_of(TSNode node, std::string_view source) {
  uint32_t begin = ts_node_start_byte(node), at = start_of_line(source, begin);
  bool continues = (at >= 2 && source[at - 1] == '\n' && source[at - 2] == '\\') ||
                   (at >= 3 && source.substr(at - 3, 3) == "\\\r\n");
  Indent indent;
  bool first = !continues;
  for (uint32_t i = at; i < begin; ++i) {
    char c = source[i];
    if (c == ' ') {
      ++indent.col, ++indent.alt;
    } else if (c == '\t') {
      indent.col = (indent.col / 8 + 1) * 8, ++indent.alt;
    } else if (c == '\f') {
      indent = {};
    } else {
      first = false;
      break;
    }
  }
  return {indent, first};
}

// Whether only indentation precedes `node` on its line: a look back over the indentation alone
// (a generated line of thousands of `a; b; …` statements must not be walked back for each).
bool begins_line(TSNode node, std::string_view source) {
  uint32_t at = ts_node_start_byte(node);
  while (at > 0 && (source[at - 1] == ' ' || source[at - 1] == '\t' || source[at - 1] == '\f')) --at;
  return at == 0 || source[at - 1] == '\n' || source[at - 1] == '\r';
}

bool is_statement_child(TSNode node) { return ts_node_is_named(node) && !is(node, "comment"); }

// `dedent`: the line follows a deeper block, so a column between the two levels is a dedent
// that matches neither (CPython's message for it), not an indent.
std::optional<SyntaxProblem> inconsistent(TSNode node, Indent expected, Indent got, bool dedent = false) {
  if (got.col > expected.col && !dedent) return SyntaxProblem{line_of(node), "unexpected indent"};
  if (got.col > expected.col) return SyntaxProblem{line_of(node), "unindent does not match any outer indentation level"};
  if (got.col < expected.col) return SyntaxProblem{line_of(node), "unindent does not match any outer indentation level"};
  if (got.alt != expected.alt) return SyntaxProblem{line_of(node), "inconsistent use of tabs and spaces in indentation"};
  return std::nullopt;
}

// The statements of a module or block start their lines at one indentation, deeper than the
// statement that opens the block; a block holds at least one statement.
std::optional<SyntaxProblem> check_suite(TSNode suite, TSNode opener, std::string_view source) {
  bool module = is(suite, "module");
  std::optional<SyntaxProblem> found;
  std::optional<Indent> level;
  if (module) level = Indent{};
  uint32_t statements = 0;
  TSNode previous{};
  python::for_each_named_child(suite, [&](TSNode child) {
    if (found || !is_statement_child(child)) return;
    ++statements;
    bool after_block = !python::is_null(previous) && ts_node_end_point(previous).row > ts_node_start_point(previous).row;
    previous = child;
    if (!begins_line(child, source)) return;  // after `;`: indent_of would say not first
    auto [indent, first] = indent_of(child, source);
    if (!first) return;
    if (!level) {
      Indent outer = indent_of(opener, source).first;
      if (indent.col <= outer.col) found = SyntaxProblem{line_of(child), "expected an indented block"};
      else if (indent.alt <= outer.alt) found = SyntaxProblem{line_of(child), "inconsistent use of tabs and spaces in indentation"};
      level = indent;
      return;
    }
    found = inconsistent(child, *level, indent, after_block);
  });
  if (found) return found;
  if (!module && statements == 0)
    return SyntaxProblem{line_of(opener), "expected an indented block after the statement on line " +
                                              std::to_string(line_of(opener))};
  return std::nullopt;
}

bool valid_string_prefix(std::string_view start) {
  std::string prefix;
  for (char c : start) {
    if (c == '"' || c == '\'') break;
    prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static constexpr std::array<std::string_view, 13> kPrefixes = {
      "", "r", "u", "f", "b", "br", "rb", "fr", "rf", "t", "tr", "rt"};
  return std::find(kPrefixes.begin(), kPrefixes.end(), prefix) != kPrefixes.end();
}

bool has_token(TSNode node, std::string_view token) {
  for (uint32_t i = 0, count = ts_node_child_count(node); i < count; ++i) {
    TSNode child = ts_node_child(node, i);
    if (!ts_node_is_named(child) && kind(child) == token) return true;
  }
  return false;
}

// Python 2 forms the grammar still accepts and CPython 3 does not.
std::optional<std::string> python2_form(TSNode node, std::string_view source) {
  std::string_view type = kind(node);
  if (type == "print_statement") return "Python 2 print statement";
  if (type == "exec_statement") return "Python 2 exec statement";
  if (type == "except_clause" && has_token(node, ",")) return "Python 2 `except E, name:`";
  if (type == "comparison_operator" && has_token(node, "<>")) return "Python 2 operator <>";
  if (type == "raise_statement" && is(ts_node_named_child(node, 0), "expression_list"))
    return "Python 2 `raise E, message`";
  if ((type == "parameters" || type == "lambda_parameters")) {
    for (uint32_t i = 0, count = ts_node_named_child_count(node); i < count; ++i)
      if (is(ts_node_named_child(node, i), "tuple_pattern")) return "Python 2 tuple parameter";
  }
  if (type == "string_start" && !valid_string_prefix(python::text(node, source)))
    return "invalid string prefix";
  if (type == "integer") {
    std::string_view digits = python::text(node, source);
    if (digits.ends_with('l') || digits.ends_with('L')) return "Python 2 long literal";
    if (digits.size() > 1 && digits[0] == '0' && std::isdigit(static_cast<unsigned char>(digits[1])) &&
        digits.find_first_not_of("0_") != std::string_view::npos)
      return "leading zeros in a decimal literal (Python 2 octal)";
  }
  return std::nullopt;
}

bool is_clause(TSNode node) {
  return is(node, "elif_clause") || is(node, "else_clause") || is(node, "except_clause") ||
         is(node, "except_group_clause") || is(node, "finally_clause");
}

}  // namespace

std::optional<SyntaxProblem> strict_syntax_problem(std::string_view source) {
  python::TreePtr tree = python::parse_python(source);
  return strict_syntax_problem(ts_tree_root_node(tree.get()), source);
}

std::optional<SyntaxProblem> strict_syntax_problem(TSNode root, std::string_view source) {
  if (uint32_t line = python::first_syntax_error_line(root); line != 0) return SyntaxProblem{line, "invalid syntax"};
  std::optional<SyntaxProblem> found;
  auto keep_first = [&](std::optional<SyntaxProblem> problem) {
    if (problem && (!found || problem->line < found->line)) found = std::move(problem);
  };
  // Each node with its parent: ts_node_parent walks down from the root, on every call.
  std::vector<std::pair<TSNode, TSNode>> stack{{root, TSNode{}}};
  while (!stack.empty()) {
    auto [node, parent] = stack.back();
    stack.pop_back();
    if (is(node, "module") || is(node, "block")) keep_first(check_suite(node, parent, source));
    if (auto form = python2_form(node, source)) keep_first(SyntaxProblem{line_of(node), *form});
    // `else:`, `except:` … line up with the statement they belong to.
    if (is_clause(node) && !python::is_null(parent) && !is(parent, "block")) {
      auto [indent, first] = indent_of(node, source);
      if (first) keep_first(inconsistent(node, indent_of(parent, source).first, indent, true));
    }
    if (is(node, "decorated_definition")) {
      TSNode definition = field(node, "definition");
      auto [indent, first] = indent_of(definition, source);
      if (first) keep_first(inconsistent(definition, indent_of(node, source).first, indent));
    }
    python::for_each_named_child(node, [&](TSNode child) { stack.push_back({child, node}); });
  }
  return found;
}

namespace {

// Identifiers in positions that read a name: not an attribute's name, not a keyword
// argument's name, not in an import statement (which binds).
void collect_uses(TSNode root, std::string_view source, std::set<std::string>& names) {
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    if (is(node, "import_statement") || is(node, "import_from_statement") || is(node, "future_import_statement"))
      continue;
    if (is(node, "identifier")) {
      names.insert(std::string(python::text(node, source)));
      continue;
    }
    if (is(node, "attribute")) {
      stack.push_back(field(node, "object"));
      continue;
    }
    if (is(node, "keyword_argument")) {
      stack.push_back(field(node, "value"));
      continue;
    }
    python::for_each_named_child(node, [&](TSNode child) { stack.push_back(child); });
  }
}

// Every identifier inside a binding target (`a`, `a, b`, `[a, *b]`), not the objects of
// attributes or subscripts there (`x.y = …` binds nothing new).
void collect_targets(TSNode target, std::string_view source, std::set<std::string>& names) {
  if (python::is_null(target)) return;
  if (is(target, "identifier")) {
    names.insert(std::string(python::text(target, source)));
    return;
  }
  if (is(target, "attribute") || is(target, "subscript")) return;
  for (uint32_t i = 0, count = ts_node_named_child_count(target); i < count; ++i)
    collect_targets(ts_node_named_child(target, i), source, names);
}

void collect_bindings(TSNode root, std::string_view source, std::set<std::string>& names) {
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    std::string_view type = kind(node);
    if (type == "import_statement" || type == "import_from_statement") {
      for (uint32_t i = 0, count = ts_node_named_child_count(node); i < count; ++i) {
        TSNode child = ts_node_named_child(node, i);
        if (ts_node_eq(child, field(node, "module_name"))) continue;
        if (is(child, "aliased_import")) {
          names.insert(std::string(python::text(field(child, "alias"), source)));
        } else if (is(child, "dotted_name")) {
          std::string_view spelled = python::text(child, source);
          names.insert(std::string(type == "import_statement" ? spelled.substr(0, spelled.find('.')) : spelled));
        }
      }
    } else if (type == "function_definition" || type == "class_definition") {
      names.insert(std::string(python::text(field(node, "name"), source)));
    } else if (type == "assignment" || type == "augmented_assignment" || type == "for_statement" ||
               type == "for_in_clause") {
      collect_targets(field(node, "left"), source, names);
    } else if (type == "named_expression") {
      collect_targets(field(node, "name"), source, names);
    } else if (type == "parameters" || type == "lambda_parameters") {
      for (uint32_t i = 0, count = ts_node_named_child_count(node); i < count; ++i) {
        TSNode parameter = ts_node_named_child(node, i);
        TSNode name = field(parameter, "name");
        if (!python::is_null(name)) collect_targets(name, source, names);
        else if (is(parameter, "typed_parameter")) collect_targets(ts_node_named_child(parameter, 0), source, names);
        else collect_targets(parameter, source, names);
      }
    } else if (type == "as_pattern") {
      collect_targets(field(node, "alias"), source, names);
    } else if (type == "except_clause") {
      collect_targets(field(node, "alias"), source, names);
    } else if (type == "global_statement" || type == "nonlocal_statement") {
      collect_targets(node, source, names);
    }
    python::for_each_named_child(node, [&](TSNode child) { stack.push_back(child); });
  }
}

bool is_builtin(std::string_view name) {
  static const std::set<std::string_view> kBuiltins = {
      "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray",
      "bytes", "callable", "chr", "classmethod", "compile", "complex", "delattr", "dict", "dir",
      "divmod", "enumerate", "eval", "exec", "filter", "float", "format", "frozenset", "getattr",
      "globals", "hasattr", "hash", "help", "hex", "id", "input", "int", "isinstance",
      "issubclass", "iter", "len", "list", "locals", "map", "max", "memoryview", "min", "next",
      "object", "oct", "open", "ord", "pow", "print", "property", "range", "repr", "reversed",
      "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super",
      "tuple", "type", "vars", "zip", "__import__", "__name__", "__file__", "__doc__",
      "None", "True", "False", "NotImplemented", "Ellipsis", "Exception", "BaseException",
      "ImportError", "ModuleNotFoundError", "AttributeError", "KeyError", "ValueError",
      "TypeError", "RuntimeError", "NotImplementedError", "OSError", "StopIteration"};
  return kBuiltins.count(name) > 0;
}

}  // namespace

std::set<std::string> names_used(TSNode root, std::string_view source) {
  std::set<std::string> names;
  collect_uses(root, source, names);
  return names;
}

std::set<std::string> names_bound(TSNode root, std::string_view source) {
  std::set<std::string> names;
  collect_bindings(root, source, names);
  return names;
}

bool is_builtin_name(std::string_view name) { return is_builtin(name); }

std::set<std::string> unbound_new_names(std::string_view before, std::string_view after) {
  python::TreePtr before_tree = python::parse_python(before), after_tree = python::parse_python(after);
  return unbound_new_names(ts_tree_root_node(before_tree.get()), before, ts_tree_root_node(after_tree.get()), after);
}

std::set<std::string> unbound_new_names(TSNode before_root, std::string_view before, TSNode after_root,
                                        std::string_view after) {
  std::set<std::string> used_before, used_after, bound;
  collect_uses(before_root, before, used_before);
  collect_uses(after_root, after, used_after);
  collect_bindings(after_root, after, bound);
  std::set<std::string> unbound;
  for (const std::string& name : used_after)
    if (!used_before.count(name) && !bound.count(name) && !is_builtin(name)) unbound.insert(name);
  return unbound;
}

}  // namespace tpu::rewriter
