// SPDX-License-Identifier: Apache-2.0
// custom-extension: C++/CUDA extensions built by setup.py (CUDAExtension, BuildExtension)
// or JIT-compiled (cpp_extension.load / load_inline with CUDA sources), every CUDA-specific
// build argument, and — across files — the Python code that imports the compiled modules.
#include <array>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU400", .name = "cuda-extension-build", .category = Category::CustomExtension,
     .severity = Severity::Blocker, .language = Language::Python, .fix = std::nullopt,
     .fix_title = "",
     .summary = "a CUDA extension built with `CUDAExtension`",
     .rationale = "The extension's kernels compile with nvcc for NVIDIA GPUs; neither the build "
                  "nor the kernels exist on a TPU.",
     .tpu_way = "Port each kernel to plain PyTorch ops (XLA fuses them) or to Pallas "
                "(torch_xla.experimental.custom_kernel); keep a CPU `CppExtension` only for "
                "host-side code.",
     .before = "ext_modules=[CUDAExtension(\"fused_ops\", [\"fused_ops.cu\"])]",
     .after = "# kernels ported to Pallas / PyTorch; no CUDA extension"},
    {.code = "TPU401", .name = "cuda-build-argument", .category = Category::CustomExtension,
     .severity = Severity::Info, .language = Language::Python, .fix = std::nullopt,
     .fix_title = "",
     .summary = "a CUDA-specific build argument (nvcc flags, arch lists, CUDA libraries, include dirs)",
     .rationale = "Each argument ties the build to the CUDA toolkit; they are counted one by one "
                  "to size the port, and go away with the CUDA extension.",
     .tpu_way = "Remove with the CUDA sources once the kernels are ported.",
     .before = "extra_compile_args={\"nvcc\": [\"-O3\", \"--use_fast_math\"]}",
     .after = "extra_compile_args={\"cxx\": [\"-O3\"]}"},
    {.code = "TPU402", .name = "jit-cuda-extension", .category = Category::CustomExtension,
     .severity = Severity::Blocker, .language = Language::Python, .fix = std::nullopt,
     .fix_title = "",
     .summary = "a CUDA extension JIT-compiled with `cpp_extension.load` / `load_inline`",
     .rationale = "JIT compilation invokes nvcc on .cu sources at run time; it fails on a TPU host.",
     .tpu_way = "Port the kernels (Pallas or PyTorch ops); load only C++ sources for host code.",
     .before = "ops = load(\"ops\", sources=[\"ops.cpp\", \"ops_kernel.cu\"])",
     .after = "# ported: ops implemented with torch ops"},
};

bool is_cuda_source(std::string_view file) {
  return file.ends_with(".cu") || file.ends_with(".cuh");
}

bool is_cuda_library(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kLibraries = {
      "cuda",    "cudart", "cublas", "cublasLt", "cudnn", "curand", "cusparse",
      "cusolver", "cufft", "nccl",   "nvrtc",    "nvToolsExt", "c10_cuda", "torch_cuda"};
  for (std::string_view library : kLibraries)
    if (name == library) return true;
  return false;
}

// A string that only a CUDA build would pass: nvcc flags, arch names, CUDA paths.
bool is_cuda_build_string(std::string_view value) {
  for (std::string_view flag :
       {"-gencode", "--generate-code", "-arch=", "--gpu-architecture", "--use_fast_math",
        "--expt-relaxed-constexpr", "--expt-extended-lambda", "-Xptxas", "--ptxas-options",
        "-Xcompiler", "-maxrregcount", "-lineinfo", "-U__CUDA_NO_", "-D__CUDA_NO_",
        "--threads", "-DCUDA_HAS_FP16", "-DWITH_CUDA", "arch=compute_", "code=sm_"})
    if (value.starts_with(flag) || (flag.starts_with("arch=") && value.find(flag) != std::string_view::npos))
      return true;
  if (value.find("/cuda/") != std::string_view::npos || value.ends_with("/cuda") ||
      value.find("/usr/local/cuda") != std::string_view::npos)
    return true;
  return false;
}

// Walks `node`'s subtree calling `visit` on every string literal.
template <class Visit>
void for_each_string(TSNode node, Visit&& visit) {
  std::vector<TSNode> stack{node};
  while (!stack.empty()) {
    TSNode current = stack.back();
    stack.pop_back();
    if (is(current, "string")) {
      visit(current);
      continue;
    }
    uint32_t count = ts_node_named_child_count(current);
    for (uint32_t i = 0; i < count; ++i) stack.push_back(ts_node_named_child(current, i));
  }
}

}  // namespace

const std::span<const RuleMeta> kCustomExtensionRules = kRules;

constexpr RuleMeta kExtensionModuleUseMeta = {
    .code = "TPU403", .name = "extension-module-use", .category = Category::CustomExtension,
    .severity = Severity::Blocker, .language = Language::Python, .fix = std::nullopt,
    .fix_title = "",
    .summary = "Python code that imports or calls the repository's own CUDA extension",
    .rationale = "The compiled module only exists where its CUDA build succeeded; every import "
                 "and call site is code that breaks, or takes its fallback, on a TPU.",
    .tpu_way = "Call the ported implementation here (Pallas kernel or PyTorch ops).",
    .before = "import fused_ops_cuda\ny = fused_ops_cuda.bias_gelu(x, b)",
    .after = "y = F.gelu(x + b)"};
const RuleMeta kExtensionModuleUse = kExtensionModuleUseMeta;

namespace {

constexpr std::string_view kCudaExtension = "torch.utils.cpp_extension.CUDAExtension";

// `extension = CppExtension; if cuda: extension = CUDAExtension; extension("pkg._C", …)` (the
// detectron2 setup.py): a call through a local name that some assignment in the same function
// (or at module level) binds to CUDAExtension. The assignments that do so are few (usually
// none), so they are collected once per file.
std::vector<const Assignment*> cuda_extension_aliases(const ModuleView& view) {
  std::vector<const Assignment*> aliases;
  for (const Assignment& assignment : view.assignments())
    if (is(assignment.left, "identifier") &&
        (is(assignment.right, "identifier") || is(assignment.right, "attribute")) &&
        view.qualify(assignment.right) == kCudaExtension)
      aliases.push_back(&assignment);
  return aliases;
}

// The assignment that makes `call`'s callee CUDAExtension, or null.
TSNode alias_of(const ModuleView& view, const Call& call, const std::vector<const Assignment*>& aliases) {
  if (aliases.empty() || !call.qualified.empty() || !is(call.function, "identifier")) return TSNode{};
  std::string_view name = view.text(call.function);
  for (const Assignment* assignment : aliases)
    if ((assignment->context.function == call.context.function || assignment->context.function == -1) &&
        view.text(assignment->left) == name)
      return assignment->node;
  return TSNode{};
}

}  // namespace

void check_custom_extension(RuleContext& context) {
  const ModuleView& view = context.view;
  const RuleMeta& build = kRules[0];
  const RuleMeta& argument = kRules[1];
  const RuleMeta& jit = kRules[2];
  const std::vector<const Assignment*> aliases = cuda_extension_aliases(view);
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    TSNode alias = alias_of(view, call, aliases);
    bool cuda_extension = q == kCudaExtension || !is_null(alias);
    // BuildExtension alone also builds C++-only extensions; CUDAExtension is the CUDA tie.
    if (cuda_extension) {
      if (is_null(alias))
        context.report(build, call.node, q,
                       "`" + q + "` builds CUDA code with nvcc; port the kernels to Pallas or "
                       "PyTorch ops for a TPU");
      else
        context.report(build, call.node, std::string(kCudaExtension),
                       "`" + std::string(view.text(call.function)) + "` is `CUDAExtension` (line " +
                           std::to_string(ts_node_start_point(alias).row + 1) +
                           "): it builds CUDA code with nvcc; port the kernels to Pallas or "
                           "PyTorch ops for a TPU");
      if (auto name = string_constant(view, call.argument(0, "name"), call.context))
          context.declared_extensions.push_back(*name);
    } else if (q == "torch.utils.cpp_extension.load" || q == "torch.utils.cpp_extension.load_inline") {
      bool has_cuda = !is_null(call.keyword("cuda_sources")) ||
                      is_true(view, call.keyword("with_cuda"), call.context);
      for_each_string(call.node, [&](TSNode string) {
        if (auto value = string_value(string, view.source()); value && is_cuda_source(*value))
          has_cuda = true;
      });
      if (!has_cuda) continue;
      context.report(jit, call.node, q,
                     "`" + q + "` JIT-compiles CUDA sources with nvcc at run time; port the "
                     "kernels to Pallas or PyTorch ops");
      if (auto name = string_constant(view, call.argument(0, "name"), call.context))
        context.declared_extensions.push_back(*name);
    }
  }
  if (!view.is_build_script()) return;
  // In a build script every CUDA-specific argument is counted: nvcc flags, arch lists,
  // CUDA libraries, include and library dirs, and the "nvcc" key itself.
  for (const StringLiteral& literal : view.strings()) {
    auto value = string_value(literal.node, view.source());
    if (!value) continue;
    TSNode parent = ts_node_parent(literal.node);
    bool is_key = is(parent, "pair") && ts_node_eq(field(parent, "key"), literal.node);
    bool in_libraries = false;
    for (TSNode up = parent; !is_null(up); up = ts_node_parent(up)) {
      if (is(up, "keyword_argument")) {
        in_libraries = view.text(field(up, "name")) == "libraries";
        break;
      }
    }
    if ((is_key && *value == "nvcc") || is_cuda_build_string(*value) ||
        (in_libraries && is_cuda_library(*value)) || *value == "TORCH_CUDA_ARCH_LIST" ||
        *value == "CUDA_HOME")
      context.report(argument, literal.node, *value,
                     "CUDA build argument " + std::string(view.text(literal.node)) +
                         "; it goes away with the CUDA extension");
  }
  for (const Import& import : view.imports())
    if (import.module == "torch.utils.cpp_extension.CUDA_HOME")
      context.report(argument, import.node, "CUDA_HOME",
                     "the build looks up the CUDA toolkit (CUDA_HOME); it goes away with the "
                     "CUDA extension");
}

}  // namespace tpu::python
