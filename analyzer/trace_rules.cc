// SPDX-License-Identifier: Apache-2.0
// TPU650-TPU655: what a trace saw happen, as opposed to the TPU6xx rules that read code. They
// fire only with `scan --trace DIR`, and their messages carry the exact call counts.
#include "analyzer/trace_rules.h"

namespace tpu {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU650", .name = "runtime-host-sync", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace saw a device value read on the host (`.item()`, `bool(tensor)`)",
     .rationale = "On a TPU tensors are lazy: reading one value (aten::_local_scalar_dense) cuts the "
                  "graph, runs it and waits for the device, every time the line runs.",
     .tpu_way = "Keep values on the device; read them every N steps after `torch_xla.sync()` or in "
                "`xm.add_step_closure`; use `torch.where` instead of Python `if` on tensors.",
     .before = "if loss < best:  # bool(tensor) every step\n    best = loss.item()",
     .after = "best = torch.minimum(best, loss.detach())"},
    {.code = "TPU651", .name = "runtime-host-copy", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace saw tensor data copied from the device to the host",
     .rationale = "`.cpu()`, `.numpy()`, `.tolist()` (and `.to('cpu')`) materialise the lazy graph "
                  "and wait for the TPU before the copy.",
     .tpu_way = "Copy after `torch_xla.sync()`, every N steps, or in `xm.add_step_closure`.",
     .before = "losses.append(per_token.cpu().numpy())",
     .after = "xm.add_step_closure(lambda t=per_token: losses.append(t.cpu().numpy()))"},
    {.code = "TPU652", .name = "runtime-dynamic-shape", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace ran an op whose output shape depends on data (nonzero, unique, x[mask]…)",
     .rationale = "XLA compiles static shapes: these ops fall back to the CPU, or compile a new graph "
                  "whenever the data changes the output size.",
     .tpu_way = "Use fixed-size forms: `torch.where(mask, x, 0)`, masked sums, `torch.topk`.",
     .before = "misses = torch.nonzero(~correct)", .after = "misses = (~correct).sum()"},
    {.code = "TPU653", .name = "runtime-float64", .category = Category::UnsupportedOp,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace saw float64 (or complex128) tensors",
     .rationale = "A TPU has no float64 arithmetic: XLA emulates it slowly or the value is demoted, "
                  "so results and speed differ from the GPU run.",
     .tpu_way = "Compute in float32 (or bfloat16); keep float64 on the host for the few values "
                "that need it.",
     .before = "weights = torch.tensor(np_weights)  # numpy float64",
     .after = "weights = torch.tensor(np_weights, dtype=torch.float32)"},
    {.code = "TPU654", .name = "runtime-shape-churn", .category = Category::DynamicShapeHazard,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace saw the same line run with many different input shapes",
     .rationale = "XLA compiles one graph per set of input shapes: a line whose shapes keep "
                  "changing (growing sequences, ragged batches) recompiles again and again.",
     .tpu_way = "Pad to a few fixed sizes (bucketing), use `drop_last=True`, keep sequence "
                "lengths constant, or mark the dimension dynamic where supported.",
     .before = "idx = torch.cat([idx, next_token], dim=1)  # one more column every step",
     .after = "buffer[:, t] = next_token  # a preallocated [B, max_len] buffer"},
    {.code = "TPU655", .name = "runtime-cuda-only", .category = Category::UnsupportedOp,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "", .fix_title = "",
     .summary = "the trace saw a call into code that exists only for CUDA (a custom op, a CUDA "
                "extension, a Triton kernel)",
     .rationale = "A kernel written for CUDA has no CPU or TPU version: `--cuda-as-cpu` cannot run "
                  "it, and the program cannot run on a TPU until it is replaced.",
     .tpu_way = "Express it with PyTorch ops (XLA fuses them), or write a Pallas kernel; keep the "
                "CUDA kernel behind a device check for GPU runs.",
     .before = "out = fused_ext.gelu_bias(x, bias)  # CUDA-only extension op",
     .after = "out = torch.nn.functional.gelu(x + bias)"},
};

}  // namespace

std::span<const RuleMeta> trace_rules() { return kRules; }

}  // namespace tpu
