// SPDX-License-Identifier: Apache-2.0
// dataloading: pinned host memory and non-blocking copies, CUDA transfer idioms that do
// nothing useful on a TPU, where a device loader prefetches instead; and loops that copy
// each batch themselves where PyTorch/XLA's device loader would.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU800", .name = "pin-memory", .category = Category::Dataloading,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "pin_memory Tensor.pin_memory",
     .fix_title = "Drop pin_memory",
     .summary = "pinned host memory (`pin_memory=True`, `.pin_memory()`)",
     .rationale = "Page-locked memory speeds host-to-GPU DMA; without CUDA, PyTorch warns and "
                  "ignores it. TPU input pipelines overlap transfers differently.",
     .tpu_way = "Drop it. TorchTPU iterates a plain DataLoader; on PyTorch/XLA also wrap the "
                "loader: `MpDeviceLoader(loader, torch_xla.device())` prefetches batches to the "
                "device.",
     .before = "loader = DataLoader(ds, batch_size=32, pin_memory=True)",
     .after = "loader = DataLoader(ds, batch_size=32)"},
    {.code = "TPU801", .name = "non-blocking-copy", .category = Category::Dataloading,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "non_blocking",
     .fix_title = "Drop non_blocking",
     .summary = "`non_blocking=True` host-to-device copies",
     .rationale = "Asynchronous copies overlap with CUDA streams, which a TPU does not have; TPU "
                  "transfers are scheduled by the runtime, so the flag has no effect.",
     .tpu_way = "Drop it (on PyTorch/XLA let `MpDeviceLoader` move batches to the device).",
     .before = "x = x.to(device, non_blocking=True)",
     .after = "x = x.to(device)"},
    {.code = "TPU802", .name = "host-loader-loop", .category = Category::Dataloading,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "device.loader",
     .fix_title = "Iterate the loader through MpDeviceLoader",
     .summary = "a loop over a `DataLoader` that moves each batch to the device in its body",
     .rationale = "Each batch is copied to the device inside the step, one at a time. On "
                  "PyTorch/XLA, `MpDeviceLoader` uploads the next batches in background threads "
                  "and cuts the lazy graph once per batch.",
     .tpu_way = "PyTorch/XLA: iterate `pl.MpDeviceLoader(loader, torch_xla.device())` "
                "(`import torch_xla.distributed.parallel_loader as pl`); batches arrive on the "
                "device and `.to(device)` in the body does nothing. It moves every tensor of "
                "the batch, also those the body meant to keep on the host: check before "
                "applying. TorchTPU iterates a plain DataLoader.",
     .before = "for x, y in loader:\n    x, y = x.to(device), y.to(device)",
     .after = "for x, y in pl.MpDeviceLoader(loader, torch_xla.device()):\n"
              "    x, y = x.to(device), y.to(device)"},
};

const RuleMeta& kPinMemory = kRules[0];

// What a pinned loader becomes: PyTorch/XLA prefetches through its device loader, TorchTPU
// (and the others) iterate the DataLoader as it is.
std::string loader_advice(std::string_view target) {
  return target == opdb::kXlaTarget ? " and wrap the loader in MpDeviceLoader(loader, torch_xla.device())" : "";
}
const RuleMeta& kNonBlocking = kRules[1];
const RuleMeta& kHostLoaderLoop = kRules[2];

bool is_data_loader(std::string_view qualified) {
  return qualified == "torch.utils.data.DataLoader" ||
         qualified == "torch.utils.data.dataloader.DataLoader";
}

TSNode enclosing_function(TSNode node) {
  for (TSNode up = ts_node_parent(node); !is_null(up); up = ts_node_parent(up))
    if (is(up, "function_definition")) return up;
  return TSNode{};
}

// The name a loop iterates when it was bound to a DataLoader built in reach: `for b in
// loader` or `for i, b in enumerate(loader)`. Null otherwise. Only a name is wrapped, so the
// fix never overlaps fixes inside the DataLoader call (pin_memory=…).
TSNode loader_name(const ModuleView& view, const ForLoop& loop) {
  TSNode iterable = unparenthesize(loop.iterable);
  if (is(iterable, "call") && view.text(field(iterable, "function")) == "enumerate") {
    TSNode arguments = field(iterable, "arguments");
    if (ts_node_named_child_count(arguments) != 1) return TSNode{};
    iterable = ts_node_named_child(arguments, 0);
  }
  if (!is(iterable, "identifier")) return TSNode{};
  TSNode value = unparenthesize(view.assigned_value(view.text(iterable), loop.context,
                                                    ts_node_start_byte(iterable)));
  if (!is(value, "call") || !is_data_loader(view.qualify(field(value, "function")))) return TSNode{};
  // Built in the loop's own scope: a parameter that shadows a module-level loader is unknown.
  if (!ts_node_eq(enclosing_function(value), enclosing_function(loop.node))) return TSNode{};
  return iterable;
}

// The loop body feeds a device: it calls `.to(…)` or `.cuda(…)` on something.
bool moves_to_device(const ModuleView& view, const ForLoop& loop) {
  TSNode body = field(loop.node, "body");
  for (const Call& call : view.calls()) {
    if (!call.is_method_call() || (call.method != "to" && call.method != "cuda")) continue;
    if (contains(body, call.node)) return true;
  }
  return false;
}

}  // namespace

const std::span<const RuleMeta> kDataloadingRules = kRules;

void check_dataloading(RuleContext& context) {
  const ModuleView& view = context.view;
  // {"pin_memory": True}: loader options kept in a dict or config entry.
  for (const Mention& mention : context.mentions.strings()) {
    TSNode pair = ts_node_parent(mention.node);
    if (!is(pair, "pair") || !ts_node_eq(field(pair, "key"), mention.node) ||
        string_value(mention.node, view.source()) != "pin_memory" ||
        !is_true(view, field(pair, "value"), mention.context))
      continue;
    context.report(kPinMemory, pair, "pin_memory",
                   "a \"pin_memory\": True loader option pins host memory for CUDA copies; on a "
                   "TPU drop it" + loader_advice(context.target))
        .fix.reset();
  }
  for (const Call& call : view.calls()) {
    TSNode pin = call.keyword("pin_memory");
    if (!is_null(pin) && is_true(view, pin, call.context)) {
      Finding& finding = context.report(
          kPinMemory, pin, "pin_memory",
          "pin_memory=True pins host memory for CUDA copies; on a TPU drop it" +
              loader_advice(context.target));
      context.with_site(finding, "pin_memory", ts_node_parent(pin));
    }
    if (call.method == "pin_memory" && call.is_method_call()) {
      Finding& finding = context.report_method(
          kPinMemory, call, ".pin_memory()",
          "`.pin_memory()` pins host memory for CUDA copies; on a TPU remove it");
      // `x.pin_memory()` -> `x`: the range runs from the end of the receiver.
      context.with_site(finding, "Tensor.pin_memory", ts_node_end_byte(call.receiver),
                        ts_node_end_byte(call.node));
    }
    TSNode non_blocking = call.keyword("non_blocking");
    if (!is_null(non_blocking) && is_true(view, non_blocking, call.context) &&
        call.is_method_call()) {
      Finding& finding = context.report(
          kNonBlocking, non_blocking, "non_blocking",
          "non_blocking=True overlaps CUDA stream copies; TPU transfers are scheduled by "
          "the runtime: drop it");
      context.with_site(finding, "non_blocking", ts_node_parent(non_blocking));
    }
  }
  // Only PyTorch/XLA has a device loader; TorchTPU (and the others) iterate the DataLoader.
  if (context.target != opdb::kXlaTarget) return;
  for (const ForLoop& loop : view.for_loops()) {
    TSNode name = loader_name(view, loop);
    if (is_null(name) || !moves_to_device(view, loop)) continue;
    std::string spelled(view.text(name));
    Finding& finding = context.report(
        kHostLoaderLoop, name, spelled,
        "the loop copies each batch of `" + spelled + "` to the device itself; on PyTorch/XLA "
        "iterate pl.MpDeviceLoader(" + spelled + ", torch_xla.device()), which uploads batches "
        "in the background and cuts the graph per batch");
    context.with_site(finding, "device.loader", name, {spelled});
  }
}

}  // namespace tpu::python
