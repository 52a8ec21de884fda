// SPDX-License-Identifier: Apache-2.0
// torch-compile: torch.compile with its CUDA-only default backend (inductor → Triton),
// CUDA-graph modes, and explicit CUDA graph capture.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU700", .name = "compile-cuda-backend", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Compile with the TPU backend",
     .summary = "`torch.compile` with the inductor backend (the default)",
     .rationale = "Inductor generates Triton kernels for CUDA; a TPU compiles through XLA.",
     .tpu_way = "`torch.compile(model, backend=\"openxla\")` on PyTorch/XLA; "
                "`torch.compile(model, backend=\"tpu\")` on TorchTPU.",
     .before = "model = torch.compile(model)",
     .after = "model = torch.compile(model, backend=\"openxla\")"},
    {.code = "TPU701", .name = "compile-cuda-graph-mode", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix = Applicability::Safe,
     .fix_title = "Drop the CUDA-graph compile mode",
     .summary = "`torch.compile` mode \"reduce-overhead\" / \"max-autotune\" (CUDA graphs, Triton autotuning)",
     .rationale = "These modes capture CUDA graphs and autotune Triton kernels; neither exists "
                  "on a TPU, where XLA already runs a whole graph per step.",
     .tpu_way = "Drop `mode=` and compile with the TPU backend.",
     .before = "torch.compile(model, mode=\"max-autotune\")",
     .after = "torch.compile(model, backend=\"openxla\")"},
    {.code = "TPU702", .name = "cuda-graph-capture", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix = std::nullopt,
     .fix_title = "",
     .summary = "explicit CUDA graph capture (`torch.cuda.graph`, `CUDAGraph`, `make_graphed_callables`)",
     .rationale = "CUDA graphs replay recorded kernel launches on a GPU; on a TPU, XLA compiles "
                  "and caches the step's graph by itself.",
     .tpu_way = "Remove the capture and run the step normally; keep shapes static so that XLA "
                "reuses its compiled graph.",
     .before = "g = torch.cuda.CUDAGraph()\nwith torch.cuda.graph(g):\n    out = model(x)",
     .after = "out = model(x)"},
};

const RuleMeta& kCompileBackend = kRules[0];
const RuleMeta& kCompileMode = kRules[1];
const RuleMeta& kGraphCapture = kRules[2];

}  // namespace

const std::span<const RuleMeta> kTorchCompileRules = kRules;

void check_torch_compile(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (q == "torch.compile") {
      TSNode backend = call.keyword("backend");
      auto name = string_constant(view, backend, call.context);
      if (is_null(backend)) {
        Finding& finding = context.report(
            kCompileBackend, call.node, "torch.compile",
            "torch.compile defaults to inductor, which generates CUDA/Triton code; pass "
            "backend=\"openxla\" (TorchTPU: backend=\"tpu\")");
        // Insert `, backend=…` before the closing parenthesis.
        TSNode arguments = field(call.node, "arguments");
        uint32_t close = ts_node_end_byte(arguments) - 1;
        context.with_site(finding, "torch.compile.default", close, close);
      } else if (name && (*name == "inductor" || *name == "cudagraphs" || *name == "tensorrt" ||
                          *name == "torch_tensorrt")) {
        Finding& finding = context.report(
            kCompileBackend, backend, *name,
            "backend \"" + *name + "\" targets CUDA; use backend=\"openxla\" (TorchTPU: "
            "backend=\"tpu\")");
        if (string_value(unparenthesize(backend), view.source()))
          context.with_site(finding, "torch.compile.backend", unparenthesize(backend));
        else
          finding.fix.reset();
      }
      TSNode mode = call.keyword("mode");
      auto mode_name = string_constant(view, mode, call.context);
      if (mode_name && (*mode_name == "reduce-overhead" || mode_name->starts_with("max-autotune"))) {
        Finding& finding = context.report(
            kCompileMode, mode, *mode_name,
            "mode \"" + *mode_name + "\" uses CUDA graphs and Triton autotuning; drop it on a "
            "TPU, where XLA runs the whole step as one graph");
        context.with_site(finding, "torch.compile.mode", ts_node_parent(mode));
      }
    } else if (has_prefix(q, "torch.cuda.graph") || has_prefix(q, "torch.cuda.graphs") ||
               has_prefix(q, "torch.cuda.CUDAGraph") ||
               has_prefix(q, "torch.cuda.make_graphed_callables")) {
      context.report(kGraphCapture, call.node, q,
                     "`" + q + "` captures a CUDA graph; remove it on a TPU, where XLA compiles "
                     "and caches the step graph");
    }
  }
}

}  // namespace tpu::python
