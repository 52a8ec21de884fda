// SPDX-License-Identifier: Apache-2.0
// custom-extension (C++ side): how an extension exposes its ops. PYBIND11_MODULE modules and
// each `m.def`, TORCH_LIBRARY blocks (and TORCH_LIBRARY_IMPL blocks for CUDA keys), their op
// definitions and each kernel registered for a dispatch key. Each binding's finding stands
// on the line of its `m.def(` / `m.impl(`.
// The severity of an op's finding follows its inventory verdict (set by the scan once the
// whole repository is read): CUDA-only is a blocker, a CPU kernel makes it a warning.
#include "analyzer/cpp/rules/rule_families.h"

namespace tpu::cpp {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU360", .name = "pybind-extension-module", .category = Category::CustomExtension,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a PYBIND11_MODULE: the Python module of a C++/CUDA extension",
     .rationale = "The module is what Python imports; its functions are the ops to port, each "
                  "listed in the inventory with its implementations and verdict.",
     .tpu_way = "Keep the module for host-only code, or replace it with a Python module of ported ops.",
     .before = "PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def(\"fused\", &fused); }",
     .after = "# ops.py: def fused(x): ...  (torch ops or a Pallas kernel)"},
    {.code = "TPU361", .name = "pybind-op-binding", .category = Category::CustomExtension,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "an `m.def(\"name\", …)` exposing a C++/CUDA function to Python (severity follows the op's verdict)",
     .rationale = "A pybind11 function is called with whatever tensors Python passes: TPU tensors "
                  "reach code that expects CUDA (or CPU) tensors. CUDA-only ops are blockers; ops "
                  "with a CPU implementation work only if the caller moves tensors to the CPU.",
     .tpu_way = "Re-implement the op with torch ops or a Pallas kernel, and call that from Python.",
     .before = "m.def(\"rms_norm\", &rms_norm);",
     .after = "def rms_norm(x, w, eps): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w"},
    {.code = "TPU362", .name = "torch-library-op", .category = Category::CustomExtension,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a TORCH_LIBRARY op definition (severity follows the op's verdict)",
     .rationale = "A dispatcher op runs on a TPU only through a kernel for its backend: a TPU "
                  "kernel, a composite of torch ops, or the CPU fallback (slow; TorchTPU raises "
                  "unless the program enables it).",
     .tpu_way = "Register a CompositeImplicitAutograd implementation in torch ops, or a TPU "
                "kernel (TorchTPU: PrivateUse1 or a Pallas custom op; PyTorch/XLA: XLA); a CPU "
                "kernel runs only through the CPU fallback.",
     .before = "m.def(\"roi_align(Tensor input, Tensor rois, float scale) -> Tensor\");",
     .after = "TORCH_LIBRARY_IMPL(myops, CompositeImplicitAutograd, m) { m.impl(\"roi_align\", roi_align_composite); }"},
    {.code = "TPU363", .name = "torch-library-kernel", .category = Category::CustomExtension,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a kernel registered for an op under a CUDA dispatch key (or every key) (TORCH_LIBRARY_IMPL `m.impl`)",
     .rationale = "Which keys have kernels decides how the op runs on a TPU: CPU kernels run "
                  "through the fallback, CUDA kernels do not run at all.",
     .tpu_way = "Add a CompositeImplicitAutograd (or TPU backend) kernel for the op.",
     .before = "TORCH_LIBRARY_IMPL(myops, CUDA, m) { m.impl(\"roi_align\", roi_align_cuda); }",
     .after = "TORCH_LIBRARY_IMPL(myops, CompositeImplicitAutograd, m) { m.impl(\"roi_align\", roi_align_composite); }"},
    {.code = "TPU364", .name = "torch-library-block", .category = Category::CustomExtension,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a TORCH_LIBRARY block, or a TORCH_LIBRARY_IMPL block for a CUDA dispatch key",
     .rationale = "The block is where the extension's ops enter PyTorch's dispatcher; a CUDA "
                  "block's kernels never run on a TPU, and the op library as a whole is what "
                  "the port replaces or extends with TPU-capable kernels.",
     .tpu_way = "Keep the op definitions; add a CompositeImplicitAutograd (or TPU backend) block beside "
                "the CUDA one.",
     .before = "TORCH_LIBRARY_IMPL(myops, CUDA, m) { m.impl(\"roi_align\", roi_align_cuda); }",
     .after = "TORCH_LIBRARY_IMPL(myops, CompositeImplicitAutograd, m) { m.impl(\"roi_align\", roi_align_composite); }"},
};

// Dispatch keys whose kernels run on NVIDIA GPUs (CUDA, AutogradCUDA, SparseCUDA, QuantizedCUDA…).
bool is_cuda_dispatch_key(std::string_view key) { return key.find("CUDA") != std::string_view::npos; }

const char* framework_name(BindingFramework framework) {
  switch (framework) {
    case BindingFramework::Pybind11: return "PYBIND11_MODULE";
    case BindingFramework::TorchLibrary: return "TORCH_LIBRARY";
    case BindingFramework::TorchLibraryFragment: return "TORCH_LIBRARY_FRAGMENT";
    case BindingFramework::TorchLibraryImpl: return "TORCH_LIBRARY_IMPL";
  }
  return "";
}

}  // namespace

const std::span<const RuleMeta> kExtensionBindingRules = kRules;

void check_extension_bindings(CppRuleContext& context) {
  const CppFileView& view = context.view;
  const Structure& s = view.structure;
  for (const BindingModule& module : s.modules) {
    if (module.framework == BindingFramework::TorchLibrary || module.framework == BindingFramework::TorchLibraryFragment) {
      context.report(kRules[4], module.begin, module.end, module.name,
                     std::string(framework_name(module.framework)) + "(" + module.name +
                         ") defines the extension's dispatcher ops; each needs a TPU-capable kernel "
                         "(composite or TPU backend) or runs only through the CPU fallback" + view.token_level_note(module.block));
      continue;
    }
    if (module.framework == BindingFramework::TorchLibraryImpl) {
      if (is_cuda_dispatch_key(module.dispatch_key))
        context.report(kRules[4], module.begin, module.end, module.name,
                       "TORCH_LIBRARY_IMPL(" + module.name + ", " + module.dispatch_key +
                           ") registers CUDA kernels, which never run on a TPU; add a composite or TPU backend "
                           "block beside it" + view.token_level_note(module.block));
      continue;
    }
    size_t count = 0;
    for (const Binding& binding : s.bindings)
      if (&s.modules[binding.module] == &module) ++count;
    context.report(kRules[0], module.begin, module.end, module.name,
                   "PYBIND11_MODULE(" + module.name + ") exposes " + std::to_string(count) +
                       " function(s) to Python; the inventory lists each with its implementations and verdict" +
                       view.token_level_note(module.block));
  }
  for (const Binding& binding : s.bindings) {
    const BindingModule& module = s.modules[binding.module];
    // The finding starts at the `def`/`impl` of `m.def(`: a port edits that call, and the op's
    // name may stand on a later line.
    std::string note = view.token_level_note(module.block);
    std::string target = binding.target.empty() ? (binding.lambda_block >= 0 ? std::string("a lambda") : std::string())
                                                : "`" + binding.target + "`";
    if (module.framework == BindingFramework::Pybind11) {
      context.report(kRules[1], binding.call_begin, binding.end, binding.op,
                     "`" + module.variable + ".def(\"" + binding.op + "\")` exposes " +
                         (target.empty() ? std::string("a C++ function") : target) +
                         " to Python, where it receives TPU tensors on a TPU; port the op (see the inventory)" + note);
      continue;
    }
    std::string qualified = module.name + "::" + binding.op;
    if (binding.method == "def") {
      std::string key = binding.dispatch_key.empty() ? "" : " for " + binding.dispatch_key;
      context.report(kRules[2], binding.call_begin, binding.end, qualified,
                     std::string(framework_name(module.framework)) + " defines op `" + qualified +
                         "`" + (target.empty() ? "" : " implemented by " + target + key) +
                         "; on a TPU it needs a TPU backend or composite kernel, or runs only through the CPU fallback" + note);
    } else {
      // A kernel for CPU, Meta or a composite key is no CUDA tie (the inventory still lists it).
      if (!binding.dispatch_key.empty() && !is_cuda_dispatch_key(binding.dispatch_key)) continue;
      std::string key = binding.dispatch_key.empty() ? std::string("all backends") : binding.dispatch_key;
      context.report(kRules[3], binding.call_begin, binding.end, qualified,
                     "registers " + (target.empty() ? std::string("a kernel") : target) + " for `" + qualified +
                         "` under dispatch key " + key + note);
    }
  }
}

}  // namespace tpu::cpp
