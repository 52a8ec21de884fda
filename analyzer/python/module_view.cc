// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/module_view.h"

#include <algorithm>
#include <deque>

namespace tpu::python {

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
  build_script_ = path == "setup.py" || path.ends_with("/setup.py");
  first_error_line_ = first_syntax_error_line(root);
  walk(root);
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
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
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
  }
}

void ModuleView::add_from_import(TSNode node, const Context& context) {
  TSNode module_node = field(node, "module_name");
  std::string module = is(module_node, "relative_import")
                           ? resolve_relative(module_node)
                           : std::string(python::text(module_node, source()));
  uint32_t count = ts_node_named_child_count(node);
  bool any_name = false;
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (ts_node_eq(child, module_node)) continue;
    TSNode name = child, alias = child;
    if (is(child, "aliased_import")) {
      name = field(child, "name");
      alias = field(child, "alias");
    } else if (!is(child, "dotted_name")) {
      continue;
    }
    std::string qualified = module.empty() ? std::string(python::text(name, source()))
                                           : module + "." + std::string(python::text(name, source()));
    bind(python::text(alias, source()), qualified);
    imports_.push_back(Import{qualified, child, context});
    any_name = true;
  }
  if (!any_name) imports_.push_back(Import{module, module_node, context});  // wildcard
}

std::string ModuleView::qualify(TSNode expression) const {
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

void ModuleView::add_call(TSNode node, const Context& context) {
  Call call;
  call.node = node;
  call.function = field(node, "function");
  call.context = context;
  call.qualified = qualify(call.function);
  TSNode callee = unparenthesize(call.function);
  if (is(callee, "attribute")) {
    call.method = std::string(text(field(callee, "attribute")));
    call.receiver = field(callee, "object");
    call.method_name = field(callee, "attribute");
  } else if (is(callee, "identifier") && call.qualified.empty()) {
    call.simple_name = text(callee);
  }
  TSNode arguments = field(node, "arguments");
  if (is(arguments, "argument_list")) {
    for_each_named_child(arguments, [&](TSNode argument) {
      std::string_view type = kind(argument);
      if (type == "keyword_argument") {
        call.keywords.emplace_back(text(field(argument, "name")), field(argument, "value"));
      } else if (type != "comment" && type != "list_splat" && type != "dictionary_splat") {
        call.positional.push_back(argument);
      }
    });
  } else if (!is_null(arguments)) {
    call.positional.push_back(arguments);  // a bare generator argument
  }
  calls_.push_back(std::move(call));
}

void ModuleView::bind_parameter_defaults(TSNode definition, int index) {
  // Parameter defaults are bound in the function's own scope, before its body.
  TSNode parameters = field(definition, "parameters");
  uint32_t count = ts_node_named_child_count(parameters);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    if (is(parameter, "default_parameter") || is(parameter, "typed_default_parameter"))
      bindings_[index + 1][std::string(text(field(parameter, "name")))].push_back(
          field(parameter, "value"));
  }
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

void ModuleView::walk(TSNode root) {
  struct Frame {
    TSNode node;
    Context context;
    const std::string* class_name;
    uint32_t depth;
  };
  static const std::string kNoClass;
  std::deque<std::string> class_names;  // stable addresses for the frames' class names
  std::vector<Frame> stack;
  stack.push_back(Frame{root, Context{}, &kNoClass, 0});
  std::vector<Frame> children;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  struct CursorGuard {
    TSTreeCursor* cursor;
    ~CursorGuard() { ts_tree_cursor_delete(cursor); }
  } guard{&cursor};

  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    TSNode node = frame.node;
    Context context = frame.context;
    const std::string* class_name = frame.class_name;
    std::string_view type = kind(node);

    if (type == "comment") {
      std::string_view comment = text(node);
      if (comment.find("tpu-migrate") != std::string_view::npos)
        comments_.emplace_back(ts_node_start_point(node).row + 1, comment);
      continue;
    }
    if (type == "string" || type == "concatenated_string") {
      if (build_script_) strings_.push_back(StringLiteral{node, context});
      if (type == "string") {
        // Interpolations can hold calls (f"{x.item()}"); descend only into those.
        uint32_t count = ts_node_named_child_count(node);
        for (uint32_t i = count; i-- > 0;) {
          TSNode child = ts_node_named_child(node, i);
          if (is(child, "interpolation"))
            stack.push_back(Frame{child, context, class_name, frame.depth + 1});
        }
        continue;
      }
    }

    bool enters_function = false;
    // An import inside a function runs only when that code path does: like a try/except
    // ImportError guard, it is an optional dependency rather than a hard one.
    Context import_context = context;
    if (context.function >= 0) import_context.import_guarded = true;
    if (type == "import_statement") add_import_statement(node, import_context);
    else if (type == "import_from_statement") add_from_import(node, import_context);
    else if (type == "call") add_call(node, context);
    else if (type == "assignment") {
      TSNode left = field(node, "left"), right = field(node, "right");
      assignments_.push_back(Assignment{node, left, right, context});
      if (is(left, "identifier") && !is_null(right)) {
        bindings_[context.function + 1][std::string(text(left))].push_back(right);
      } else if ((is(left, "pattern_list") || is(left, "tuple_pattern")) && !is_null(right)) {
        // `_, loss = model(x, y)`: each name is bound to the call that produced it, which is
        // what the rules need to know (where the value came from), not its exact element.
        uint32_t names = ts_node_named_child_count(left);
        for (uint32_t i = 0; i < names; ++i) {
          TSNode name = ts_node_named_child(left, i);
          if (is(name, "identifier"))
            bindings_[context.function + 1][std::string(text(name))].push_back(right);
        }
      }
    } else if (type == "subscript") {
      TSNode value = field(node, "value");
      subscripts_.push_back(Subscript{node, value, field(node, "subscript"), qualify(value), context});
    } else if (type == "for_statement") {
      for_loops_.push_back(ForLoop{node, field(node, "right"), context});
    } else if (type == "if_statement" || type == "elif_clause" || type == "while_statement") {
      conditions_.push_back(Condition{field(node, "condition"), context});
    } else if (type == "function_definition") {
      enters_function = true;
    } else if (type == "decorated_definition") {
      TSNode definition = field(node, "definition");
      if (is(definition, "function_definition")) {
        int index = add_function(definition, context, *class_name);
        uint32_t count = ts_node_named_child_count(node);
        for (uint32_t i = 0; i < count; ++i) {
          TSNode decorator = ts_node_named_child(node, i);
          if (!is(decorator, "decorator")) continue;
          TSNode expression = ts_node_named_child(decorator, 0);
          TSNode callee = is(expression, "call") ? field(expression, "function") : expression;
          std::string qualified = qualify(callee);
          if (qualified.starts_with("triton.")) functions_[index].triton_kernel = true;
          decorators_.push_back(Decorator{expression, qualified, index});
          stack.push_back(Frame{expression, context, class_name, frame.depth + 1});
        }
        // Visit the definition as a function whose index already exists.
        Context inner{index, 0, false};
        for (const char* part : {"parameters", "body"}) {
          TSNode child = field(definition, part);
          if (!is_null(child)) stack.push_back(Frame{child, inner, class_name, frame.depth + 2});
        }
        bind_parameter_defaults(definition, index);
        continue;
      }
    } else if (type == "class_definition") {
      class_names.push_back(std::string(text(field(node, "name"))));
      class_name = &class_names.back();
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
    bool guards_imports = type == "try_statement" && catches_import_error(node, source());
    // Only for/while bodies are loops that make a step; comprehensions are not counted.
    bool real_loop = type == "for_statement" || type == "while_statement";
    TSNode loop_body = real_loop ? field(node, "body") : TSNode{};
    children.clear();
    // A cursor walks the children in linear time; ts_node_child(node, i) rescans the
    // siblings before i on every call in tree-sitter 0.20, which is quadratic on long blocks.
    ts_tree_cursor_reset(&cursor, node);
    for (bool more = ts_tree_cursor_goto_first_child(&cursor); more;
         more = ts_tree_cursor_goto_next_sibling(&cursor)) {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (!ts_node_is_named(child) && !is(child, "ERROR")) continue;
      Context child_context = context;
      // Only real loops make a step: a comprehension in __init__ builds a list once.
      if (!is_null(loop_body) && ts_node_eq(child, loop_body))
        ++child_context.loop_depth;
      if (guards_imports && is(child, "block")) child_context.import_guarded = true;
      children.push_back(Frame{child, child_context, class_name, depth});
    }
    // Push in reverse so that children are visited in source order.
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  }
}

TSNode ModuleView::assigned_value(std::string_view name, const Context& context,
                                  uint32_t at) const {
  std::string key(name);
  for (int function = context.function;; function = functions_[function].parent) {
    auto scope = bindings_.find(function + 1);
    if (scope != bindings_.end()) {
      auto values = scope->second.find(key);
      if (values != scope->second.end()) {
        // Within the use's own scope take the last assignment before the use; enclosing
        // scopes run before the function is called, so their last assignment counts.
        const TSNode* best = nullptr;
        for (const TSNode& value : values->second)
          if (function != context.function || ts_node_start_byte(value) < at) best = &value;
        if (best != nullptr) return *best;
      }
    }
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
