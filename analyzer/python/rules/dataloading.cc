// SPDX-License-Identifier: Apache-2.0
// dataloading: pinned host memory and non-blocking copies, CUDA transfer idioms that do
// nothing useful on a TPU, where a device loader prefetches instead.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU800", .name = "pin-memory", .category = Category::Dataloading,
     .severity = Severity::Info, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Drop pin_memory",
     .summary = "pinned host memory (`pin_memory=True`, `.pin_memory()`)",
     .rationale = "Page-locked memory speeds host-to-GPU DMA; without CUDA, PyTorch warns and "
                  "ignores it. TPU input pipelines overlap transfers differently.",
     .tpu_way = "Drop it and wrap the loader: `MpDeviceLoader(loader, torch_xla.device())` "
                "(PyTorch/XLA) prefetches batches to the device; TorchTPU uses a plain "
                "DataLoader.",
     .before = "loader = DataLoader(ds, batch_size=32, pin_memory=True)",
     .after = "loader = pl.MpDeviceLoader(DataLoader(ds, batch_size=32), torch_xla.device())"},
    {.code = "TPU801", .name = "non-blocking-copy", .category = Category::Dataloading,
     .severity = Severity::Info, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Drop non_blocking",
     .summary = "`non_blocking=True` host-to-device copies",
     .rationale = "Asynchronous copies overlap with CUDA streams. XLA transfers are already "
                  "asynchronous with the lazy graph, so the flag has no effect.",
     .tpu_way = "Drop it; let `MpDeviceLoader` move batches to the device.",
     .before = "x = x.to(device, non_blocking=True)",
     .after = "x = x.to(device)"},
};

const RuleMeta& kPinMemory = kRules[0];
const RuleMeta& kNonBlocking = kRules[1];

}  // namespace

const std::span<const RuleMeta> kDataloadingRules = kRules;

void check_dataloading(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    TSNode pin = call.keyword("pin_memory");
    if (!is_null(pin) && is_true(view, pin, call.context)) {
      Finding& finding = context.report(
          kPinMemory, pin, "pin_memory",
          "pin_memory=True pins host memory for CUDA copies; on a TPU drop it and wrap the "
          "loader in MpDeviceLoader(loader, torch_xla.device())");
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
          "non_blocking=True overlaps CUDA stream copies; XLA transfers are already "
          "asynchronous: drop it");
      context.with_site(finding, "non_blocking", ts_node_parent(non_blocking));
    }
  }
}

}  // namespace tpu::python
