// SPDX-License-Identifier: Apache-2.0
// step-boundary: a training loop's optimizer step with no step boundary after it. PyTorch/XLA
// records tensor ops lazily and runs them when the graph is cut; a loop that never cuts it
// grows one graph across steps (recompiled as it grows) until something reads a value.
// TorchTPU and the other targets run eagerly, so only the xla target is told.
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU606", .name = "missing-step-boundary", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "step.boundary",
     .fix_title = "Cut the lazy graph after the optimizer step",
     .summary = "an optimizer step in a loop with no `torch_xla.sync()` after it",
     .rationale = "PyTorch/XLA traces tensor ops into a graph and runs it only when the graph "
                  "is cut. Without a cut per step, the graph of every step is appended to the "
                  "last one: it is compiled again as it grows, and memory grows with it, until "
                  "a host read (`.item()`, printing) forces it to run.",
     .tpu_way = "Call `torch_xla.sync()` once per step, after `optimizer.step()` "
                "(`xm.mark_step()` in older code), or iterate a `MpDeviceLoader`, which cuts "
                "the graph per batch. With multi-process data parallelism without DDP, "
                "`xm.optimizer_step(optimizer)` all-reduces the gradients before stepping. "
                "TorchTPU runs eagerly and needs none.",
     .before = "for x, y in loader:\n    loss = model(x, y)\n    loss.backward()\n"
               "    optimizer.step()",
     .after = "for x, y in loader:\n    loss = model(x, y)\n    loss.backward()\n"
              "    optimizer.step()\n    torch_xla.sync()"},
};

const RuleMeta& kMissingStepBoundary = kRules[0];

// The last name of an expression: `optimizer`, `self.optimizer` -> "optimizer".
std::string_view last_name(const ModuleView& view, TSNode node) {
  node = unparenthesize(node);
  if (is(node, "identifier")) return view.text(node);
  if (is(node, "attribute")) return view.text(field(node, "attribute"));
  return {};
}

bool ends_with_word(std::string_view name, std::string_view word) {
  return name == word || (name.ends_with(word) && name.size() > word.size() &&
                          name[name.size() - word.size() - 1] == '_');
}

// A value is taken for an optimizer only on strong evidence: it was built by a torch.optim
// class (schedulers excluded), or its name says so. `scheduler.step()` is neither.
bool is_optimizer(const ModuleView& view, TSNode node, const Context& context) {
  node = unparenthesize(node);
  if (is(node, "identifier")) {
    TSNode value = unparenthesize(view.assigned_value(view.text(node), context, ts_node_start_byte(node)));
    if (is(value, "call")) {
      std::string built = view.qualify(field(value, "function"));
      if (has_prefix(built, "torch.optim") && !has_prefix(built, "torch.optim.lr_scheduler") &&
          !has_prefix(built, "torch.optim.swa_utils"))
        return true;
    }
  }
  std::string_view name = last_name(view, node);
  return name == "optimizer" || name == "optim" || name == "opt" || name.ends_with("_optimizer") ||
         ends_with_word(name, "optim") || ends_with_word(name, "opt");
}

// `scaler.step(optimizer)`: a GradScaler steps the optimizer for the AMP loop.
bool is_grad_scaler(const ModuleView& view, TSNode node, const Context& context) {
  node = unparenthesize(node);
  if (is(node, "identifier")) {
    TSNode value = unparenthesize(view.assigned_value(view.text(node), context, ts_node_start_byte(node)));
    if (is(value, "call") && view.qualify(field(value, "function")).ends_with(".GradScaler")) return true;
  }
  return ends_with_word(last_name(view, node), "scaler");
}

bool is_optimizer_step(const ModuleView& view, const Call& call) {
  if (!call.is_method_call() || call.method != "step") return false;
  if (is_optimizer(view, call.receiver, call.context)) return true;
  return !call.positional.empty() && is_grad_scaler(view, call.receiver, call.context) &&
         is_optimizer(view, call.positional[0], call.context);
}

// Calls that already cut the graph (or step through XLA), the portable helpers included
// (`_tpu_device_loader` in the loop's header iterates an MpDeviceLoader on a TPU).
bool is_step_boundary(const Call& call) {
  for (std::string_view name : {"torch_xla.sync", "torch_xla.step", "torch_xla.core.xla_model.mark_step",
                                "torch_xla.core.xla_model.optimizer_step"})
    if (call.qualified == name) return true;
  return call.simple_name == "_tpu_step_boundary" || call.simple_name == "_tpu_device_loader";
}

bool is_device_loader(std::string_view qualified) {
  return qualified == "torch_xla.distributed.parallel_loader.MpDeviceLoader" ||
         qualified == "torch_xla.distributed.parallel_loader.ParallelLoader";
}

// The innermost for/while loop around `node` in its function, or null.
TSNode enclosing_loop(TSNode node) {
  for (TSNode up = ts_node_parent(node); !is_null(up); up = ts_node_parent(up)) {
    if (is(up, "for_statement") || is(up, "while_statement")) return up;
    if (is(up, "function_definition") || is(up, "lambda") || is(up, "class_definition")) break;
  }
  return TSNode{};
}

// Where the boundary goes: the end of the statement's last line (after a trailing comment),
// as "\n" + the statement's indent. Null when the statement does not own its lines.
std::optional<std::pair<uint32_t, std::string>> insertion_after(const ModuleView& view, TSNode statement) {
  std::string_view source = view.source();
  uint32_t begin = ts_node_start_byte(statement), end = ts_node_end_byte(statement);
  uint32_t line = begin;
  while (line > 0 && source[line - 1] != '\n') --line;
  std::string_view indent = source.substr(line, begin - line);
  if (indent.find_first_not_of(" \t") != std::string_view::npos) return std::nullopt;
  size_t newline = source.find('\n', end);
  uint32_t at = newline == std::string_view::npos ? static_cast<uint32_t>(source.size())
                                                  : static_cast<uint32_t>(newline);
  if (at > end && source[at - 1] == '\r') --at;
  std::string_view rest = source.substr(end, at - end);
  size_t code = rest.find_first_not_of(" \t");
  if (code != std::string_view::npos && rest[code] != '#') return std::nullopt;  // `; more code`
  return std::make_pair(at, "\n" + std::string(indent));
}

}  // namespace

const std::span<const RuleMeta> kStepBoundaryRules = kRules;

void check_step_boundary(RuleContext& context) {
  if (context.target != "xla") return;
  const ModuleView& view = context.view;
  for (const Call& call : view.calls())
    if (is_device_loader(call.qualified)) return;  // the device loader cuts the graph per batch
  // The last optimizer step of each loop (several optimizers step in one loop: one cut after
  // the last), keyed by the loop's position.
  std::map<uint32_t, const Call*> last_step;
  for (const Call& call : view.calls()) {
    if (call.context.loop_depth == 0 || !is_optimizer_step(view, call)) continue;
    TSNode loop = enclosing_loop(call.node);
    if (is_null(loop)) continue;
    last_step[ts_node_start_byte(loop)] = &call;
  }
  for (const auto& [loop_start, step] : last_step) {
    TSNode loop = enclosing_loop(step->node);
    bool has_boundary = false;
    for (const Call& call : view.calls())
      if (is_step_boundary(call) && contains(loop, call.node)) has_boundary = true;
    if (has_boundary) continue;
    std::string spelled(view.text(step->node));
    Finding& finding = context.report(
        kMissingStepBoundary, step->node, spelled,
        "`" + spelled + "` ends a training step, but nothing in the loop cuts PyTorch/XLA's "
        "lazy graph: call torch_xla.sync() after it (or iterate an MpDeviceLoader)");
    TSNode statement = enclosing_statement(step->node);
    auto insertion = is_null(statement) ? std::nullopt : insertion_after(view, statement);
    if (!insertion) {  // shares its line with other code: the finding says what to do
      finding.fix.reset();
      continue;
    }
    context.with_site(finding, "step.boundary", insertion->first, insertion->first,
                      {"", insertion->second});
  }
}

}  // namespace tpu::python
