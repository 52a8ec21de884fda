// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/rules/rule_helpers.h"

#include <algorithm>

#include "opdb/targets.h"

namespace tpu::python {

std::optional<std::string> string_constant(const ModuleView& view, TSNode node,
                                           const Context& context) {
  node = unparenthesize(node);
  for (int hops = 0; hops < 8 && is(node, "identifier"); ++hops)
    node = unparenthesize(view.assigned_value(view.text(node), context, ts_node_start_byte(node)));
  return string_value(node, view.source());
}

bool is_true(const ModuleView& view, TSNode node, const Context& context) {
  node = unparenthesize(node);
  if (is(node, "identifier"))
    node = unparenthesize(view.assigned_value(view.text(node), context, ts_node_start_byte(node)));
  return is(node, "true");
}

namespace {

// `for v in ("LOCAL_RANK", "SLURM_LOCALID"): … os.environ[v]`: the names a loop variable takes
// from the literal tuple or list of the `for` that binds it around `use` (each visited at its
// string, on the `for` line), or none.
bool visit_loop_names(const ModuleView& view, TSNode name, TSNode use, const Context& context,
                      const std::function<void(TSNode, std::string_view, const Context&)>& visit) {
  if (!is(name, "identifier")) return false;
  std::string_view variable = view.text(name);
  for (TSNode up = ts_node_parent(use); !is_null(up); up = ts_node_parent(up)) {
    if (is(up, "function_definition") || is(up, "class_definition")) break;
    if (!is(up, "for_statement") || view.text(field(up, "left")) != variable) continue;
    TSNode values = unparenthesize(field(up, "right"));
    if (!is(values, "tuple") && !is(values, "list")) return false;
    for_each_named_child(values, [&](TSNode element) {
      if (auto value = string_value(element, view.source())) visit(element, *value, context);
    });
    return true;
  }
  return false;
}

}  // namespace

void for_each_env_access(const ModuleView& view,
                         const std::function<void(TSNode, std::string_view, const Context&)>& visit) {
  for (const Subscript& subscript : view.subscripts()) {
    if (subscript.qualified_value != "os.environ") continue;
    if (auto name = string_value(subscript.index, view.source()))
      visit(subscript.index, *name, subscript.context);
    else
      visit_loop_names(view, subscript.index, subscript.node, subscript.context, visit);
  }
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (q != "os.environ.get" && q != "os.getenv" && q != "os.environ.setdefault" &&
        q != "os.environ.pop" && q != "os.putenv")
      continue;
    if (call.positional.empty()) continue;
    if (auto name = string_value(call.positional[0], view.source()))
      visit(call.positional[0], *name, call.context);
    else
      visit_loop_names(view, call.positional[0], call.node, call.context, visit);
  }
}

std::vector<std::string> positional_texts(const ModuleView& view, const Call& call) {
  std::vector<std::string> texts;
  for (TSNode argument : call.positional) texts.emplace_back(view.text(argument));
  return texts;
}

std::string argument_list_text(const ModuleView& view, const Call& call) {
  TSNode arguments = field(call.node, "arguments");
  if (!is(arguments, "argument_list")) return std::string(view.text(arguments));
  std::string_view spelled = view.text(arguments);
  return spelled.size() >= 2 ? std::string(spelled.substr(1, spelled.size() - 2)) : std::string();
}

std::string free_quote(const ModuleView& view, TSNode node) {
  for (TSNode up = ts_node_parent(node); !is_null(up); up = ts_node_parent(up)) {
    if (!is(up, "interpolation")) continue;
    TSNode string = ts_node_parent(up);
    if (!is(string, "string") || ts_node_child_count(string) == 0) break;
    std::string_view opening = view.text(ts_node_child(string, 0));  // f" / rf' / f"""
    return !opening.empty() && opening.back() == '"' ? "'" : "\"";
  }
  return "\"";
}

std::string kept_keywords(const ModuleView& view, const Call& call,
                          std::initializer_list<std::string_view> drop) {
  std::string kept;
  for (const auto& [name, value] : call.keywords) {
    if (std::find(drop.begin(), drop.end(), name) != drop.end()) continue;
    kept += ", " + std::string(name) + "=" + std::string(view.text(value));
  }
  return kept;
}

TSNode enclosing_statement(TSNode node) {
  for (TSNode up = node; !is_null(up); up = ts_node_parent(up)) {
    if (is(up, "expression_statement")) return up;
    if (is(up, "block") || is(up, "module")) break;
  }
  return TSNode{};
}

std::string sole_marker(TSNode statement) {
  TSNode parent = ts_node_parent(statement);
  if (!is(parent, "block")) return {};
  uint32_t statements = 0, count = ts_node_named_child_count(parent);
  for (uint32_t i = 0; i < count; ++i)
    if (!is(ts_node_named_child(parent, i), "comment")) ++statements;
  return statements == 1 ? "sole" : "";
}

std::string target_way(std::string_view target, std::string_view xla_way, std::string_view torchtpu_way) {
  if (target == opdb::kXlaTarget) return std::string(xla_way) + " (TorchTPU: " + std::string(torchtpu_way) + ")";
  return std::string(torchtpu_way) + " (PyTorch/XLA: " + std::string(xla_way) + ")";
}

}  // namespace tpu::python
