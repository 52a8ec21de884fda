// SPDX-License-Identifier: Apache-2.0
// cuda-libs-cpp: NVIDIA's libraries used from C++: cuBLAS, cuDNN, CUB, Thrust, cuRAND, NCCL,
// CUTLASS/CuTe and the others (cuSPARSE, cuSOLVER, cuFFT, NVRTC, nvJPEG, NPP, NVTX). Each
// include, call, type and enum constant is one reference; calls are blockers, types and
// constants are counted as info.
#include "analyzer/cpp/rules/rule_families.h"

namespace tpu::cpp {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU340", .name = "cuda-library-include", .category = Category::CudaLibsCpp,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "an #include of an NVIDIA library header (cuBLAS, cuDNN, CUB, Thrust, cuRAND, NCCL, CUTLASS, …)",
     .rationale = "The library exists only for NVIDIA GPUs; the file cannot build without it.",
     .tpu_way = "Replace what the library does with torch ops (the TPU backend runs them).",
     .before = "#include <cublas_v2.h>", .after = "// torch::matmul / at::matmul"},
    {.code = "TPU341", .name = "cublas-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a cuBLAS / cuBLASLt call (or ATen's at::cuda::blas wrappers)",
     .rationale = "cuBLAS runs GEMMs on NVIDIA GPUs; on a TPU, matmuls go to the MXU through the compiler.",
     .tpu_way = "torch.matmul / torch.nn.functional.linear (bf16 inputs, fp32 accumulation).",
     .before = "cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &alpha, w, k, x, k, &beta, y, n);",
     .after = "y = x @ w.T"},
    {.code = "TPU342", .name = "cudnn-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a cuDNN call (or the cuDNN frontend)",
     .rationale = "cuDNN implements convolutions, normalisation and attention for NVIDIA GPUs only.",
     .tpu_way = "torch.nn.functional.conv2d / batch_norm / scaled_dot_product_attention (the TPU backend runs them).",
     .before = "cudnnConvolutionForward(handle, &alpha, xDesc, x, wDesc, w, convDesc, algo, ...);",
     .after = "y = F.conv2d(x, w, stride=..., padding=...)"},
    {.code = "TPU343", .name = "cub-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a use of CUB (`cub::DeviceReduce`, `cub::BlockReduce`, ATen's at::cuda::cub)",
     .rationale = "CUB's device- and block-wide primitives are CUDA code.",
     .tpu_way = "torch.sum / cumsum / sort / unique / max on whole tensors.",
     .before = "cub::DeviceReduce::Sum(tmp, bytes, in, out, n, stream);", .after = "out = x.sum()"},
    {.code = "TPU344", .name = "thrust-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a use of Thrust (`thrust::sort`, `thrust::device_vector`, `thrust::cuda::par`)",
     .rationale = "Thrust algorithms run on CUDA streams with device vectors.",
     .tpu_way = "torch.sort / argsort / cumsum / unique on tensors.",
     .before = "thrust::sort(thrust::cuda::par.on(stream), keys, keys + n);", .after = "keys, _ = torch.sort(keys)"},
    {.code = "TPU345", .name = "curand-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a use of cuRAND (host or device API) or ATen's CUDA Philox state",
     .rationale = "cuRAND generators and Philox offsets are tied to CUDA; TPU random numbers come "
                  "from the TPU device's generator.",
     .tpu_way = "torch.rand / randn / bernoulli on the TPU device, seeded with torch.manual_seed "
                "(PyTorch/XLA: torch_xla.manual_seed).",
     .before = "curand_init(seed, idx, offset, &state); float u = curand_uniform(&state);",
     .after = "u = torch.rand(shape, device=device)"},
    {.code = "TPU346", .name = "nccl-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "an NCCL call or communicator",
     .rationale = "NCCL moves data between NVIDIA GPUs; TPU collectives run over ICI.",
     .tpu_way = "torch.distributed collectives from Python (TorchTPU: the tpu_dist backend; "
                "PyTorch/XLA: the xla backend, or xm.all_reduce / all_gather).",
     .before = "ncclAllReduce(buf, buf, n, ncclFloat, ncclSum, comm, stream);",
     .after = "dist.all_reduce(t)  # TorchTPU: backend=\"tpu_dist\""},
    {.code = "TPU347", .name = "cutlass-cute-use", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a use of CUTLASS or CuTe (`cutlass::gemm`, `cute::Tensor`)",
     .rationale = "CUTLASS/CuTe are CUDA C++ templates for NVIDIA tensor cores.",
     .tpu_way = "torch.matmul / einsum, or a Pallas matmul kernel for custom fusions.",
     .before = "cutlass::gemm::device::Gemm<...> gemm_op; gemm_op(args);", .after = "y = torch.matmul(a, b)"},
    {.code = "TPU348", .name = "nvidia-library-call", .category = Category::CudaLibsCpp,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a call of another NVIDIA library (cuSPARSE, cuSOLVER, cuFFT, NVRTC, nvJPEG, NPP, NVTX, NVDEC, cuTENSOR)",
     .rationale = "Each of these libraries runs on NVIDIA GPUs only.",
     .tpu_way = "torch.sparse / torch.linalg / torch.fft on the TPU device; decode images on the host "
                "(torchvision.io on CPU); profile with the target's profiler "
                "(PyTorch/XLA: torch_xla.debug.profiler).",
     .before = "cufftExecC2C(plan, in, out, CUFFT_FORWARD);", .after = "out = torch.fft.fft(x)"},
    {.code = "TPU349", .name = "cuda-library-symbol", .category = Category::CudaLibsCpp,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a type, handle or enum constant of an NVIDIA library (`cublasHandle_t`, `CUBLAS_OP_T`, `curandState`)",
     .rationale = "Counted one by one (as HIPIFY counts references) to size the port; they go "
                  "away with the library calls.",
     .tpu_way = "Remove with the library calls they serve.",
     .before = "cublasHandle_t handle = at::cuda::getCurrentCUDABlasHandle();", .after = "# removed"},
};

const RuleMeta& rule(std::string_view code) {
  for (const RuleMeta& r : kRules)
    if (r.code == code) return r;
  return kRules[0];
}

std::string library_of(const ApiMatch& match) {
  return match.library.empty() ? std::string("an NVIDIA library") : std::string(match.library);
}

}  // namespace

const std::span<const RuleMeta> kCudaLibraryRules = kRules;

void check_cuda_libraries(CppRuleContext& context) {
  const CppFileView& view = context.view;
  // `#if defined(CUBLAS_VERSION) && CUBLAS_VERSION >= 11600`: a library version guard, one
  // finding per conditional line.
  int reported = -1;
  for (const ConditionName& condition : view.conditions) {
    if (condition.directive == reported) continue;
    auto match = match_name(&condition.name, 1, false, false);
    if (!match || match->rule < "TPU341" || match->rule > "TPU349" || match->library.empty()) continue;
    reported = condition.directive;
    std::string word(condition.name);
    context.report(rule("TPU349"), condition.begin, condition.end, word,
                   "`" + word + "` guards code on the " + library_of(*match) +
                       " version; it goes away with the " + library_of(*match) + " calls");
  }
  for (const IncludeReference& include : view.includes) {
    if (include.match.rule != "TPU340") continue;
    context.report(rule("TPU340"), include.begin, include.end, include.header,
                   "#include <" + include.header + "> brings in " + library_of(include.match) +
                       ", which runs on NVIDIA GPUs only; replace its uses with torch ops");
  }
  for (const Reference& r : view.references) {
    if (r.match.rule < "TPU341" || r.match.rule > "TPU349") continue;
    std::string lib = library_of(r.match);
    std::string message;
    if (r.match.rule == "TPU349")
      message = "`" + r.symbol + "` is a " + lib + " type or constant; it goes away with the " + lib + " calls";
    else
      message = "`" + r.symbol + "` " + (r.is_call ? "calls " : "uses ") + lib + ", which runs on NVIDIA GPUs only; " +
                std::string(rule(r.match.rule).tpu_way);
    if (!r.macro.empty()) message += " (in macro `" + r.macro + "`)";
    context.report(rule(r.match.rule), r.begin, r.end, r.symbol, message);
  }
}

}  // namespace tpu::cpp
