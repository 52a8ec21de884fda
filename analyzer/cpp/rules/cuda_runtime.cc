// SPDX-License-Identifier: Apache-2.0
// cuda-runtime-cpp: the host side of CUDA in C++: CUDA and ATen/c10 CUDA headers, device
// memory, streams and events, device selection and guards, error checks, the removed THC
// API, the runtime's types and constants, and `#if defined(WITH_CUDA)`-style build guards.
// Tensor device checks (`x.is_cuda()`, `at::kCUDA`) live here too but count as
// device-placement. In deep mode the tree
// adds the references only types reveal (a method of c10::cuda::CUDAStream called on a
// variable).
#include "analyzer/cpp/rules/rule_families.h"

namespace tpu::cpp {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU320", .name = "cuda-runtime-include", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "an #include of a CUDA runtime header or of ATen/c10's CUDA headers",
     .rationale = "The file needs the CUDA toolkit (or a CUDA build of PyTorch) to compile; on a "
                  "TPU host there is neither.",
     .tpu_way = "Drop the include with the CUDA code it serves; keep host-only code on "
                "<ATen/ATen.h> / <torch/extension.h>.",
     .before = "#include <ATen/cuda/CUDAContext.h>", .after = "#include <torch/extension.h>"},
    {.code = "TPU321", .name = "cuda-memory-call", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "CUDA device memory management (`cudaMalloc`, `cudaMemcpy`, `cudaMemset`, caching allocator)",
     .rationale = "Raw device pointers and copies bypass the framework; on a TPU, memory belongs "
                  "to the TPU runtime and moves only as tensors.",
     .tpu_way = "Allocate tensors with torch ops on the TPU device and move them with .to(device).",
     .before = "cudaMemcpy(dst, src, n * sizeof(float), cudaMemcpyHostToDevice);",
     .after = "dst = src.to(device)"},
    {.code = "TPU322", .name = "cuda-stream-event", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "CUDA streams, events and synchronisation (`getCurrentCUDAStream`, `cudaStreamSynchronize`, …)",
     .rationale = "The TPU runtime orders TPU work itself; there are no user streams or events to pass "
                  "to kernels or to wait on (TorchTPU's streams are placeholders).",
     .tpu_way = "Drop the stream plumbing; synchronise from Python where needed "
                "(TorchTPU: torch.accelerator.synchronize(); PyTorch/XLA: xm.wait_device_ops()).",
     .before = "cudaStream_t stream = at::cuda::getCurrentCUDAStream();",
     .after = "# no stream: the TPU runtime orders the work"},
    {.code = "TPU323", .name = "cuda-device-management", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "CUDA device selection, guards and properties (`CUDAGuard`, `cudaSetDevice`, `getCurrentDeviceProperties`)",
     .rationale = "Device guards and SM counts describe NVIDIA GPUs; TPU devices are chosen by the "
                  "runtime (PJRT) and have no SMs to size grids by.",
     .tpu_way = "Remove the guard with the kernel; choose the device on the Python side "
                "(TorchTPU: torch.device(\"tpu\"); PyTorch/XLA: torch_xla.device()).",
     .before = "const at::cuda::OptionalCUDAGuard guard(device_of(x));", .after = "# removed"},
    {.code = "TPU324", .name = "cuda-error-check", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a CUDA error check (`C10_CUDA_KERNEL_LAUNCH_CHECK`, `AT_CUDA_CHECK`, `cudaGetLastError`)",
     .rationale = "The check wraps CUDA calls that go away with the port.",
     .tpu_way = "Remove it with the CUDA call it checks.",
     .before = "C10_CUDA_KERNEL_LAUNCH_CHECK();", .after = "# removed"},
    {.code = "TPU325", .name = "thc-legacy-api", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "the THC API (`THCState`, `THCudaCheck`, `THC/THC.h`), removed from PyTorch in 1.11",
     .rationale = "THC no longer exists in PyTorch: this code does not build against any current "
                  "torch, GPU or not.",
     .tpu_way = "Port the code off THC first (ATen equivalents), then port its kernels.",
     .before = "THCudaCheck(cudaGetLastError());", .after = "C10_CUDA_KERNEL_LAUNCH_CHECK();  // then port"},
    {.code = "TPU326", .name = "cuda-runtime-call", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "another CUDA runtime or driver API call (`cudaXxx`, `cuXxx`, `at::cuda::…`)",
     .rationale = "Every CUDA runtime/driver call needs an NVIDIA GPU and driver at run time.",
     .tpu_way = "Remove it with the CUDA code it serves, or replace it with the torch or TPU-backend facility.",
     .before = "cudaFuncSetCacheConfig(kernel, cudaFuncCachePreferL1);", .after = "# removed"},
    // device-placement, as CUDA-TIES.md counts it on the C++ side: the tensor is expected on
    // (or placed on) a CUDA device, the C++ counterpart of `x.is_cuda` / `.cuda()` in Python.
    {.code = "TPU327", .name = "cuda-tensor-check", .category = Category::DevicePlacement,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a tensor device test or CUDA device constant in C++ (`x.is_cuda()`, `kCUDA`, `CHECK_CUDA`)",
     .rationale = "On a TPU, tensors reaching the extension are TPU tensors (or CPU tensors after a "
                  "fallback): CUDA branches are never taken and CUDA checks fail.",
     .tpu_way = "Dispatch on the ported implementation instead of on CUDA; accept TPU and CPU tensors.",
     .before = "TORCH_CHECK(x.is_cuda(), \"x must be a CUDA tensor\");", .after = "# checks for the ported op"},
    {.code = "TPU328", .name = "cuda-runtime-type", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a CUDA runtime type or constant (`cudaStream_t`, `cudaMemcpyDeviceToHost`, `__half`)",
     .rationale = "Counted one by one (as HIPIFY counts references) to size the port; they go "
                  "away with the code that uses them.",
     .tpu_way = "Remove with the CUDA code; use torch dtypes (torch.bfloat16) for half types.",
     .before = "cudaStream_t stream = at::cuda::getCurrentCUDAStream();", .after = "# removed"},
    {.code = "TPU329", .name = "cuda-build-guard", .category = Category::CudaRuntimeCpp,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a preprocessor guard on a CUDA build (`#ifdef WITH_CUDA`, `#if defined(__CUDACC__)`, `CUDA_VERSION`)",
     .rationale = "The guard decides which code a CUDA build compiles; a TPU build takes the "
                  "other branch (or none), so each guard is a place the port has to decide about.",
     .tpu_way = "Decide what the non-CUDA branch does on a TPU: a ported op, or a clear error.",
     .before = "#ifdef WITH_CUDA\n  return nms_cuda(boxes, scores, iou);\n#endif",
     .after = "#ifdef WITH_CUDA\n  return nms_cuda(boxes, scores, iou);\n#endif\n  return nms_composite(boxes, scores, iou);"},
};

const RuleMeta& rule(std::string_view code) {
  for (const RuleMeta& r : kRules)
    if (r.code == code) return r;
  return kRules[0];
}

// A macro that tells a CUDA build apart: one of its `_`-separated words says CUDA or nvcc
// (WITH_CUDA, MMCV_WITH_CUDA, USE_CUDA, __CUDACC__, __CUDA_ARCH__, CUDA_VERSION, __NVCC__).
bool names_cuda_build(std::string_view name) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view word = name.substr(start, end - start);
    if (word == "CUDA" || word == "CUDACC" || word == "NVCC" || word == "CUDART") return true;
    start = end + 1;
  }
  return false;
}

// `#ifdef WITH_CUDA`, `#if defined(MMCV_WITH_CUDA)`, `#elif CUDA_VERSION >= 11000`: one finding
// per conditional line, at its first CUDA name.
void build_guards(CppRuleContext& context) {
  int reported = -1;
  for (const ConditionName& condition : context.view.conditions) {
    if (condition.directive == reported || !names_cuda_build(condition.name)) continue;
    reported = condition.directive;
    std::string word(condition.name);
    context.report(rule("TPU329"), condition.begin, condition.end, word,
                   "`" + word + "` guards code a CUDA build compiles; decide what a TPU build runs in "
                   "its place (a ported op, or a clear error)");
  }
}

std::string message_for(const Reference& r) {
  std::string name = "`" + r.symbol + "`";
  std::string_view code = r.match.rule;
  if (code == "TPU321") return name + " manages CUDA device memory; on a TPU, memory belongs to the runtime: use tensors and .to(device)";
  if (code == "TPU322") return name + " uses CUDA streams/events; the TPU runtime orders work itself, drop the stream plumbing";
  if (code == "TPU323") return name + " selects or queries a CUDA device; remove it with the kernel (choose the TPU device on the Python side)";
  if (code == "TPU324") return name + " checks a CUDA error; it goes away with the CUDA call it checks";
  if (code == "TPU325") return name + " is the THC API, removed in PyTorch 1.11; port the code off THC";
  if (code == "TPU326") return name + (r.is_call ? " calls" : " refers to") + " the CUDA runtime/driver; it needs an NVIDIA GPU";
  if (code == "TPU327") return name + " tests for or names the CUDA device; on a TPU tensors are TPU (or CPU) tensors";
  return name + " is a CUDA runtime type or constant; it goes away with the CUDA code";
}

// Deep mode: a reference the tree resolves into c10::cuda / at::cuda that no token-level
// reference covers (a method called on a CUDAStream variable, say).
std::string_view typed_rule(const AstTypedReference& typed) {
  if (typed.qualified.find("Stream") != std::string::npos || typed.qualified.find("Event") != std::string::npos)
    return "TPU322";
  if (typed.qualified.find("Guard") != std::string::npos || typed.qualified.find("Device") != std::string::npos)
    return "TPU323";
  return typed.is_call ? "TPU326" : "TPU328";
}

}  // namespace

const std::span<const RuleMeta> kCudaRuntimeRules = kRules;

void check_cuda_runtime(CppRuleContext& context) {
  const CppFileView& view = context.view;
  build_guards(context);
  for (const IncludeReference& include : view.includes) {
    if (include.match.rule == "TPU320")
      context.report(rule("TPU320"), include.begin, include.end, include.header,
                     "#include <" + include.header + "> needs the CUDA toolkit or a CUDA build of PyTorch; "
                     "it goes away with the CUDA code");
    else if (include.match.rule == "TPU325")
      context.report(rule("TPU325"), include.begin, include.end, include.header,
                     "#include <" + include.header + "> is the THC API, removed in PyTorch 1.11");
  }
  for (const Reference& r : view.references) {
    if (r.match.rule < "TPU321" || r.match.rule > "TPU328") continue;
    std::string message = message_for(r);
    if (!r.macro.empty()) message += " (in macro `" + r.macro + "`)";
    context.report(rule(r.match.rule), r.begin, r.end, r.symbol, message);
  }
  for (const AstTypedReference& typed : view.ast.typed) {
    bool covered = false;
    for (const Reference& r : view.references)
      if (r.begin <= typed.begin && typed.begin < r.end) covered = true;
    if (covered) continue;
    std::string name(view.file->text().substr(typed.begin, typed.end - typed.begin));
    context.report(rule(typed_rule(typed)), typed.begin, typed.end, typed.qualified,
                   "`" + name + "` resolves to `" + typed.qualified +
                       "` (found through types by the syntax tree); it needs CUDA and goes away with the port");
  }
}

}  // namespace tpu::cpp
