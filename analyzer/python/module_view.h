// SPDX-License-Identifier: Apache-2.0
// One walk over a parsed Python file that collects what the rules look at (imports,
// calls with their resolved names, assignments, decorators, subscripts, conditions,
// comments), each with its context (scope, loop depth, enclosing function). Rules then
// iterate these lists instead of walking the tree again.
#pragma once

#include <tree_sitter/api.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyzer/core/finding.h"
#include "analyzer/core/source_file.h"
#include "analyzer/python/syntax.h"

namespace tpu::python {

/// Where a node sits: the enclosing function (index into ModuleView::functions, -1 at
/// module level), how many loops enclose it inside that function, and whether it is in the
/// body of a `try` that catches ImportError.
struct Context {
  int function = -1;
  uint16_t loop_depth = 0;
  bool import_guarded = false;
};

struct FunctionInfo {
  std::string name;
  std::string class_name;   ///< the enclosing class, if a method
  TSNode node;              ///< function_definition
  int parent = -1;          ///< enclosing function
  bool triton_kernel = false;
};

struct Import {
  std::string module;  ///< fully qualified, relative imports resolved inside the repo
  TSNode node;         ///< the dotted_name / aliased_import that names it
  Context context;
};

struct Call {
  TSNode node{};
  TSNode function{};     ///< the callee expression
  std::string qualified; ///< "torch.cuda.synchronize" when the callee resolves through imports
  std::string method;    ///< last attribute of an attribute callee (`x.cuda()` -> "cuda")
  std::string_view simple_name;  ///< the callee when it is a bare, unimported name (`print`)
  TSNode receiver{};     ///< object of an attribute callee; null otherwise
  TSNode method_name{};  ///< the attribute identifier of an attribute callee; null otherwise
  // Views into the ModuleView's argument lists (one allocation per file, not per call).
  std::span<const TSNode> positional;
  std::span<const std::pair<std::string_view, TSNode>> keywords;  ///< name -> value
  Context context;

  TSNode keyword(std::string_view name) const;
  /// The argument at `index`, or the keyword `name`, or null.
  TSNode argument(size_t index, std::string_view name) const;
  /// True when the callee is a method on a value rather than a module-level function.
  bool is_method_call() const { return !is_null(receiver) && qualified.empty(); }
};

struct Assignment {
  TSNode node;   ///< assignment
  TSNode left, right;
  Context context;
};

struct Decorator {
  TSNode node;           ///< the decorator expression (call or name)
  std::string qualified;
  int function;          ///< the decorated function
};

struct Subscript {
  TSNode node{};
  TSNode value, index;
  std::string qualified_value;  ///< "os.environ" when the value resolves
  Context context;
};

struct Condition {
  TSNode node;       ///< the condition expression of an if / elif / while
  Context context;
};

/// A `for` loop: what it iterates over (the expression after `in`).
struct ForLoop {
  TSNode node;      ///< for_statement
  TSNode iterable;
  Context context;  ///< where the loop statement itself sits
};

/// A string literal; collected only in build scripts (setup.py, or a file that uses
/// torch.utils.cpp_extension), where CUDA build arguments are strings.
struct StringLiteral {
  TSNode node{};
  Context context;
};

class ModuleView {
 public:
  /// `module_name` is the dotted module path of the file inside the repository
  /// ("pkg.sub.mod"), used to resolve relative imports.
  ModuleView(const SourceFile& file, TSNode root, std::string module_name);
  // Calls view the view's own argument lists.
  ModuleView(const ModuleView&) = delete;
  ModuleView& operator=(const ModuleView&) = delete;

  const SourceFile& file() const { return file_; }
  std::string_view source() const { return file_.text(); }
  /// Each attribute `name.x` whose object is the identifier `name` (an import's local name read
  /// through a dot), found by searching the source for "name." so that a file without it costs
  /// nothing; `root` is the module's tree. `visit` gets the attribute node `name.x`.
  void for_each_dotted_use(TSNode root, std::string_view name, const std::function<void(TSNode)>& visit) const;
  std::string_view text(TSNode node) const { return python::text(node, file_.text()); }
  Location location(TSNode node) const;
  /// setup.py, or a file that uses torch.utils.cpp_extension (a JIT build loader).
  bool is_build_script() const { return build_script_; }
  /// The file's dotted module name in the repository ("pkg.sub.mod").
  const std::string& module_name() const { return module_name_; }

  /// Resolves `T.cuda.synchronize` to "torch.cuda.synchronize" through the file's imports;
  /// empty when the leftmost name is not an import.
  std::string qualify(TSNode expression) const;

  /// The assignment to `name` that reaches byte offset `at` in `context`'s function (the
  /// last one before `at`), or the module-level one; null when there is none.
  TSNode assigned_value(std::string_view name, const Context& context, uint32_t at) const;

  /// The calls whose qualified name (or `.method` name) the rules index on.
  const std::vector<Call>& calls() const { return calls_; }
  const std::vector<Import>& imports() const { return imports_; }
  const std::vector<Assignment>& assignments() const { return assignments_; }
  const std::vector<Decorator>& decorators() const { return decorators_; }
  const std::vector<Subscript>& subscripts() const { return subscripts_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  const std::vector<ForLoop>& for_loops() const { return for_loops_; }
  const std::vector<FunctionInfo>& functions() const { return functions_; }
  const std::vector<StringLiteral>& strings() const { return strings_; }
  /// (1-based line, comment text) for suppression comments.
  const std::vector<std::pair<uint32_t, std::string_view>>& comments() const { return comments_; }
  /// Byte offset and line of the first syntax error, 0 when the file parsed cleanly.
  uint32_t first_error_line() const { return first_error_line_; }
  /// Line where nesting exceeded the walker's depth bound, 0 when it never did.
  uint32_t too_deep_line() const { return too_deep_line_; }

  /// True when `context` is inside a training or evaluation step: a loop body, or a
  /// function whose name says it runs one (train*, *step*, …).
  bool in_step(const Context& context) const;
  bool in_triton_kernel(const Context& context) const;

  static constexpr int kMaxDepth = 2000;

 private:
  void walk(TSNode root);
  void resolve_late_imports();
  void add_import_statement(TSNode node, const Context& context);
  void add_from_import(TSNode node, const Context& context);
  void bind(std::string_view local, std::string qualified);
  std::string resolve_relative(TSNode relative_import) const;
  /// Records a call. With `argument_nodes`, also lists there every named child of its
  /// argument list (comments included), so that the walk need not list them again; returns
  /// whether the call has an argument list (not a bare generator argument).
  bool add_call(TSNode node, const Context& context, std::vector<TSNode>* argument_nodes);
  int add_function(TSNode node, const Context& context, std::string class_name);
  void bind_parameter_defaults(TSNode definition, int index);

  /// Calls `visit` for each named child of `node`, with the walk's cursor while the walk runs
  /// (a cursor of its own costs an allocation). `visit` must not list children itself.
  template <class Visit>
  void each_named_child(TSNode node, Visit&& visit);

  const SourceFile& file_;
  TSTreeCursor* walk_cursor_ = nullptr;  ///< the walk's cursor, free while a handler runs
  std::string module_name_;
  bool build_script_ = false;
  std::unordered_map<std::string, std::string> aliases_;  // local name -> qualified
  // Names bound by assignments and parameter defaults: (function index + 1, name, value),
  // pushed as the walk meets them, then sorted by scope and name (stably: each name's values
  // stay in binding order). One list per file rather than a map of maps.
  struct Binding {
    int scope;
    std::string_view name;
    TSNode value;
    /// By scope, then name: the order the list is sorted in and searched by.
    static bool before(const Binding& a, const Binding& b) {
      return std::tie(a.scope, a.name) < std::tie(b.scope, b.name);
    }
  };
  std::vector<Binding> bindings_;
  std::vector<Call> calls_;
  // Every call's arguments, in call order; each Call's spans are set once the walk is done
  // (the lists grow while it runs). argument_ranges_[i]: call i's [begin, end) in each list.
  std::vector<TSNode> positional_arguments_;
  std::vector<std::pair<std::string_view, TSNode>> keyword_arguments_;
  struct ArgumentRanges {
    uint32_t positional_begin, positional_end, keyword_begin, keyword_end;
  };
  std::vector<ArgumentRanges> argument_ranges_;
  std::vector<Import> imports_;
  std::vector<Assignment> assignments_;
  std::vector<Decorator> decorators_;
  std::vector<Subscript> subscripts_;
  std::vector<Condition> conditions_;
  std::vector<ForLoop> for_loops_;
  std::vector<FunctionInfo> functions_;
  std::vector<StringLiteral> strings_;
  std::vector<std::pair<uint32_t, std::string_view>> comments_;
  uint32_t first_error_line_ = 0;
  uint32_t too_deep_line_ = 0;
};

/// The dotted module name of a repository-relative path: "pkg/sub/mod.py" -> "pkg.sub.mod",
/// "pkg/__init__.py" -> "pkg".
std::string module_name_of(std::string_view relative_path);

}  // namespace tpu::python
