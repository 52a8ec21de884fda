// SPDX-License-Identifier: Apache-2.0
// torch-compile: torch.compile with its CUDA-only default backend (inductor → Triton),
// CUDA-graph modes, explicit CUDA graph capture, and (TorchTPU) torch.compile in a file that
// runs code under torch.inference_mode.
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

#include <algorithm>

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU700", .name = "compile-cuda-backend", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "torch.compile.default torch.compile.backend",
     .fix_title = "Compile with the TPU backend",
     .summary = "`torch.compile` with the inductor backend (the default)",
     .rationale = "Inductor generates Triton kernels for CUDA; a TPU compiles through its own "
                  "backend.",
     .tpu_way = "`torch.compile(model, backend=\"tpu\", dynamic=False)` on TorchTPU; "
                "`torch.compile(model, backend=\"openxla\")` on PyTorch/XLA.",
     .before = "model = torch.compile(model)",
     .after = "model = torch.compile(model, backend=\"tpu\", dynamic=False)"},
    {.code = "TPU701", .name = "compile-cuda-graph-mode", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "torch.compile.mode",
     .fix_title = "Drop the CUDA-graph compile mode",
     .summary = "`torch.compile` mode \"reduce-overhead\" / \"max-autotune\" (CUDA graphs, Triton autotuning)",
     .rationale = "These modes capture CUDA graphs and autotune Triton kernels; neither exists "
                  "on a TPU, where the TPU backend compiles the whole graph itself.",
     .tpu_way = "Drop `mode=` and compile with the TPU backend.",
     .before = "torch.compile(model, mode=\"max-autotune\")",
     .after = "torch.compile(model, backend=\"tpu\", dynamic=False)"},
    {.code = "TPU702", .name = "cuda-graph-capture", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "explicit CUDA graph capture (`torch.cuda.graph`, `CUDAGraph`, `make_graphed_callables`)",
     .rationale = "CUDA graphs replay recorded kernel launches on a GPU; on a TPU, the compiler "
                  "compiles and caches the step's graph by itself.",
     .tpu_way = "Remove the capture and run the step normally (or `torch.compile` it with the "
                "TPU backend); keep shapes static so that the compiled graph is reused.",
     .before = "g = torch.cuda.CUDAGraph()\nwith torch.cuda.graph(g):\n    out = model(x)",
     .after = "out = model(x)"},
    {.code = "TPU703", .name = "inductor-api", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "imports and calls of `torch._inductor`, or a compile backend registered here",
     .rationale = "Inductor generates Triton (GPU) or C++ (CPU) code; its configuration, "
                  "internals and custom backends do nothing for the TPU's compiler.",
     .tpu_way = "Compile with `backend=\"tpu\"` (PyTorch/XLA: `backend=\"openxla\"`) and drop "
                "the inductor settings.",
     .before = "import torch._inductor.config as config\nconfig.coordinate_descent_tuning = True",
     .after = "model = torch.compile(model, backend=\"tpu\", dynamic=False)"},
    {.code = "TPU704", .name = "compile-inference-mode", .category = Category::TorchCompile,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "torch.inference_mode",
     .fix_title = "Use torch.no_grad()",
     .summary = "`torch.inference_mode` in a file that uses `torch.compile` (TorchTPU)",
     .rationale = "TorchTPU's compile backend does not work under inference mode: its error "
                  "glossary says not to combine `torch.compile` with `@torch.inference_mode`. "
                  "Reported on TorchTPU only, where a file both compiles and enters inference "
                  "mode (it cannot tell which calls run the compiled model).",
     .tpu_way = "Use `@torch.no_grad()` (or `with torch.no_grad():`) around compiled code.",
     .before = "@torch.inference_mode()\ndef predict(x):\n    return compiled(x)",
     .after = "@torch.no_grad()\ndef predict(x):\n    return compiled(x)"},
};

// The TPU compile backends, as messages spell them (TorchTPU raises on dynamic shapes).
constexpr std::string_view kOpenXla = "backend=\"openxla\"";
constexpr std::string_view kTpuBackend = "backend=\"tpu\", dynamic=False";

const RuleMeta& kCompileBackend = kRules[0];
const RuleMeta& kCompileMode = kRules[1];
const RuleMeta& kGraphCapture = kRules[2];
const RuleMeta& kInductor = kRules[3];
const RuleMeta& kCompileInferenceMode = kRules[4];

// TorchTPU: torch.inference_mode (decorator or context manager) where the file also compiles.
void check_inference_mode(RuleContext& context) {
  if (context.target != opdb::kTorchTpuTarget) return;
  const ModuleView& view = context.view;
  bool compiles = false;
  for (const Call& call : view.calls()) compiles = compiles || call.qualified == "torch.compile";
  for (const Decorator& decorator : view.decorators())
    compiles = compiles || decorator.qualified == "torch.compile";
  if (!compiles) return;
  const std::string message =
      "torch.inference_mode in a file that uses torch.compile: TorchTPU's compiled code fails "
      "under inference mode; use torch.no_grad()";
  // `@torch.inference_mode()` and `with torch.inference_mode():` are calls; a bare decorator is not.
  // Only the argument-less forms are fixed: `inference_mode(False)` turns it off, which
  // torch.no_grad() would not.
  for (const Call& call : view.calls())
    if (call.qualified == "torch.inference_mode") {
      Finding& finding = context.report(kCompileInferenceMode, call.node, "torch.inference_mode", message);
      if (call.positional.empty() && call.keywords.empty())
        context.with_site(finding, "torch.inference_mode", call.node);
      else
        finding.fix.reset();
    }
  for (const Decorator& decorator : view.decorators())
    if (decorator.qualified == "torch.inference_mode" && !is(decorator.node, "call")) {
      Finding& finding = context.report(kCompileInferenceMode, decorator.node, "torch.inference_mode", message);
      context.with_site(finding, "torch.inference_mode", decorator.node);
    }
}

}  // namespace

const std::span<const RuleMeta> kTorchCompileRules = kRules;

void check_torch_compile(RuleContext& context) {
  const ModuleView& view = context.view;
  const size_t first = context.findings_so_far();
  check_inference_mode(context);
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (q == "torch.compile") {
      TSNode backend = call.keyword("backend");
      auto name = string_constant(view, backend, call.context);
      // `torch.compile(fn, **options)`: the backend may be among the options, chosen there.
      bool splat = false;
      for_each_named_child(field(call.node, "arguments"),
                           [&](TSNode argument) { splat = splat || is(argument, "dictionary_splat"); });
      if (is_null(backend) && !splat) {
        Finding& finding = context.report(
            kCompileBackend, call.node, "torch.compile",
            "torch.compile defaults to inductor, which generates CUDA/Triton code; pass " +
                target_way(context.target, kOpenXla, kTpuBackend));
        // Insert `, backend=…` before the closing parenthesis.
        TSNode arguments = field(call.node, "arguments");
        uint32_t close = ts_node_end_byte(arguments) - 1;
        context.with_site(finding, "torch.compile.default", close, close);
      } else if (name && (*name == "inductor" || *name == "cudagraphs" || *name == "tensorrt" ||
                          *name == "torch_tensorrt")) {
        Finding& finding = context.report(
            kCompileBackend, backend, *name,
            "backend \"" + *name + "\" targets CUDA; use " + target_way(context.target, kOpenXla, kTpuBackend));
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
            "TPU, where the TPU backend compiles the whole graph itself");
        context.with_site(finding, "torch.compile.mode", ts_node_parent(mode));
      }
    } else if (has_prefix(q, "torch._inductor") || has_prefix(q, "torch._dynamo.register_backend")) {
      context.report(kInductor, call.node, q,
                     "`" + q + "` configures or extends inductor, which generates GPU code; on a "
                     "TPU compile with " + target_way(context.target, kOpenXla, kTpuBackend));
    } else if (is_cuda_graph_api(q)) {
      context.report(kGraphCapture, call.node, q,
                     "`" + q + "` captures a CUDA graph; remove it on a TPU, where the compiler "
                     "compiles and caches the step graph");
    }
  }
  auto names_inductor = [](std::string_view module) {  // torch._TorchCompileInductorWrapper
    return module.starts_with("torch.") && (module.find("Inductor") != std::string_view::npos ||
                                            module.find("inductor") != std::string_view::npos);
  };
  for (const Import& import : view.imports())
    if (names_inductor(import.module) || import.module == "torch._dynamo.register_backend")
      context.report(kInductor, import.node, import.module,
                     "import of `" + import.module + "`: inductor generates GPU code; on a TPU "
                     "compile with " + target_way(context.target, kOpenXla, kTpuBackend));
  for (const Decorator& decorator : view.decorators())
    if (decorator.qualified == "torch._dynamo.register_backend" && !is(decorator.node, "call"))
      context.report(kInductor, decorator.node, decorator.qualified,
                     "a compile backend registered here: on a TPU compile with " +
                         target_way(context.target, kOpenXla, kTpuBackend));
  // Inductor's compilers and classes handed on as values: `inner_compile=compile_fx_inner`
  // (an argument or a parameter default), `class Wrapper(_TorchCompileInductorWrapper)`.
  auto is_inductor_value = [&](TSNode node) {
    node = unparenthesize(node);
    if (!is(node, "identifier") && !is(node, "attribute")) return std::string();
    std::string q = view.qualify(node);
    return has_prefix(q, "torch._inductor") || (names_inductor(q) && q.find('.', 6) == std::string::npos)
               ? q
               : std::string();
  };
  auto report_value = [&](TSNode node, const std::string& q, std::string_view how) {
    context.report(kInductor, node, q,
                   "`" + q + "` " + std::string(how) + ": inductor generates GPU code; on a TPU compile with " +
                       target_way(context.target, kOpenXla, kTpuBackend));
  };
  // Only a file that names inductor can hand its names on; the others skip the search.
  const bool imports_inductor = view.source().find("nductor") != std::string_view::npos;
  for (const Call& call : view.calls()) {
    if (!imports_inductor) break;
    for (TSNode argument : call.positional)
      if (std::string q = is_inductor_value(argument); !q.empty())
        report_value(argument, q, "is passed on as a value");
    for (const auto& [name, value] : call.keywords)
      if (std::string q = is_inductor_value(value); !q.empty())
        report_value(value, q, "is passed on as a value");
  }
  std::vector<uint32_t> classes;  // start bytes of the classes already looked at
  for (const FunctionInfo& function : view.functions()) {
    if (!imports_inductor) break;
    for_each_named_child(field(function.node, "parameters"), [&](TSNode parameter) {
      if (!is(parameter, "default_parameter") && !is(parameter, "typed_default_parameter")) return;
      TSNode value = field(parameter, "value");
      if (std::string q = is_inductor_value(value); !q.empty())
        report_value(value, q, "is a parameter default");
    });
    TSNode owner = ts_node_parent(function.node);
    if (is(owner, "decorated_definition")) owner = ts_node_parent(owner);
    owner = ts_node_parent(owner);
    if (!is(owner, "class_definition") ||
        std::find(classes.begin(), classes.end(), ts_node_start_byte(owner)) != classes.end())
      continue;
    classes.push_back(ts_node_start_byte(owner));
    for_each_named_child(field(owner, "superclasses"), [&](TSNode base) {
      if (std::string q = is_inductor_value(base); !q.empty())
        report_value(base, q, "is subclassed here");
    });
  }
  // `torch.cuda.CUDAGraph` or `torch._inductor.config.x` read or written as a value.
  for (const Mention& mention : context.mentions.names()) {
    if (mention.callee) continue;
    std::string q = view.qualify(mention.node);
    if (is_cuda_graph_api(q))
      context.report(kGraphCapture, mention.node, q,
                     "`" + q + "` is CUDA-graph machinery; remove it on a TPU");
  }
  std::vector<std::string_view> graphs;  // names bound to a CUDA graph made here
  for (const Assignment& assignment : view.assignments()) {
    std::string q = view.qualify(assignment.left);
    if (has_prefix(q, "torch._inductor"))
      context.report(kInductor, assignment.left, q,
                     "`" + q + "` configures inductor; it does nothing for the TPU's compiler");
    else if (q == "torch.compile")
      context.report(kInductor, assignment.left, q,
                     "replacing `torch.compile` installs a GPU compile pipeline; on a TPU keep "
                     "torch.compile with " + target_way(context.target, kOpenXla, kTpuBackend));
    TSNode right = unparenthesize(assignment.right);
    if (is(right, "call") && has_prefix(view.qualify(field(right, "function")), "torch.cuda.CUDAGraph"))
      graphs.push_back(view.text(assignment.left));
  }
  // `g.replay()`, `g.capture_begin()`: every use of a CUDA graph object.
  for (const Call& call : view.calls()) {
    if (graphs.empty()) break;
    if (!call.is_method_call() ||
        std::find(graphs.begin(), graphs.end(), view.text(call.receiver)) == graphs.end())
      continue;
    context.report_method(kGraphCapture, call, std::string(view.text(call.function)),
                          "`" + std::string(view.text(call.function)) + "` uses a CUDA graph; "
                          "remove it on a TPU, where the compiler compiles and caches the step graph");
  }
  // "inductor" chosen as a value: a default backend, a config entry.
  std::vector<uint32_t> lines = context.lines_since(first);
  for (const Mention& mention : context.mentions.strings()) {
    auto value = string_value(mention.node, view.source());
    if (!value || *value != "inductor" || is_prose_string(view, mention.node)) continue;
    uint32_t line = ts_node_start_point(mention.node).row + 1;
    if (std::find(lines.begin(), lines.end(), line) != lines.end()) continue;
    lines.push_back(line);
    context.report(kInductor, mention.node, "inductor",
                   "\"inductor\" chooses the GPU compiler; on a TPU use " +
                       target_way(context.target, kOpenXla, kTpuBackend));
  }
}

}  // namespace tpu::python
