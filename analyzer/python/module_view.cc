// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/module_view.h"

#include <algorithm>
#include <cctype>
#include <deque>

#include "analyzer/python/syntax.h"

namespace tpu::python {

void ModuleView::for_each_dotted_use(TSNode root, std::string_view name,
                                     const std::function<void(TSNode)>& visit) const {
  std::string needle = std::string(name) + ".";
  std::string_view text = source();
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    // `xname.` or `a.name.` is another name.
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_' || text[at - 1] == '.'))
      continue;
    TSNode identifier = ts_node_named_descendant_for_byte_range(root, static_cast<uint32_t>(at),
                                                                static_cast<uint32_t>(at + 1));
    TSNode attribute = ts_node_parent(identifier);
    if (is(identifier, "identifier") && is(attribute, "attribute") && ts_node_eq(field(attribute, "object"), identifier))
      visit(attribute);
  }
}

TSNode Call::keyword(std::string_view name) const {
  for (const auto& [key, value] : keywords)
    if (key == name) return value;
  return TSNode{};
}

TSNode Call::argument(size_t index, std::string_view name) const {
  if (index < positional.size()) return positional[index];
  return keyword(name);
}

std::string module_name_of(std::string_view relative_path) {
  std::string name(relative_path);
  for (std::string_view ext : {".pyi", ".py"})
    if (name.ends_with(ext)) {
      name.resize(name.size() - ext.size());
      break;
    }
  if (name.ends_with("/__init__")) name.resize(name.size() - 9);
  else if (name == "__init__") name.clear();
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

template <class Visit>
void ModuleView::each_named_child(TSNode node, Visit&& visit) {
  if (is_null(node)) return;
  // Most lists are empty or hold one name (`f()`, `f(x)`): the count is stored in the node,
  // and a single child is found without a cursor.
  uint32_t named = ts_node_named_child_count(node);
  if (named == 0) return;
  if (named == 1) return visit(ts_node_named_child(node, 0));
  if (walk_cursor_ == nullptr) return for_each_named_child(node, visit);
  TSTreeCursor* cursor = walk_cursor_;
  walk_cursor_ = nullptr;  // a nested listing gets a cursor of its own
  ts_tree_cursor_reset(cursor, node);
  for (bool more = ts_tree_cursor_goto_first_child(cursor); more;
       more = ts_tree_cursor_goto_next_sibling(cursor)) {
    TSNode child = ts_tree_cursor_current_node(cursor);
    if (ts_node_is_named(child)) visit(child);
  }
  walk_cursor_ = cursor;
}

namespace {

bool catches_import_error(TSNode try_statement, std::string_view source) {
  uint32_t count = ts_node_named_child_count(try_statement);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode clause = ts_node_named_child(try_statement, i);
    if (!is(clause, "except_clause")) continue;
    TSNode first = ts_node_named_child(clause, 0);
    // A bare `except:` has the block as its first named child.
    if (is(first, "block")) return true;
    std::string_view caught = text(first, source);
    for (std::string_view name : {"ImportError", "ModuleNotFoundError", "Exception"})
      if (caught.find(name) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

ModuleView::ModuleView(const SourceFile& file, TSNode root, std::string module_name)
    : file_(file), module_name_(std::move(module_name)) {
  std::string_view path = file.path();
  // setup.py, or a JIT build script (a loader that runs torch.utils.cpp_extension.load with
  // nvcc flags lists): both pass CUDA build arguments as plain strings.
  build_script_ = path == "setup.py" || path.ends_with("/setup.py") ||
                  file.text().find("cpp_extension") != std::string_view::npos;
  first_error_line_ = first_syntax_error_line(root);
  // Sized for a call every 128 bytes (transformers has one every 180): each list is one or
  // two allocations instead of a doubling series of large ones.
  size_t expected_calls = file.text().size() / 128;
  calls_.reserve(expected_calls);
  argument_ranges_.reserve(expected_calls);
  positional_arguments_.reserve(2 * expected_calls);
  walk(root);
  for (size_t i = 0; i < calls_.size(); ++i) {
    const ArgumentRanges& range = argument_ranges_[i];
    calls_[i].positional = std::span<const TSNode>(positional_arguments_)
                               .subspan(range.positional_begin,
                                        range.positional_end - range.positional_begin);
    calls_[i].keywords = std::span<const std::pair<std::string_view, TSNode>>(keyword_arguments_)
                             .subspan(range.keyword_begin, range.keyword_end - range.keyword_begin);
  }
  // By scope and name, each name's values in the order they were bound.
  std::stable_sort(bindings_.begin(), bindings_.end(), Binding::before);
  resolve_late_imports();
}

// A function body runs after the whole module has been imported, so a name it uses may come
// from an import further down the file (detectron2: `try: from detectron2 import _C` after the
// classes that call `_C.deform_conv_forward`). The walk qualified each call with the imports
// seen so far; calls and subscripts inside functions get a second chance with all of them.
void ModuleView::resolve_late_imports() {
  for (Call& call : calls_) {
    if (!call.qualified.empty() || call.context.function == -1) continue;
    call.qualified = qualify(call.function);
    if (!call.qualified.empty()) call.simple_name = {};
  }
  for (Subscript& subscript : subscripts_)
    if (subscript.qualified_value.empty() && subscript.context.function != -1)
      subscript.qualified_value = qualify(subscript.value);
}

Location ModuleView::location(TSNode node) const {
  return file_.location(ts_node_start_byte(node), ts_node_end_byte(node));
}

void ModuleView::bind(std::string_view local, std::string qualified) {
  aliases_[std::string(local)] = std::move(qualified);
}

std::string ModuleView::resolve_relative(TSNode relative_import) const {
  // `from ..pkg import x` inside a.b.c resolves against the package a.b (one dot) or a (two).
  std::string_view spelled = python::text(relative_import, source());
  size_t dots = spelled.find_first_not_of('.');
  if (dots == std::string_view::npos) dots = spelled.size();
  std::string base = module_name_;
  bool is_package = file_.path().ends_with("__init__.py") || file_.path().ends_with("__init__.pyi");
  size_t levels = is_package ? dots - 1 : dots;
  for (size_t i = 0; i < levels; ++i) {
    size_t cut = base.rfind('.');
    base = cut == std::string::npos ? std::string() : base.substr(0, cut);
  }
  std::string rest(spelled.substr(dots));
  if (base.empty()) return rest;
  return rest.empty() ? base : base + "." + rest;
}

void ModuleView::add_import_statement(TSNode node, const Context& context) {
  each_named_child(node, [&](TSNode child) {
    if (is(child, "aliased_import")) {
      std::string module(python::text(field(child, "name"), source()));
      bind(python::text(field(child, "alias"), source()), module);
      imports_.push_back(Import{module, child, context});
    } else if (is(child, "dotted_name")) {
      std::string module(python::text(child, source()));
      // `import torch.distributed` binds `torch`.
      std::string head = module.substr(0, module.find('.'));
      bind(head, head);
      imports_.push_back(Import{module, child, context});
    }
  });
}

void ModuleView::add_from_import(TSNode node, const Context& context) {
  TSNode module_node = field(node, "module_name");
  std::string module = is(module_node, "relative_import")
                           ? resolve_relative(module_node)
                           : std::string(python::text(module_node, source()));
  bool any_name = false;
  each_named_child(node, [&](TSNode child) {
    if (ts_node_eq(child, module_node)) return;
    TSNode name = child, alias = child;
    if (is(child, "aliased_import")) {
      name = field(child, "name");
      alias = field(child, "alias");
    } else if (!is(child, "dotted_name")) {
      return;
    }
    std::string qualified = module.empty() ? std::string(python::text(name, source()))
                                           : module + "." + std::string(python::text(name, source()));
    bind(python::text(alias, source()), qualified);
    imports_.push_back(Import{qualified, child, context});
    any_name = true;
  });
  if (!any_name) imports_.push_back(Import{module, module_node, context});  // wildcard
}

namespace {

// The length of the leading name of `text` when all of it is a dotted name spelled in ASCII
// identifier characters ("torch.cuda.synchronize" -> 5), else 0.
size_t plain_dotted_head(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return 0;
  size_t head = text.size();
  bool after_dot = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (after_dot) return 0;  // ".x" or "a..b"
      if (head == text.size()) head = i;
      after_dot = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
               (c >= '0' && c <= '9')) {
      if (after_dot && c >= '0' && c <= '9') return 0;
      after_dot = false;
    } else {
      return 0;
    }
  }
  return after_dot ? 0 : head;
}

}  // namespace

std::string ModuleView::qualify(TSNode expression) const {
  // Most callees are plain dotted names (`torch.cuda.synchronize`, `self.encoder`): their
  // text says what the tree walk below would find, without a field lookup per dot.
  std::string_view type = kind(expression);
  if ((type == "attribute" || type == "identifier") && !ts_node_has_error(expression)) {
    std::string_view spelled = text(expression);
    if (size_t head = plain_dotted_head(spelled)) {
      auto it = aliases_.find(std::string(spelled.substr(0, head)));
      if (it == aliases_.end()) return {};
      std::string qualified = it->second;
      qualified.append(spelled.substr(head));
      return qualified;
    }
  }
  expression = unparenthesize(expression);
  if (is(expression, "identifier")) {
    auto it = aliases_.find(std::string(text(expression)));
    return it == aliases_.end() ? std::string() : it->second;
  }
  if (is(expression, "attribute")) {
    std::string object = qualify(field(expression, "object"));
    if (object.empty()) return {};
    return object + "." + std::string(text(field(expression, "attribute")));
  }
  return {};
}

bool ModuleView::add_call(TSNode node, const Context& context,
                          std::vector<TSNode>* argument_nodes) {
  Call call;
  call.node = node;
  call.function = field(node, "function");
  call.context = context;
  call.qualified = qualify(call.function);
  TSNode callee = unparenthesize(call.function);
  if (is(callee, "attribute")) {
    call.method_name = field(callee, "attribute");
    call.method = std::string(text(call.method_name));
    call.receiver = field(callee, "object");
  } else if (is(callee, "identifier") && call.qualified.empty()) {
    call.simple_name = text(callee);
  }
  TSNode arguments = field(node, "arguments");
  ArgumentRanges range{static_cast<uint32_t>(positional_arguments_.size()), 0,
                       static_cast<uint32_t>(keyword_arguments_.size()), 0};
  bool listed = is(arguments, "argument_list");
  if (listed) {
    each_named_child(arguments, [&](TSNode argument) {
      if (argument_nodes != nullptr) argument_nodes->push_back(argument);
      std::string_view type = kind(argument);
      if (type == "keyword_argument") {
        keyword_arguments_.emplace_back(text(field(argument, "name")), field(argument, "value"));
      } else if (type != "comment" && type != "list_splat" && type != "dictionary_splat") {
        positional_arguments_.push_back(argument);
      }
    });
  } else if (!is_null(arguments)) {
    positional_arguments_.push_back(arguments);  // a bare generator argument
  }
  range.positional_end = static_cast<uint32_t>(positional_arguments_.size());
  range.keyword_end = static_cast<uint32_t>(keyword_arguments_.size());
  argument_ranges_.push_back(range);
  calls_.push_back(std::move(call));
  return listed;
}

void ModuleView::bind_parameter_defaults(TSNode definition, int index) {
  // Parameter defaults are bound in the function's own scope, before its body.
  each_named_child(field(definition, "parameters"), [&](TSNode parameter) {
    if (is(parameter, "default_parameter") || is(parameter, "typed_default_parameter"))
      bindings_.push_back(Binding{index + 1, text(field(parameter, "name")), field(parameter, "value")});
  });
}

int ModuleView::add_function(TSNode node, const Context& context, std::string class_name) {
  FunctionInfo info;
  info.name = std::string(text(field(node, "name")));
  info.class_name = std::move(class_name);
  info.node = node;
  info.parent = context.function;
  functions_.push_back(std::move(info));
  return static_cast<int>(functions_.size()) - 1;
}

namespace {

// What the walk does with a node, by its symbol: one table lookup per node instead of a chain
// of string comparisons.
enum class WalkKind : uint8_t {
  kOther,
  kComment,
  kString,
  kConcatenatedString,
  kImportStatement,
  kImportFromStatement,
  kCall,
  kAssignment,
  kSubscript,
  kForStatement,
  kCondition,  // if_statement, elif_clause, while_statement
  kWhileStatement,
  kFunctionDefinition,
  kDecoratedDefinition,
  kClassDefinition,
  kTryStatement,
  kError,
  kExpressionStatement,
  kAttribute,
};

struct WalkTraits {
  WalkKind kind = WalkKind::kOther;
  // A kind that holds only expressions (no statement, so no import, assignment, loop or
  // definition): what the walk collects inside one is a call, a subscript, a comment or an
  // f-string's interpolation, and each of those needs a `(`, a `[` or a `#` in its text.
  bool expression_only = false;
};

const std::vector<WalkTraits>& walk_traits() {
  static const std::vector<WalkTraits> kTraits = [] {
    static constexpr std::pair<std::string_view, WalkKind> kKinds[] = {
        {"comment", WalkKind::kComment},
        {"string", WalkKind::kString},
        {"concatenated_string", WalkKind::kConcatenatedString},
        {"import_statement", WalkKind::kImportStatement},
        {"import_from_statement", WalkKind::kImportFromStatement},
        {"call", WalkKind::kCall},
        {"assignment", WalkKind::kAssignment},
        {"subscript", WalkKind::kSubscript},
        {"for_statement", WalkKind::kForStatement},
        {"if_statement", WalkKind::kCondition},
        {"elif_clause", WalkKind::kCondition},
        {"while_statement", WalkKind::kWhileStatement},
        {"function_definition", WalkKind::kFunctionDefinition},
        {"decorated_definition", WalkKind::kDecoratedDefinition},
        {"class_definition", WalkKind::kClassDefinition},
        {"try_statement", WalkKind::kTryStatement},
        {"ERROR", WalkKind::kError},
        {"expression_statement", WalkKind::kExpressionStatement},
        {"attribute", WalkKind::kAttribute},
    };
    static constexpr std::string_view kExpressionOnly[] = {
        "attribute", "await", "binary_operator", "boolean_operator", "comparison_operator",
        "conditional_expression", "not_operator", "unary_operator", "named_expression", "lambda",
        "lambda_parameters", "keyword_argument", "pair", "dictionary", "list", "set", "tuple",
        "expression_list", "slice", "yield", "default_parameter", "typed_parameter",
        "typed_default_parameter", "type", "generic_type", "union_type", "member_type",
        "constrained_type", "splat_type", "list_splat", "dictionary_splat",
        "parenthesized_list_splat", "parenthesized_expression", "pattern_list", "tuple_pattern",
        "list_pattern", "list_splat_pattern", "dictionary_splat_pattern", "as_pattern",
        "dotted_name", "aliased_import", "augmented_assignment", "return_statement",
        "assert_statement", "delete_statement", "raise_statement", "global_statement",
        "nonlocal_statement", "print_statement", "exec_statement", "list_comprehension",
        "set_comprehension", "dictionary_comprehension", "generator_expression", "for_in_clause",
        "if_clause", "identifier", "parameters", "interpolation", "relative_import",
        "import_prefix"};
    const std::vector<std::string_view>& names = python_symbol_names();
    std::vector<WalkTraits> traits(names.size());
    for (size_t symbol = 0; symbol < names.size(); ++symbol) {
      for (const auto& [name, kind] : kKinds)
        if (names[symbol] == name) traits[symbol].kind = kind;
      for (std::string_view name : kExpressionOnly)
        if (names[symbol] == name) traits[symbol].expression_only = true;
    }
    return traits;
  }();
  return kTraits;
}

WalkTraits traits_of(TSNode node) {
  const std::vector<WalkTraits>& traits = walk_traits();
  TSSymbol symbol = ts_node_symbol(node);
  if (symbol < traits.size()) return traits[symbol];
  // ERROR is the builtin symbol 65535, outside the grammar's table.
  return ts_node_is_null(node) || std::string_view(ts_node_type(node)) != "ERROR"
             ? WalkTraits{}
             : WalkTraits{WalkKind::kError, false};
}

// True when `text` holds a character that every node the walk collects inside an expression
// needs: `(` for a call, `[` for a subscript, `#` for a comment. An opening bracket that starts
// the text and a closing one that ends it are the expression's own (a tuple, a list, a
// parameter list): a call's `(` and a subscript's `[` always follow the callee or the value.
bool may_hold_collected_node(std::string_view text) {
  if (!text.empty() && (text.front() == '(' || text.front() == '[')) text.remove_prefix(1);
  if (!text.empty() && (text.back() == ')' || text.back() == ']')) text.remove_suffix(1);
  for (char c : text)
    if (c == '(' || c == '[' || c == '#') return true;
  return false;
}

// An f-string (the only string with interpolations) says so in its prefix: f"…", rf'…', F"…".
bool is_format_string(std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\'') return false;
    if (c == 'f' || c == 'F') return true;
  }
  return false;
}

}  // namespace

void ModuleView::walk(TSNode root) {
  struct Frame {
    TSNode node;
    Context context;
    const std::string* class_name;
    uint32_t depth;
    WalkKind kind;
  };
  static const std::string kNoClass;
  std::deque<std::string> class_names;  // stable addresses for the frames' class names
  // The walk's work lists keep their capacity from file to file (per thread): growing them
  // anew for each file is a series of large allocations.
  thread_local std::vector<Frame> stack;
  thread_local std::vector<Frame> children;
  thread_local std::vector<TSNode> call_arguments;
  stack.clear();
  stack.push_back(Frame{root, Context{}, &kNoClass, 0, traits_of(root).kind});
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  struct CursorGuard {
    TSTreeCursor* cursor;
    TSTreeCursor** shared;
    ~CursorGuard() {
      *shared = nullptr;
      ts_tree_cursor_delete(cursor);
    }
  } guard{&cursor, &walk_cursor_};
  walk_cursor_ = &cursor;
  // Subtrees that cannot hold anything collected are not entered: a leaf other than a comment,
  // or an expression whose text rules out a call, subscript or comment inside it. Build scripts
  // keep every string literal, so they are walked whole. Near the depth bound every child is
  // entered, so that the bound is reported where it was before.
  const bool may_skip = !build_script_;
  auto worth_entering = [&](TSNode child, const WalkTraits& traits, uint32_t child_depth) {
    if (!may_skip || child_depth >= kMaxDepth) return true;
    if (traits.kind != WalkKind::kComment && traits.kind != WalkKind::kError &&
        ts_node_child_count(child) == 0)
      return false;
    return !traits.expression_only || ts_node_has_error(child) || may_hold_collected_node(text(child));
  };

  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    TSNode node = frame.node;
    Context context = frame.context;
    const std::string* class_name = frame.class_name;
    const WalkKind type = frame.kind;

    if (type == WalkKind::kComment) {
      std::string_view comment = text(node);
      if (comment.find("tpu-migrate") != std::string_view::npos)
        comments_.emplace_back(ts_node_start_point(node).row + 1, comment);
      continue;
    }
    if (type == WalkKind::kString || type == WalkKind::kConcatenatedString) {
      if (build_script_) strings_.push_back(StringLiteral{node, context});
      if (type == WalkKind::kString) {
        // Interpolations can hold calls (f"{x.item()}"); descend only into those.
        if (!is_format_string(text(node))) continue;
        size_t first = stack.size();
        each_named_child(node, [&](TSNode child) {
          WalkTraits traits = traits_of(child);
          if (is(child, "interpolation") && worth_entering(child, traits, frame.depth + 1))
            stack.push_back(Frame{child, context, class_name, frame.depth + 1, traits.kind});
        });
        std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first), stack.end());
        continue;
      }
    }

    bool enters_function = false;
    bool arguments_collected = false;
    // Nodes whose named children the handler already holds (an assignment's two sides, a
    // subscript's value and index) are expanded from those, without a cursor.
    TSNode known[2] = {};
    int known_count = -1;
    // An import inside a function runs only when that code path does: like a try/except
    // ImportError guard, it is an optional dependency rather than a hard one.
    Context import_context = context;
    if (context.function >= 0) import_context.import_guarded = true;
    switch (type) {
      case WalkKind::kImportStatement:
        add_import_statement(node, import_context);
        // What an import holds besides its names is a comment, if any.
        if (may_skip && text(node).find('#') == std::string_view::npos) continue;
        break;
      case WalkKind::kImportFromStatement:
        add_from_import(node, import_context);
        if (may_skip && text(node).find('#') == std::string_view::npos) continue;
        break;
      case WalkKind::kExpressionStatement:
        if (ts_node_named_child_count(node) == 1 && !ts_node_has_error(node)) {
          known[0] = ts_node_named_child(node, 0);
          known_count = 1;
        }
        break;
      case WalkKind::kAttribute:
        // `object.name`: the name is an identifier, so only the object can hold anything.
        if (ts_node_named_child_count(node) == 2 && !ts_node_has_error(node)) {
          known[0] = field(node, "object");
          known_count = is_null(known[0]) ? -1 : 1;
        }
        break;
      case WalkKind::kCall:
        call_arguments.clear();
        arguments_collected = add_call(node, context, &call_arguments);
        // The arguments stand in for the argument list's children only where they are all of
        // them: a call with nothing but its callee and a clean argument list, well inside the
        // depth bound.
        arguments_collected = arguments_collected && ts_node_child_count(node) == 2 &&
                              !ts_node_has_error(node) && frame.depth + 2 < kMaxDepth;
        break;
      case WalkKind::kAssignment: {
        TSNode left = field(node, "left"), right = field(node, "right");
        assignments_.push_back(Assignment{node, left, right, context});
        if (!is_null(right) && ts_node_named_child_count(node) == 2 && !ts_node_has_error(node)) {
          known[0] = left;
          known[1] = right;
          known_count = 2;
        }
        if (is(left, "identifier") && !is_null(right)) {
          bindings_.push_back(Binding{context.function + 1, text(left), right});
        } else if ((is(left, "pattern_list") || is(left, "tuple_pattern")) && !is_null(right)) {
          // `_, loss = model(x, y)`: each name is bound to the call that produced it, which is
          // what the rules need to know (where the value came from), not its exact element.
          each_named_child(left, [&](TSNode name) {
            if (is(name, "identifier"))
              bindings_.push_back(Binding{context.function + 1, text(name), right});
          });
        }
        break;
      }
      case WalkKind::kSubscript: {
        TSNode value = field(node, "value"), index = field(node, "subscript");
        subscripts_.push_back(Subscript{node, value, index, qualify(value), context});
        if (!is_null(index) && ts_node_named_child_count(node) == 2 && !ts_node_has_error(node)) {
          known[0] = value;
          known[1] = index;
          known_count = 2;
        }
        break;
      }
      case WalkKind::kForStatement:
        for_loops_.push_back(ForLoop{node, field(node, "right"), context});
        break;
      case WalkKind::kCondition:
      case WalkKind::kWhileStatement:
        conditions_.push_back(Condition{field(node, "condition"), context});
        break;
      case WalkKind::kFunctionDefinition:
        enters_function = true;
        break;
      case WalkKind::kDecoratedDefinition: {
        TSNode definition = field(node, "definition");
        if (!is(definition, "function_definition")) break;
        int index = add_function(definition, context, *class_name);
        each_named_child(node, [&](TSNode decorator) {
          if (!is(decorator, "decorator")) return;
          TSNode expression = ts_node_named_child(decorator, 0);
          TSNode callee = is(expression, "call") ? field(expression, "function") : expression;
          std::string qualified = qualify(callee);
          if (qualified.starts_with("triton.")) functions_[index].triton_kernel = true;
          decorators_.push_back(Decorator{expression, qualified, index});
          stack.push_back(
              Frame{expression, context, class_name, frame.depth + 1, traits_of(expression).kind});
        });
        // Visit the definition as a function whose index already exists.
        Context inner{index, 0, false};
        for (const char* part : {"parameters", "body"}) {
          TSNode child = field(definition, part);
          if (!is_null(child))
            stack.push_back(Frame{child, inner, class_name, frame.depth + 2, traits_of(child).kind});
        }
        bind_parameter_defaults(definition, index);
        continue;
      }
      case WalkKind::kClassDefinition:
        class_names.push_back(std::string(text(field(node, "name"))));
        class_name = &class_names.back();
        break;
      default:
        break;
    }

    if (enters_function) {
      int index = add_function(node, context, *class_name);
      context = Context{index, 0, false};
      bind_parameter_defaults(node, index);
    }

    uint32_t depth = frame.depth + 1;
    if (depth > kMaxDepth) {
      if (too_deep_line_ == 0) too_deep_line_ = ts_node_start_point(node).row + 1;
      continue;
    }
    children.clear();
    auto add_child = [&](TSNode child, const Context& child_context, uint32_t child_depth) {
      WalkTraits traits = traits_of(child);
      if (worth_entering(child, traits, child_depth))
        children.push_back(Frame{child, child_context, class_name, child_depth, traits.kind});
    };
    if (known_count < 0 && type != WalkKind::kForStatement && type != WalkKind::kWhileStatement &&
        type != WalkKind::kTryStatement && !ts_node_has_error(node)) {
      // No cursor for a node with one named child or none (`return x`, `not x`, `(x)`).
      uint32_t named = ts_node_named_child_count(node);
      if (named <= 1) {
        known_count = static_cast<int>(named);
        if (named == 1) known[0] = ts_node_named_child(node, 0);
      }
    }
    if (known_count >= 0) {
      for (int i = 0; i < known_count; ++i)
        if (!is_null(known[i])) add_child(known[i], context, depth);
    } else if (arguments_collected) {
      // The call's arguments were listed once by add_call; visit them as the argument
      // list's children, at the depth they have in the tree.
      add_child(calls_.back().function, context, depth);
      for (TSNode argument : call_arguments) add_child(argument, context, depth + 1);
    } else {
      bool guards_imports = type == WalkKind::kTryStatement && catches_import_error(node, source());
      // Only for/while bodies are loops that make a step; comprehensions are not counted.
      bool real_loop = type == WalkKind::kForStatement || type == WalkKind::kWhileStatement;
      TSNode loop_body = real_loop ? field(node, "body") : TSNode{};
      // A cursor walks the children in linear time; ts_node_child(node, i) rescans the
      // siblings before i on every call in tree-sitter 0.20, which is quadratic on long blocks.
      ts_tree_cursor_reset(&cursor, node);
      for (bool more = ts_tree_cursor_goto_first_child(&cursor); more;
           more = ts_tree_cursor_goto_next_sibling(&cursor)) {
        TSNode child = ts_tree_cursor_current_node(&cursor);
        if (!ts_node_is_named(child) && traits_of(child).kind != WalkKind::kError) continue;
        Context child_context = context;
        // Only real loops make a step: a comprehension in __init__ builds a list once.
        if (!is_null(loop_body) && ts_node_eq(child, loop_body)) ++child_context.loop_depth;
        if (guards_imports && is(child, "block")) child_context.import_guarded = true;
        add_child(child, child_context, depth);
      }
    }
    // Push in reverse so that children are visited in source order.
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  }
}

TSNode ModuleView::assigned_value(std::string_view name, const Context& context,
                                  uint32_t at) const {
  for (int function = context.function;; function = functions_[function].parent) {
    auto [first, last] = std::equal_range(bindings_.begin(), bindings_.end(),
                                          Binding{function + 1, name, TSNode{}}, Binding::before);
    // Within the use's own scope take the last assignment before the use; enclosing
    // scopes run before the function is called, so their last assignment counts.
    const TSNode* best = nullptr;
    for (auto it = first; it != last; ++it)
      if (function != context.function || ts_node_start_byte(it->value) < at) best = &it->value;
    if (best != nullptr) return *best;
    if (function == -1) return TSNode{};
  }
}

bool ModuleView::in_step(const Context& context) const {
  if (context.loop_depth > 0) return true;
  for (int function = context.function; function >= 0; function = functions_[function].parent) {
    std::string_view name = functions_[function].name;
    if (name.find("step") != std::string_view::npos || name.starts_with("train") ||
        name.find("_train") != std::string_view::npos || name.find("epoch") != std::string_view::npos)
      return true;
  }
  return false;
}

bool ModuleView::in_triton_kernel(const Context& context) const {
  for (int function = context.function; function >= 0; function = functions_[function].parent)
    if (functions_[function].triton_kernel) return true;
  return false;
}

}  // namespace tpu::python
