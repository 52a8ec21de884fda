// SPDX-License-Identifier: Apache-2.0
// sophgo-torch-tpu: code written for Sophgo's torch_tpu (SG2260 / BM1684X chips), which imports
// as `torch_tpu` with a "tpu" device exactly like Google's TorchTPU (../shared/TARGETS.md, "Name
// collision"). Such code is not Google TPU code: it is recognised by what only Sophgo's package
// has (the torch_tpu.tpu, torch_tpu.utils, torch_tpu.accelerator, torch_tpu.dynamo and
// torch_tpu._C modules, and its "sccl" process group); Google's package has torch_tpu.api,
// torch_tpu._internal, torch_tpu.pallas and torch_tpu.profiler instead
// (../shared/upstream/api-surface/torch_tpu.tsv).
#include <algorithm>
#include <array>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU105", .name = "sophgo-torch-tpu", .category = Category::DevicePlacement,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "code for Sophgo's torch_tpu (another vendor's chips with the same module name and "
                "\"tpu\" device), not Google's TorchTPU",
     .rationale = "Sophgo's `torch_tpu` (SG2260 / BM1684X) and Google's TorchTPU both import as "
                  "`torch_tpu` and name their device \"tpu\", so such code looks ported already. "
                  "Its Sophgo-only API (`torch_tpu.tpu.*` custom ops, `torch_tpu.utils`, the "
                  "`sccl` process group) does not exist on Google TPUs.",
     .tpu_way = "Port the Sophgo-specific calls: plain PyTorch ops instead of its custom ops, "
                "`torch.tpu.*` from Google's TorchTPU, `backend=\"tpu_dist\"` instead of sccl "
                "(PyTorch/XLA: torch_xla and the xla process group).",
     .before = "import torch_tpu\nfrom torch_tpu.tpu.custom_op.llama_mlp import LLamaMlpFunc",
     .after = "import torch_tpu  # Google's TorchTPU\nmlp = nn.Sequential(up, nn.SiLU(), down)"},
};

// Modules only Sophgo's torch_tpu has.
constexpr std::array<std::string_view, 5> kSophgoModules = {
    "torch_tpu.tpu", "torch_tpu.utils", "torch_tpu.accelerator", "torch_tpu.dynamo", "torch_tpu._C"};

bool is_sophgo_api(std::string_view qualified) {
  for (std::string_view module : kSophgoModules)
    if (has_prefix(qualified, module)) return true;
  return false;
}

std::string message_for(std::string_view what) {
  return std::string(what) + " is Sophgo's torch_tpu (SG2260 / BM1684X chips), not Google's TorchTPU: "
         "the two share the module name and the \"tpu\" device, and this API does not exist on "
         "Google TPUs";
}

}  // namespace

const std::span<const RuleMeta> kSophgoTorchTpuRules = kRules;

void check_sophgo_torch_tpu(RuleContext& context) {
  const ModuleView& view = context.view;
  const size_t first = context.findings_so_far();
  for (const Import& import : view.imports())
    if (is_sophgo_api(import.module))
      context.report(kRules[0], import.node, import.module, message_for("`" + import.module + "`"));
  for (const Call& call : view.calls()) {
    if (is_sophgo_api(call.qualified)) {
      std::vector<uint32_t> lines = context.lines_since(first);
      if (std::find(lines.begin(), lines.end(), ts_node_start_point(call.node).row + 1) != lines.end()) continue;
      context.report(kRules[0], call.node, call.qualified, message_for("`" + call.qualified + "`"));
    } else if (call.qualified == "torch.distributed.init_process_group" ||
               call.qualified == "torch.distributed.new_group") {
      TSNode backend = call.qualified == "torch.distributed.init_process_group" ? call.argument(0, "backend")
                                                                                : call.keyword("backend");
      auto value = string_constant(view, backend, call.context);
      if (value && *value == "sccl")
        context.report(kRules[0], unparenthesize(backend), "sccl",
                       message_for("the \"sccl\" process group") + "; use backend=\"tpu_dist\"");
    }
  }
}

}  // namespace tpu::python
