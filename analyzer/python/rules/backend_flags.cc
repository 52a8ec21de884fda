// SPDX-License-Identifier: Apache-2.0
// backend-flags: cuDNN and CUDA backend switches (benchmark, deterministic, TF32, SDPA
// kernel selection) that have no effect, or another meaning, on a TPU.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU130", .name = "cuda-backend-flag", .category = Category::BackendFlags,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "cudnn.flag",
     .fix_title = "Remove the cuDNN/CUDA backend flag",
     .summary = "a `torch.backends.cudnn` / `torch.backends.cuda` setting",
     .rationale = "cuDNN autotuning and determinism switches configure the CUDA backend; on a "
                  "TPU they are ignored. The TPU compiler picks its own kernels, so `benchmark` has no "
                  "counterpart.",
     .tpu_way = "Remove it. For reproducibility use `torch.use_deterministic_algorithms(True)` "
                "and `torch.manual_seed` (PyTorch/XLA: `torch_xla.manual_seed`).",
     .before = "torch.backends.cudnn.benchmark = True",
     .after = "# (removed: the TPU compiler picks its own kernels)"},
    {.code = "TPU131", .name = "tf32-matmul-precision", .category = Category::BackendFlags,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "tf32.assign torch.set_float32_matmul_precision",
     .fix_title = "Use the TPU's mat-mul precision setting",
     .summary = "a TF32 / float32 mat-mul precision setting",
     .rationale = "TF32 is an NVIDIA format. A TPU's default float32 mat-mul is one bfloat16 "
                  "pass (about 8 mantissa bits), less precise than TF32: numerics change unless "
                  "the precision is set on the TPU side.",
     .tpu_way = "TorchTPU: `with torch.tpu.precision(torch.tpu.Precision.HIGH)` (DEFAULT, HIGH "
                "or HIGHEST: 1, 3 or 6 bfloat16 passes); PyTorch/XLA: "
                "`torch_xla.backends.set_mat_mul_precision('default'|'high'|'highest')`.",
     .before = "torch.backends.cuda.matmul.allow_tf32 = True",
     .after = "torch.tpu.precision(torch.tpu.Precision.HIGH)"},
    {.code = "TPU132", .name = "cuda-sdpa-backend", .category = Category::BackendFlags,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "selection of a CUDA scaled-dot-product-attention kernel (flash, mem-efficient, cuDNN)",
     .rationale = "Flash, memory-efficient and cuDNN attention are CUDA kernels; forcing them "
                  "fails on a TPU.",
     .tpu_way = "Call `F.scaled_dot_product_attention` without forcing a backend (on "
                "PyTorch/XLA also its Pallas flash attention, "
                "`torch_xla.experimental.custom_kernel.flash_attention`).",
     .before = "with torch.backends.cuda.sdp_kernel(enable_flash=True):\n    y = attn(q, k, v)",
     .after = "y = attn(q, k, v)"},
};

const RuleMeta& kBackendFlag = kRules[0];
const RuleMeta& kTf32 = kRules[1];
const RuleMeta& kSdpa = kRules[2];

bool is_tf32(std::string_view qualified) {
  return qualified == "torch.backends.cuda.matmul.allow_tf32" ||
         qualified == "torch.backends.cudnn.allow_tf32" ||
         qualified == "torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction" ||
         qualified == "torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction" ||
         qualified == "torch.set_float32_matmul_precision";
}

bool is_sdpa_selection(std::string_view qualified) {
  for (std::string_view name :
       {"torch.backends.cuda.sdp_kernel", "torch.backends.cuda.enable_flash_sdp",
        "torch.backends.cuda.enable_mem_efficient_sdp", "torch.backends.cuda.enable_cudnn_sdp",
        "torch.backends.cuda.enable_math_sdp", "torch.nn.attention.sdpa_kernel"})
    if (qualified == name) return true;
  return false;
}

// `value` is the assigned value for an assignment, null for a call. Fix sites: a TF32 flag
// becomes the TPU mat-mul precision; a cuDNN flag statement is removed.
void report(RuleContext& context, TSNode node, const std::string& qualified, TSNode value) {
  const ModuleView& view = context.view;
  if (is_tf32(qualified)) {
    Finding& finding = context.report(kTf32, node, qualified,
                   "`" + qualified + "` sets NVIDIA TF32 precision; a TPU's float32 mat-mul "
                   "defaults to one bfloat16 pass: use " +
                       target_way(context.target, "torch_xla.backends.set_mat_mul_precision(\"high\" or \"highest\")",
                                  "with torch.tpu.precision(torch.tpu.Precision.HIGH or HIGHEST)"));
    if (!is_null(value)) {
      // A literal True/False picks the precision outright; an expression picks it at run time.
      std::string_view spelled = view.text(value);
      std::string key = spelled == "True" ? "tf32.assign.true"
                        : spelled == "False" ? "tf32.assign.false" : "tf32.assign";
      context.with_site(finding, key, ts_node_parent(node), {"", std::string(spelled), qualified});
    } else {
      const Call* call = nullptr;
      for (const Call& candidate : view.calls())
        if (ts_node_eq(candidate.node, node)) call = &candidate;
      if (call != nullptr && !call->positional.empty())
        context.with_site(finding, qualified, node, {"", std::string(view.text(call->positional[0]))});
    }
  } else if (is_sdpa_selection(qualified)) {
    context.report(kSdpa, node, qualified,
                   "`" + qualified + "` selects CUDA attention kernels; on a TPU call "
                   "F.scaled_dot_product_attention without forcing a backend" +
                       std::string(context.target == opdb::kXlaTarget ? ", or PyTorch/XLA's Pallas flash_attention" : ""));
  } else if (has_prefix(qualified, "torch.backends.cudnn") ||
             has_prefix(qualified, "torch.backends.cuda")) {
    Finding& finding = context.report(
        kBackendFlag, node, qualified,
        "`" + qualified + "` configures cuDNN/CUDA and has no effect on a TPU; remove it");
    TSNode statement = is_null(value) ? TSNode{} : enclosing_statement(node);
    if (!is_null(statement))
      context.with_site(finding, "cudnn.flag", statement,
                        {sole_marker(statement).empty() ? "statement" : "sole"});
    else
      finding.fix.reset();  // a call or a read: nothing mechanical to remove
  }
}

}  // namespace

const std::span<const RuleMeta> kBackendFlagRules = kRules;

void check_backend_flags(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Assignment& assignment : view.assignments()) {
    std::string qualified = view.qualify(assignment.left);
    if (!qualified.empty()) report(context, assignment.left, qualified, assignment.right);
  }
  // `assert torch.backends.cudnn.enabled`, `if cudnn.benchmark:`: a flag read as a value.
  for (const Mention& mention : context.mentions.names()) {
    if (mention.callee || mention.assigned) continue;
    std::string qualified = view.qualify(mention.node);
    if (has_prefix(qualified, "torch.backends.cudnn") || has_prefix(qualified, "torch.backends.cuda"))
      if (qualified != "torch.backends.cudnn" && qualified != "torch.backends.cuda")
        report(context, mention.node, qualified, TSNode{});
  }
  for (const Call& call : view.calls()) {
    if (call.qualified == "torch.set_float32_matmul_precision" || is_sdpa_selection(call.qualified) ||
        has_prefix(call.qualified, "torch.backends.cudnn") ||
        (has_prefix(call.qualified, "torch.backends.cuda") && is_sdpa_selection(call.qualified)))
      report(context, call.node, call.qualified, TSNode{});
  }
}

}  // namespace tpu::python
