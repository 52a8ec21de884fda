// SPDX-License-Identifier: Apache-2.0
// third-party-cuda-lib: libraries that exist only for NVIDIA GPUs (apex, flash-attn,
// xformers, bitsandbytes, cupy, pynvml, DeepSpeed, DALI…), Triton kernels with each
// `tl.*` operation inside them and their launches, and NVTX ranges.
#include <algorithm>
#include <array>
#include <cctype>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU500", .name = "cuda-library-import", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "import of a CUDA-only library (apex, flash_attn, xformers, bitsandbytes, cupy…)",
     .rationale = "These packages ship CUDA kernels and do not install or import on a TPU host. "
                  "An import guarded by `try/except ImportError` is a warning: the fallback path "
                  "is what runs on the TPU.",
     .tpu_way = "Use the plain PyTorch equivalent (F.scaled_dot_product_attention, nn.LayerNorm, "
                "torch.optim.AdamW) or a Pallas kernel (TorchTPU: torch_tpu._internal.pallas; "
                "PyTorch/XLA: torch_xla.experimental.custom_kernel).",
     .before = "from apex.normalization import FusedLayerNorm",
     .after = "from torch.nn import LayerNorm"},
    {.code = "TPU501", .name = "cuda-library-call", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a call into a CUDA-only library",
     .rationale = "The call runs a CUDA kernel (an apex fused op, flash attention, an 8-bit "
                  "optimizer…) that cannot run on a TPU as written.",
     .tpu_way = "Replace it with the PyTorch op it fuses, or a Pallas kernel (PyTorch/XLA ships "
                "flash attention: torch_xla.experimental.custom_kernel.flash_attention).",
     .before = "out = flash_attn_func(q, k, v, causal=True)",
     .after = "out = F.scaled_dot_product_attention(q, k, v, is_causal=True)"},
    {.code = "TPU502", .name = "triton-kernel", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a Triton kernel (`@triton.jit`, `@triton.autotune`)",
     .rationale = "Triton compiles to GPU code; it has no TPU backend.",
     .tpu_way = "Rewrite it as a Pallas kernel (TorchTPU: a custom op from "
                "torch_tpu._internal.pallas.jax_op; PyTorch/XLA: "
                "torch_xla.experimental.custom_kernel.make_kernel_from_pallas) or as plain "
                "PyTorch ops that the TPU compiler fuses.",
     .before = "@triton.jit\ndef gelu_kernel(x_ptr, ...): ...",
     .after = "def gelu(x): return F.gelu(x)  # the TPU compiler fuses it"},
    {.code = "TPU503", .name = "triton-language-op", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a `tl.*` operation inside a Triton kernel (counted per reference, as HIPIFY does)",
     .rationale = "Each operation is part of the kernel to port; the count sizes the work. The "
                  "kernel itself is the blocker (TPU502).",
     .tpu_way = "Pallas has close counterparts: tl.program_id → pl.program_id, tl.load/tl.store "
                "→ ref reads and writes (pl.load/pl.store), tl.dot → jnp.dot.",
     .before = "x = tl.load(x_ptr + offsets, mask=mask)",
     .after = "x = x_ref[...]"},
    {.code = "TPU504", .name = "triton-launch", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a Triton kernel launch (`kernel[grid](…)`)",
     .rationale = "The call site of a Triton kernel; it changes when the kernel is ported.",
     .tpu_way = "Call the Pallas port or the PyTorch fallback here.",
     .before = "gelu_kernel[grid](x, y, n, BLOCK=1024)",
     .after = "y = gelu(x)"},
    {.code = "TPU505", .name = "nvtx-range", .category = Category::ThirdPartyCudaLib,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "NVTX profiling ranges (`torch.cuda.nvtx`, `nvtx`)",
     .rationale = "NVTX annotates Nsight timelines; those tools do not see a TPU.",
     .tpu_way = "The target's profiler: `torch.profiler.record_function(\"name\")` ranges on "
                "TorchTPU; `torch_xla.debug.profiler` (`xp.Trace(\"name\")`, `xp.start_trace`) "
                "on PyTorch/XLA.",
     .before = "torch.cuda.nvtx.range_push(\"forward\")",
     .after = "with torch.profiler.record_function(\"forward\"):"},
};

const RuleMeta& kLibraryImport = kRules[0];
const RuleMeta& kLibraryCall = kRules[1];
const RuleMeta& kTritonKernel = kRules[2];
const RuleMeta& kTritonOp = kRules[3];
const RuleMeta& kTritonLaunch = kRules[4];
const RuleMeta& kNvtx = kRules[5];

// What replaces a CUDA-only library on a TPU. `torchtpu` is TorchTPU's way where it differs from
// `xla`, PyTorch/XLA's; empty when one way serves both targets.
struct CudaLibrary {
  std::string_view module;
  std::string_view xla;
  std::string_view torchtpu = {};

  std::string advice(std::string_view target) const {
    if (torchtpu.empty()) return std::string(xla);
    return std::string(target == opdb::kXlaTarget ? xla : torchtpu);
  }
};

constexpr std::array<CudaLibrary, 18> kLibraries = {{
    {"apex", "use torch.optim / nn.LayerNorm / torch.autocast and DDP on the xla backend",
     "use torch.optim / nn.LayerNorm / torch.autocast and DDP on the tpu_dist backend"},
    {"flash_attn", "use F.scaled_dot_product_attention or PyTorch/XLA's Pallas flash_attention",
     "use F.scaled_dot_product_attention (or a Pallas kernel)"},
    {"xformers", "use F.scaled_dot_product_attention or PyTorch/XLA's Pallas flash_attention",
     "use F.scaled_dot_product_attention (or a Pallas kernel)"},
    {"bitsandbytes", "use bfloat16 weights, or PyTorch/XLA's int8 quantized matmul", "use bfloat16 weights"},
    {"cupy", "use torch ops (or jax.numpy) on the device"},
    {"pynvml", "use xm.get_memory_info(device) for memory; TPU metrics come from the runtime",
     "TorchTPU has no public memory statistics (torch.tpu._hbm_usage_summary() is private and "
     "unstable); TPU metrics come from the runtime"},
    {"nvidia_smi", "use xm.get_memory_info(device)",
     "TorchTPU has no public memory statistics (torch.tpu._hbm_usage_summary() is private and unstable)"},
    {"deepspeed", "use PyTorch/XLA FSDPv2 / SPMD sharding", "use FSDPv2 / DTensor over a \"tpu\" device mesh"},
    {"nvidia.dali", "use a CPU input pipeline (DataLoader) with MpDeviceLoader",
     "use a CPU input pipeline (DataLoader)"},
    {"pycuda", "use torch ops on the device"},
    {"numba.cuda", "use torch ops on the device, or a Pallas kernel"},
    {"cudf", "use pandas/pyarrow on the host"},
    {"tensorrt", "use torch.compile(backend=\"openxla\")", "use torch.compile(backend=\"tpu\", dynamic=False)"},
    {"torch_tensorrt", "use torch.compile(backend=\"openxla\")", "use torch.compile(backend=\"tpu\", dynamic=False)"},
    {"transformer_engine", "use bfloat16 autocast on the TPU (FP8 recipes are NVIDIA-specific)"},
    {"liger_kernel", "use the plain PyTorch modules; the TPU compiler fuses them"},
    {"nvtx", "use torch_xla.debug.profiler", "use torch.profiler.record_function ranges"},
    {"causal_conv1d", "use a depthwise F.conv1d with left padding (or a Pallas kernel)"},
}};

// Compiled CUDA modules that CUDA-only projects install at the top level, beside their
// package, and that other repositories import by bare name (`import xentropy_cuda_lib`, built
// from flash-attention's csrc/). `package` is the project's Python package: inside it the
// module is the repository's own extension (custom-extension), not a third-party library.
struct CompiledModule {
  std::string_view module;
  std::string_view package;
  std::string_view advice;
};

constexpr std::string_view kKernelAdvice =
    "port to PyTorch ops (the TPU compiler fuses them) or to a Pallas kernel";
constexpr std::array<CompiledModule, 17> kCompiledModules = {{
    {"flash_attn_cuda", "flash_attn", kKernelAdvice},
    {"flash_attn_2_cuda", "flash_attn", kKernelAdvice},
    {"flash_attn_3_cuda", "flash_attn", kKernelAdvice},
    {"xentropy_cuda_lib", "flash_attn", kKernelAdvice},
    {"rotary_emb", "flash_attn", kKernelAdvice},
    {"fused_dense_lib", "flash_attn", kKernelAdvice},
    {"dropout_layer_norm", "flash_attn", kKernelAdvice},
    {"ft_attention", "flash_attn", kKernelAdvice},
    {"fused_softmax_lib", "flash_attn", kKernelAdvice},
    {"causal_conv1d_cuda", "causal_conv1d", kKernelAdvice},
    {"selective_scan_cuda", "mamba_ssm", kKernelAdvice},
    {"amp_C", "apex", kKernelAdvice},
    {"fused_layer_norm_cuda", "apex", kKernelAdvice},
    {"fused_adam_cuda", "apex", kKernelAdvice},
    {"fused_dense_cuda", "apex", kKernelAdvice},
    {"syncbn", "apex", kKernelAdvice},
    {"apex_C", "apex", kKernelAdvice},
}};

const CudaLibrary* library_of(std::string_view qualified) {
  for (const CudaLibrary& library : kLibraries)
    if (has_prefix(qualified, library.module)) return &library;
  return nullptr;
}

// Any other bare top-level module named the way CUDA builds name their compiled modules
// (`scaled_softmax_cuda`, `xentropy_cuda_lib`, `amp_C`): a compiled module that some CUDA-only
// project installs. Which project is not known here ("" package); when the repository builds
// it itself or defines it as Python source, the repository-wide pass drops these findings.
const CompiledModule kUnlistedCompiledModule = {"", "", kKernelAdvice};

const CompiledModule* compiled_module_of(std::string_view qualified) {
  for (const CompiledModule& compiled : kCompiledModules)
    if (has_prefix(qualified, compiled.module)) return &compiled;
  if (is_named_like_compiled_cuda_module(qualified.substr(0, qualified.find('.'))))
    return &kUnlistedCompiledModule;
  return nullptr;
}

// True when the file is part of the library itself (bitsandbytes/cextension.py in the
// bitsandbytes repository): a library's own modules do not depend on it; its examples and
// tests, outside its package folder, do.
bool inside_package(const ModuleView& view, std::string_view library) {
  std::string_view root = library.substr(0, library.find('.'));
  std::string_view module = view.module_name();
  for (size_t begin = 0; begin < module.size();) {
    size_t end = module.find('.', begin);
    if (end == std::string_view::npos) end = module.size();
    if (module.substr(begin, end - begin) == root) return true;
    begin = end + 1;
  }
  return false;
}

// `kernel[grid]`, `kernel[(n,)]`, `kernel[lambda META: …]`: what a launch is indexed with.
bool is_launch_grid(std::string_view index) {
  return index.starts_with("grid") || index.starts_with("(") || index.starts_with("lambda") ||
         index.find("cdiv") != std::string_view::npos || index.ends_with("grid");
}

// `layers[i](x)`: a subscript of a list, dict or tuple built here, or of torch, is no launch.
bool is_container(const ModuleView& view, TSNode value, const Context& context) {
  if (view.qualify(value).starts_with("torch")) return true;
  if (!is(value, "identifier")) return false;
  TSNode assigned = unparenthesize(view.assigned_value(view.text(value), context, ts_node_start_byte(value)));
  for (std::string_view type : {"list", "dictionary", "tuple", "list_comprehension",
                                "dictionary_comprehension", "set"})
    if (is(assigned, type)) return true;
  if (is(assigned, "call")) {
    std::string_view callee = view.text(field(assigned, "function"));
    return callee.ends_with("ModuleList") || callee.ends_with("ModuleDict") || callee == "dict" ||
           callee == "list";
  }
  return false;
}

// Every line of a Triton kernel that uses `tl.` (a `tl.constexpr` parameter, `x.to(tl.float32)`)
// is part of the kernel to port, not only the lines that call a tl function; outside a kernel,
// a `tl.` name (a torch-to-Triton dtype map, a `tl.constexpr` default) goes with the port too.
void report_triton_language_lines(RuleContext& context, std::vector<uint32_t>& lines) {
  const ModuleView& view = context.view;
  std::string_view source = view.source();
  std::vector<std::pair<uint32_t, uint32_t>> kernels;  // [begin, end) bytes of each kernel
  for (const FunctionInfo& function : view.functions())
    if (function.triton_kernel)
      kernels.emplace_back(ts_node_start_byte(function.node), ts_node_end_byte(function.node));
  // `tl` names resolve only through an import of triton.language; the search starts from the
  // tree's root, reached from that import.
  TSNode root{};
  for (const Import& import : view.imports())
    if (has_prefix(import.module, "triton.language")) root = import.node;
  if (is_null(root)) return;
  for (TSNode up = ts_node_parent(root); !is_null(up); up = ts_node_parent(up)) root = up;
  for (size_t at = source.find("tl."); at != std::string_view::npos; at = source.find("tl.", at + 3)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(source[at - 1])) || source[at - 1] == '_' ||
                   source[at - 1] == '.'))
      continue;
    TSNode node = ts_node_named_descendant_for_byte_range(root, static_cast<uint32_t>(at),
                                                          static_cast<uint32_t>(at + 2));
    if (!is(node, "identifier")) continue;
    TSNode attribute = ts_node_parent(node);
    if (!is(attribute, "attribute") || !has_prefix(view.qualify(attribute), "triton.language"))
      continue;
    uint32_t line = ts_node_start_point(node).row + 1;
    if (std::find(lines.begin(), lines.end(), line) != lines.end()) continue;
    lines.push_back(line);
    bool in_kernel = std::any_of(kernels.begin(), kernels.end(), [&](const auto& kernel) {
      return at >= kernel.first && at < kernel.second;
    });
    std::string op(view.text(attribute));
    context.report(kTritonOp, attribute, op,
                   in_kernel ? "`" + op + "` inside a Triton kernel; part of the kernel to port to Pallas"
                             : "`" + op + "` is a Triton name outside a kernel; it goes with the "
                               "kernels' port to Pallas");
  }
}

// `amp.__dict__`, `inspect.signature(FusedLayerNormAffineFunction.forward)`,
// `getattr(bnb.nn.modules, name)`: a CUDA-only library's module or class read as a value, not
// called. Found by searching the file for each such import's local name followed by a dot, so
// files that import none cost nothing.
void report_library_attribute_reads(RuleContext& context, std::vector<uint32_t>& lines) {
  const ModuleView& view = context.view;
  TSNode root{};
  for (const Import& import : view.imports()) {
    const CudaLibrary* library = library_of(import.module);
    const CompiledModule* compiled = library ? nullptr : compiled_module_of(import.module);
    std::string_view owner = library ? library->module : compiled ? compiled->package : "";
    if ((!library && !compiled) || owner == "nvtx" || (!owner.empty() && inside_package(view, owner)))
      continue;
    TSNode local = is(import.node, "aliased_import") ? field(import.node, "alias") : import.node;
    std::string_view name = view.text(local);
    name = name.substr(0, name.find('.'));
    if (is_null(root))
      for (root = import.node; !is_null(ts_node_parent(root));) root = ts_node_parent(root);
    view.for_each_dotted_use(root, name, [&](TSNode attribute) {
      // The whole dotted name (`bnb.nn.modules`), unless it is what a call calls.
      while (is(ts_node_parent(attribute), "attribute") &&
             ts_node_eq(field(ts_node_parent(attribute), "object"), attribute))
        attribute = ts_node_parent(attribute);
      TSNode parent = ts_node_parent(attribute);
      if (is(parent, "call") && ts_node_eq(field(parent, "function"), attribute)) return;
      std::string qualified = view.qualify(attribute);
      if (qualified.empty() || (!library_of(qualified) && !compiled_module_of(qualified))) return;
      uint32_t line = ts_node_start_point(attribute).row + 1;
      if (std::find(lines.begin(), lines.end(), line) != lines.end()) return;
      lines.push_back(line);
      context.report(kLibraryCall, attribute, qualified,
                     "`" + qualified + "` reads the CUDA-only library `" +
                         std::string(owner.empty() ? import.module : owner) +
                         "`; it goes with the library on a TPU");
    });
  }
}

}  // namespace

const std::span<const RuleMeta> kThirdPartyRules = kRules;

void check_third_party(RuleContext& context) {
  const ModuleView& view = context.view;
  for (const Import& import : view.imports()) {
    if (has_prefix(import.module, "triton")) {
      Finding& finding = context.report(kLibraryImport, import.node, import.module,
                                        "Triton compiles GPU kernels only; port its kernels to "
                                        "Pallas or plain PyTorch");
      if (import.context.import_guarded) finding.severity = Severity::Warning;
      continue;
    }
    const CudaLibrary* library = library_of(import.module);
    const CompiledModule* compiled = library ? nullptr : compiled_module_of(import.module);
    std::string_view owner = library ? library->module : compiled ? compiled->package : "";
    if ((!library && !compiled) || (!owner.empty() && inside_package(view, owner))) continue;
    bool nvtx = owner == "nvtx";
    Finding& finding = context.report(
        nvtx ? kNvtx : kLibraryImport, import.node, import.module,
        "`" + import.module + "` is CUDA-only" +
            (compiled && !compiled->package.empty()
                 ? " (a compiled module of " + std::string(compiled->package) + ")"
             : compiled ? std::string(" (a compiled CUDA module)")
                        : std::string()) +
            (import.context.import_guarded ? " (the import is guarded: the fallback runs on a TPU)"
                                           : "") +
            "; " + (library ? library->advice(context.target) : std::string(compiled->advice)));
    if (import.context.import_guarded && !nvtx) finding.severity = Severity::Warning;
  }

  for (const Decorator& decorator : view.decorators()) {
    if (!decorator.qualified.starts_with("triton.")) continue;
    const FunctionInfo& kernel = view.functions()[decorator.function];
    context.report(kTritonKernel, decorator.node, kernel.name,
                   "Triton kernel `" + kernel.name + "` (@" + decorator.qualified +
                       ") cannot run on a TPU; port it to Pallas or plain PyTorch ops");
  }

  bool uses_triton = false;
  for (const Import& import : view.imports()) uses_triton = uses_triton || has_prefix(import.module, "triton");
  std::vector<TSNode> decorator_nodes;
  for (const Decorator& decorator : view.decorators()) decorator_nodes.push_back(decorator.node);
  auto is_decorator = [&](TSNode node) {
    for (TSNode decorator : decorator_nodes)
      if (ts_node_eq(decorator, node)) return true;
    return false;
  };
  // `self.kernel = cp.RawKernel(src, "k")` (also ElementwiseKernel, ReductionKernel): a kernel
  // object of a CUDA-only library, stored here and launched by calling it elsewhere.
  std::vector<std::string_view> kernel_objects;
  for (const Assignment& assignment : view.assignments()) {
    TSNode right = unparenthesize(assignment.right);
    if (!is(right, "call")) continue;
    std::string made = view.qualify(field(right, "function"));
    if (made.ends_with("Kernel") && library_of(made) != nullptr)
      kernel_objects.push_back(view.text(assignment.left));
  }
  const size_t first = context.findings_so_far();
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (!kernel_objects.empty() && q.empty() &&
        std::find(kernel_objects.begin(), kernel_objects.end(), view.text(call.function)) !=
            kernel_objects.end()) {
      std::string name(view.text(call.function));
      context.report(kLibraryCall, call.node, name,
                     "`" + name + "` launches a CUDA kernel built by a CUDA-only library; port the "
                     "kernel to Pallas or PyTorch ops");
      continue;
    }
    if (has_prefix(q, "triton.language") && view.in_triton_kernel(call.context)) {
      std::string op = "tl." + q.substr(std::string_view("triton.language.").size());
      context.report(kTritonOp, call.node, op,
                     "`" + op + "` inside a Triton kernel; part of the kernel to port to Pallas");
      continue;
    }
    if (has_prefix(q, "nvtx")) {
      context.report(kNvtx, call.node, q,
                     "`" + q + "` annotates Nsight timelines; on a TPU use " +
                         target_way(context.target, "torch_xla.debug.profiler (xp.Trace)",
                                    "torch.profiler.record_function ranges"));
      continue;
    }
    // kernel[grid](…): the callee is a subscript of a Triton kernel defined here, or, in a
    // file that uses Triton, of a kernel imported from another module.
    TSNode callee = unparenthesize(call.function);
    if (is(callee, "subscript")) {
      TSNode value = field(callee, "value");
      std::string_view name = view.text(value);
      // torch.library.wrap_triton(kernel)[grid](…)
      bool kernel = is(value, "call") && view.qualify(field(value, "function")).ends_with("wrap_triton");
      for (const FunctionInfo& function : view.functions())
        if (function.triton_kernel && function.name == name) kernel = true;
      if (!kernel && uses_triton && !name.starts_with("self.") &&
          (is(value, "identifier") || is(value, "attribute")) &&
          is_launch_grid(view.text(field(callee, "subscript"))))
        kernel = !is_container(view, value, call.context);
      if (kernel)
        context.report(kTritonLaunch, call.node, std::string(name),
                       "launch of Triton kernel `" + std::string(name) +
                           "`; call its Pallas port or a PyTorch fallback on a TPU");
      continue;
    }
    if (has_prefix(q, "triton") && !is_decorator(call.node)) {
      // triton.cdiv, triton.next_power_of_2, triton.Config, triton.runtime…: the wrapper's
      // side of a kernel.
      context.report(kLibraryCall, call.node, q,
                     "`" + q + "` belongs to a Triton kernel's launch; it goes with the kernel's "
                     "Pallas port");
      continue;
    }
    if (q.empty()) continue;
    const CudaLibrary* library = library_of(q);
    const CompiledModule* compiled = library ? nullptr : compiled_module_of(q);
    std::string_view owner = library ? library->module : compiled ? compiled->package : "";
    if ((!library && !compiled) || owner == "nvtx" || (!owner.empty() && inside_package(view, owner)))
      continue;
    // Pure-Python helpers of these packages (version checks) are not kernels; a call is.
    context.report(kLibraryCall, call.node, q,
                   "`" + q + "` runs CUDA code that cannot run on a TPU; " +
                       (library ? library->advice(context.target) : std::string(compiled->advice)));
  }
  std::vector<uint32_t> lines = context.lines_since(first);
  report_library_attribute_reads(context, lines);
  report_triton_language_lines(context, lines);
}

}  // namespace tpu::python
