// SPDX-License-Identifier: Apache-2.0
// custom-extension: C++/CUDA extensions built by setup.py (CUDAExtension, BuildExtension)
// or JIT-compiled (cpp_extension.load / load_inline with CUDA sources), every CUDA-specific
// build argument, and — across files — the Python code that imports the compiled modules.
#include <algorithm>
#include <array>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU400", .name = "cuda-extension-build", .category = Category::CustomExtension,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a CUDA extension built with `CUDAExtension`",
     .rationale = "The extension's kernels compile with nvcc for NVIDIA GPUs; neither the build "
                  "nor the kernels exist on a TPU.",
     .tpu_way = "Port each kernel to plain PyTorch ops (the TPU compiler fuses them) or to "
                "Pallas (TorchTPU: torch_tpu._internal.pallas.jax_op; PyTorch/XLA: "
                "torch_xla.experimental.custom_kernel); keep a CPU `CppExtension` only for "
                "host-side code.",
     .before = "ext_modules=[CUDAExtension(\"fused_ops\", [\"fused_ops.cu\"])]",
     .after = "# kernels ported to Pallas / PyTorch; no CUDA extension"},
    {.code = "TPU401", .name = "cuda-build-argument", .category = Category::CustomExtension,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "a CUDA-specific build argument (nvcc flags, arch lists, CUDA libraries, include dirs)",
     .rationale = "Each argument ties the build to the CUDA toolkit; they are counted one by one "
                  "to size the port, and go away with the CUDA extension.",
     .tpu_way = "Remove with the CUDA sources once the kernels are ported.",
     .before = "extra_compile_args={\"nvcc\": [\"-O3\", \"--use_fast_math\"]}",
     .after = "extra_compile_args={\"cxx\": [\"-O3\"]}"},
    {.code = "TPU402", .name = "jit-cuda-extension", .category = Category::CustomExtension,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
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
        "--threads", "-DCUDA_HAS_FP16", "-DWITH_CUDA", "arch=compute_", "code=sm_", "--ftz",
        "--prec-div", "--prec-sqrt", "--fmad", "-rdc", "--relocatable-device-code",
        "--extended-lambda", "--diag-suppress", "-Xfatbin", "--compiler-options", "-ccbin",
        "--resource-usage", "-U__CUDA", "-D__CUDA"})
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
    .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
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

// A component that names a compiled extension module by the usual convention: `_C`,
// `_C_flashattention`. torch's own `_C` modules are not the repository's.
bool is_compiled_module(std::string_view qualified) {
  std::string_view root = qualified.substr(0, qualified.find('.'));
  if (root == "torch" || root == "torchvision" || root == "torchaudio") return false;
  for (size_t begin = 0; begin <= qualified.size();) {
    size_t end = qualified.find('.', begin);
    if (end == std::string_view::npos) end = qualified.size();
    std::string_view part = qualified.substr(begin, end - begin);
    if (part == "_C" || part.starts_with("_C_")) return true;
    begin = end + 1;
  }
  return false;
}

// torch.ops namespaces that PyTorch itself registers; any other is an extension's.
bool is_builtin_op_namespace(std::string_view ns) {
  for (std::string_view name : {"aten", "prims", "prim", "quantized", "_quantized", "profiler",
                                "c10d", "_c10d_functional", "_c10d_functional_autograd",
                                "c10d_functional", "quantized_decomposed", "higher_order",
                                "_dtensor", "mkldnn", "onednn", "inductor", "xla", "torchvision",
                                "torchaudio", "_inductor_test", "mylib", "debugprims", "_test"})
    if (ns == name) return true;
  return false;
}

// `ext = ext_loader.load_ext("_ext", [...])`, `_C = load_library("_C")`: a repository loader
// of its compiled module, recognised by the module name it is given.
bool is_extension_loader_call(const ModuleView& view, TSNode value) {
  value = unparenthesize(value);
  if (!is(value, "call")) return false;
  std::string_view callee = view.text(field(value, "function"));
  std::string_view last = callee.substr(callee.rfind('.') + 1);
  if (last.find("load") == std::string_view::npos || last == "load_state_dict" || last == "load")
    return false;
  TSNode arguments = field(value, "arguments");
  if (ts_node_named_child_count(arguments) == 0) return false;
  auto name = string_value(ts_node_named_child(arguments, 0), view.source());
  return name && name->starts_with("_") &&
         (name->ends_with("_ext") || name->ends_with("_C") || name->ends_with("_cuda") ||
          name->starts_with("_C"));
}

// setup.py itself: there a torch.cuda query decides whether the extension is built. (A JIT
// loader is a build script too, but its torch.cuda calls are ordinary CUDA API uses.)
bool is_setup_py(const ModuleView& view) {
  std::string_view path = view.file().path();
  return path == "setup.py" || path.ends_with("/setup.py");
}

bool is_nvcc_string(std::string_view value) {
  return value == "nvcc" || value.starts_with("nvcc ") || value.ends_with("/nvcc") ||
         value.find("/nvcc ") != std::string_view::npos || value.find("bin/nvcc") != std::string_view::npos;
}

bool is_cuda_switch(std::string_view name) {
  for (std::string_view prefix : {"FORCE_CUDA", "USE_CUDA", "CUDA_HOME", "CUDA_PATH"})
    if (name == prefix) return true;
  return name.ends_with("WITH_CUDA");  // WITH_CUDA, MMCV_WITH_CUDA
}

// In a build script, an environment-variable-style name about CUDA or nvcc (NVCC_FLAGS,
// MMCV_CUDA_ARGS) configures the CUDA build.
bool is_build_variable(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return value.find("CUDA") != std::string_view::npos || value.find("NVCC") != std::string_view::npos;
}

// Each string of a list (or tuple) `node`, for flag lists given to nvcc.
template <class Visit>
void for_each_listed_string(TSNode node, Visit&& visit) {
  node = unparenthesize(node);
  if (!is(node, "list") && !is(node, "tuple")) return;
  for_each_named_child(node, [&](TSNode element) {
    if (is(element, "string")) visit(element);
  });
}

// What names a CUDA build or the compiled module in any file: `.cu` sources (listed or
// globbed), nvcc (its flag dict entry and each flag in it, `nvcc -V` lookups), CUDA_HOME and the
// WITH_CUDA/FORCE_CUDA switches, BuildExtension, `_C`-style compiled modules and the calls into
// them, `torch.ops.<ns>.<op>` of the repository's own ops, and loaders of the compiled module.
void check_extension_mentions(RuleContext& context, std::vector<uint32_t>& seen) {
  const ModuleView& view = context.view;
  const RuleMeta& build = kRules[0];
  const RuleMeta& argument = kRules[1];
  auto first_on_line = [&](TSNode node) {
    uint32_t line = ts_node_start_point(node).row + 1;
    if (std::find(seen.begin(), seen.end(), line) != seen.end()) return false;
    seen.push_back(line);
    return true;
  };
  auto report_argument = [&](TSNode node, std::string symbol, std::string what) {
    if (first_on_line(node))
      context.report(argument, node, std::move(symbol),
                     std::move(what) + "; it goes away with the CUDA extension");
  };
  for (const Import& import : view.imports()) {
    const std::string& module = import.module;
    if (module == "torch.utils.cpp_extension.CUDAExtension" ||
        module == "torch.utils.cpp_extension.BuildExtension") {
      if (first_on_line(import.node))
        context.report(build, import.node, module,
                       "import of `" + module + "`, the CUDA extension build; port the kernels "
                       "to Pallas or PyTorch ops for a TPU");
    } else if (module == "torch.utils.cpp_extension.CUDA_HOME") {
      report_argument(import.node, "CUDA_HOME", "the build looks up the CUDA toolkit (CUDA_HOME)");
    } else if (is_compiled_module(module) && first_on_line(import.node)) {
      context.report(kExtensionModuleUse, import.node, module,
                     "import of `" + module + "`, the repository's compiled extension; on a TPU "
                     "it breaks or takes its fallback: call the ported implementation");
    }
  }
  std::vector<std::string> loaded;  // names bound to a loaded extension module
  for (const Assignment& assignment : view.assignments()) {
    if (!is(assignment.left, "identifier") || !is_extension_loader_call(view, assignment.right))
      continue;
    loaded.emplace_back(view.text(assignment.left));
    if (first_on_line(assignment.node))
      context.report(kExtensionModuleUse, assignment.right, std::string(view.text(assignment.left)),
                     "`" + std::string(view.text(assignment.right)) + "` loads the repository's "
                     "compiled extension; on a TPU it breaks or takes its fallback");
  }
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    std::string symbol;
    if (is_compiled_module(q)) {
      symbol = q;
    } else if (q == "torch.ops.load_library") {
      symbol = q;
    } else if (q.starts_with("torch.ops.")) {
      std::string_view rest = std::string_view(q).substr(10);
      size_t dot = rest.find('.');
      if (dot != std::string_view::npos && !is_builtin_op_namespace(rest.substr(0, dot)))
        symbol = q;
    } else if (call.is_method_call() && is(call.receiver, "identifier") &&
               std::find(loaded.begin(), loaded.end(), view.text(call.receiver)) != loaded.end()) {
      symbol = std::string(view.text(call.function));
    } else if (q == "torch.utils.cpp_extension.BuildExtension.with_options") {
      if (first_on_line(call.node))
        context.report(build, call.node, q, "`BuildExtension` drives the nvcc build");
      continue;
    }
    if (symbol.empty() || !first_on_line(call.node)) continue;
    context.report(kExtensionModuleUse, call.node, symbol,
                   "call of `" + symbol + "`, the repository's compiled (CUDA) extension; on a "
                   "TPU call the ported implementation (Pallas or PyTorch ops)");
  }
  for (const Mention& mention : context.mentions.strings()) {
    TSNode node = mention.node;
    auto value = string_value(node, view.source());
    if (!value || is_prose_string(view, node)) continue;
    if (is_cuda_source(*value) || value->ends_with("*.cu")) {
      report_argument(node, *value, "CUDA source " + std::string(view.text(node)));
    } else if (is_nvcc_string(*value)) {
      report_argument(node, *value, "nvcc " + std::string(view.text(node)));
      TSNode pair = ts_node_parent(node);
      if (*value == "nvcc" && is(pair, "pair") && ts_node_eq(field(pair, "key"), node))
        for_each_listed_string(field(pair, "value"), [&](TSNode flag) {
          report_argument(flag, std::string(view.text(flag)),
                          "nvcc flag " + std::string(view.text(flag)));
        });
    } else if (is_cuda_switch(*value) || *value == "TORCH_CUDA_ARCH_LIST" ||
               (view.is_build_script() && is_build_variable(*value))) {
      report_argument(node, *value, "CUDA build switch " + std::string(view.text(node)));
    }
  }
  for (const Mention& mention : context.mentions.names()) {
    TSNode node = mention.node;
    std::string qualified = view.qualify(node);
    std::string_view spelled = view.text(node);
    std::string_view last = spelled.substr(spelled.rfind('.') + 1);
    if ((qualified == "torch.utils.cpp_extension.BuildExtension" || qualified == kCudaExtension) &&
        !mention.callee) {
      if (first_on_line(node))
        context.report(build, node, qualified,
                       "`" + std::string(spelled) + "` drives the nvcc build of the CUDA extension");
    } else if (is_setup_py(view) && mention.callee && has_prefix(qualified, "torch.cuda")) {
      report_argument(node, qualified, "`" + qualified + "` decides whether the CUDA extension is built");
    } else if (is_cuda_switch(last)) {
      report_argument(node, std::string(last), "`" + std::string(spelled) + "`, a CUDA build switch");
    } else if (last == "extra_cuda_cflags" && is(ts_node_parent(node), "keyword_argument")) {
      for_each_listed_string(field(ts_node_parent(node), "value"), [&](TSNode flag) {
        report_argument(flag, std::string(view.text(flag)), "nvcc flag " + std::string(view.text(flag)));
      });
    }
  }
}

// `def _load_helper(name, sources, flags): return cpp_extension.load(…)` nested in the loader
// function, then `softmax_cuda = _load_helper("softmax_cuda", …)` once per extension: each call
// of such a local function builds one CUDA extension. (Module-level functions are linked, across
// files, by the repository-wide helper pass; a nested one is only visible where it is defined.)
void report_local_loader_calls(RuleContext& context, const std::vector<int>& loaders) {
  if (loaders.empty()) return;
  const ModuleView& view = context.view;
  const auto& functions = view.functions();
  for (const Call& call : view.calls()) {
    if (call.simple_name.empty() || call.context.function < 0) continue;
    for (int loader : loaders) {
      const FunctionInfo& helper = functions[loader];
      if (helper.parent < 0 || helper.name != call.simple_name) continue;
      // Called from the function that defines it (or from a function nested there).
      int scope = call.context.function;
      while (scope >= 0 && scope != helper.parent) scope = functions[scope].parent;
      if (scope < 0) continue;
      context.report(kRules[2], call.node, helper.name,
                     "`" + helper.name + "` (line " +
                         std::to_string(ts_node_start_point(helper.node).row + 1) +
                         ") JIT-compiles CUDA sources with nvcc; each call builds a CUDA "
                         "extension: port its kernels to Pallas or PyTorch ops");
      break;
    }
  }
}

}  // namespace

void check_custom_extension(RuleContext& context) {
  const ModuleView& view = context.view;
  const RuleMeta& build = kRules[0];
  const RuleMeta& argument = kRules[1];
  const RuleMeta& jit = kRules[2];
  const std::vector<const Assignment*> aliases = cuda_extension_aliases(view);
  const size_t first = context.findings_so_far();
  std::vector<int> jit_loaders;  // functions whose body JIT-compiles CUDA sources
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    TSNode alias = alias_of(view, call, aliases);
    bool cuda_extension = q == kCudaExtension || !is_null(alias);
    if (q == "torch.utils.cpp_extension.CppExtension")  // with .cu sources it is one
      for_each_string(call.node, [&](TSNode string) {
        if (auto value = string_value(string, view.source()); value && is_cuda_source(*value))
          cuda_extension = true;
      });
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
      // nvcc flags (extra_cuda_cflags) are only given when CUDA sources are compiled.
      bool has_cuda = !is_null(call.keyword("cuda_sources")) ||
                      !is_null(call.keyword("extra_cuda_cflags")) ||
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
      if (call.context.function >= 0) jit_loaders.push_back(call.context.function);
    }
  }
  report_local_loader_calls(context, jit_loaders);
  std::vector<uint32_t> seen = context.lines_since(first);  // one finding per line
  check_extension_mentions(context, seen);
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
        *value == "CUDA_HOME") {
      uint32_t line = ts_node_start_point(literal.node).row + 1;
      if (std::find(seen.begin(), seen.end(), line) != seen.end()) continue;
      seen.push_back(line);
      context.report(argument, literal.node, *value,
                     "CUDA build argument " + std::string(view.text(literal.node)) +
                         "; it goes away with the CUDA extension");
    }
  }
}

}  // namespace tpu::python
