// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/rules/rule_helpers.h"

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

void for_each_env_access(const ModuleView& view,
                         const std::function<void(TSNode, std::string_view, const Context&)>& visit) {
  for (const Subscript& subscript : view.subscripts()) {
    if (subscript.qualified_value != "os.environ") continue;
    if (auto name = string_value(subscript.index, view.source()))
      visit(subscript.index, *name, subscript.context);
  }
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (q != "os.environ.get" && q != "os.getenv" && q != "os.environ.setdefault" &&
        q != "os.environ.pop" && q != "os.putenv")
      continue;
    if (call.positional.empty()) continue;
    if (auto name = string_value(call.positional[0], view.source()))
      visit(call.positional[0], *name, call.context);
  }
}

}  // namespace tpu::python
