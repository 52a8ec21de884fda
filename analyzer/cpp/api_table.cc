// SPDX-License-Identifier: Apache-2.0
// The CUDA name table. Rule codes: TPU3xx kernel (300–313), runtime (320–328), libraries
// (340–349). Exact names first; then namespaces anywhere in a qualified name; then family
// prefixes. Kept as data so that adding a name is a one-line change.
#include "analyzer/cpp/api_table.h"

#include <string>
#include <unordered_map>

namespace tpu::cpp {
namespace {

struct Entry {
  std::string_view name;
  std::string_view rule;
  RefKind kind;
  Strength strength = Strength::Strong;
  std::string_view library = {};
  std::string_view qualifier = {};  ///< when set, the name counts only after `qualifier::`
};

using K = RefKind;
constexpr Strength kDevice = Strength::DeviceOnly;

constexpr Entry kEntries[] = {
    // ---- cuda-kernel: built-in variables, memory spaces, synchronisation -----------------
    {"threadIdx", "TPU303", K::Constant}, {"blockIdx", "TPU303", K::Constant},
    {"blockDim", "TPU303", K::Constant}, {"gridDim", "TPU303", K::Constant},
    {"warpSize", "TPU303", K::Constant, kDevice}, {"C10_WARP_SIZE", "TPU303", K::Macro},
    {"__shared__", "TPU304", K::Keyword},
    {"__syncthreads", "TPU305", K::Function}, {"__syncthreads_count", "TPU305", K::Function},
    {"__syncthreads_and", "TPU305", K::Function}, {"__syncthreads_or", "TPU305", K::Function},
    {"__syncwarp", "TPU305", K::Function}, {"__threadfence", "TPU305", K::Function},
    {"__threadfence_block", "TPU305", K::Function}, {"__threadfence_system", "TPU305", K::Function},
    {"cooperative_groups", "TPU305", K::Namespace}, {"this_thread_block", "TPU305", K::Function, kDevice},
    {"this_grid", "TPU305", K::Function, kDevice}, {"tiled_partition", "TPU305", K::Function, kDevice},
    // ---- warp intrinsics ---------------------------------------------------------------------
    {"__shfl_sync", "TPU306", K::Function}, {"__shfl_up_sync", "TPU306", K::Function},
    {"__shfl_down_sync", "TPU306", K::Function}, {"__shfl_xor_sync", "TPU306", K::Function},
    {"__shfl", "TPU306", K::Function}, {"__shfl_up", "TPU306", K::Function},
    {"__shfl_down", "TPU306", K::Function}, {"__shfl_xor", "TPU306", K::Function},
    {"__ballot_sync", "TPU306", K::Function}, {"__ballot", "TPU306", K::Function},
    {"__any_sync", "TPU306", K::Function}, {"__all_sync", "TPU306", K::Function},
    {"__activemask", "TPU306", K::Function}, {"__match_any_sync", "TPU306", K::Function},
    {"__match_all_sync", "TPU306", K::Function}, {"__reduce_add_sync", "TPU306", K::Function},
    {"__reduce_min_sync", "TPU306", K::Function}, {"__reduce_max_sync", "TPU306", K::Function},
    {"__reduce_and_sync", "TPU306", K::Function}, {"__reduce_or_sync", "TPU306", K::Function},
    {"__reduce_xor_sync", "TPU306", K::Function}, {"WARP_SHFL", "TPU306", K::Macro},
    {"WARP_SHFL_UP", "TPU306", K::Macro}, {"WARP_SHFL_DOWN", "TPU306", K::Macro},
    {"WARP_SHFL_XOR", "TPU306", K::Macro}, {"WARP_BALLOT", "TPU306", K::Macro},
    // ---- atomics -----------------------------------------------------------------------------
    {"atomicAdd", "TPU307", K::Function, kDevice}, {"atomicSub", "TPU307", K::Function, kDevice},
    {"atomicExch", "TPU307", K::Function, kDevice}, {"atomicMin", "TPU307", K::Function, kDevice},
    {"atomicMax", "TPU307", K::Function, kDevice}, {"atomicInc", "TPU307", K::Function, kDevice},
    {"atomicDec", "TPU307", K::Function, kDevice}, {"atomicCAS", "TPU307", K::Function, kDevice},
    {"atomicAnd", "TPU307", K::Function, kDevice}, {"atomicOr", "TPU307", K::Function, kDevice},
    {"atomicXor", "TPU307", K::Function, kDevice}, {"atomicAdd_block", "TPU307", K::Function},
    {"atomicAdd_system", "TPU307", K::Function}, {"gpuAtomicAdd", "TPU307", K::Function},
    {"gpuAtomicAddNoReturn", "TPU307", K::Function}, {"fastAtomicAdd", "TPU307", K::Function},
    {"gpuAtomicMax", "TPU307", K::Function}, {"gpuAtomicMin", "TPU307", K::Function},
    {"gpuAtomicMul", "TPU307", K::Function}, {"gpuAtomicSub", "TPU307", K::Function},
    // ---- kernel-loop macros ------------------------------------------------------------------
    {"CUDA_KERNEL_LOOP", "TPU308", K::Macro}, {"CUDA_KERNEL_LOOP_TYPE", "TPU308", K::Macro},
    {"CUDA_1D_KERNEL_LOOP", "TPU308", K::Macro}, {"CUDA_1D_KERNEL_LOOP_T", "TPU308", K::Macro},
    {"CUDA_2D_KERNEL_LOOP", "TPU308", K::Macro}, {"CUDA_KERNEL_LOOP_64", "TPU308", K::Macro},
    {"__constant__", "TPU309", K::Keyword}, {"__managed__", "TPU309", K::Keyword},
    {"dim3", "TPU314", K::Type},
    // ---- device intrinsics ---------------------------------------------------------------------
    {"__ldg", "TPU310", K::Function}, {"__ldcg", "TPU310", K::Function}, {"__ldca", "TPU310", K::Function},
    {"__ldcs", "TPU310", K::Function}, {"__ldlu", "TPU310", K::Function}, {"__ldcv", "TPU310", K::Function},
    {"__stcg", "TPU310", K::Function}, {"__stcs", "TPU310", K::Function}, {"__stwb", "TPU310", K::Function},
    {"__stwt", "TPU310", K::Function}, {"__expf", "TPU310", K::Function}, {"__exp10f", "TPU310", K::Function},
    {"__logf", "TPU310", K::Function}, {"__log2f", "TPU310", K::Function}, {"__log10f", "TPU310", K::Function},
    {"__powf", "TPU310", K::Function}, {"__sinf", "TPU310", K::Function}, {"__cosf", "TPU310", K::Function},
    {"__tanf", "TPU310", K::Function}, {"__sincosf", "TPU310", K::Function},
    {"__fdividef", "TPU310", K::Function}, {"__frcp_rn", "TPU310", K::Function},
    {"__fsqrt_rn", "TPU310", K::Function}, {"__frsqrt_rn", "TPU310", K::Function},
    {"__fmaf_rn", "TPU310", K::Function}, {"__fmul_rn", "TPU310", K::Function},
    {"__fadd_rn", "TPU310", K::Function}, {"__fsub_rn", "TPU310", K::Function},
    {"__fdiv_rn", "TPU310", K::Function}, {"__saturatef", "TPU310", K::Function},
    {"__popc", "TPU310", K::Function}, {"__popcll", "TPU310", K::Function}, {"__clz", "TPU310", K::Function},
    {"__clzll", "TPU310", K::Function}, {"__ffs", "TPU310", K::Function}, {"__ffsll", "TPU310", K::Function},
    {"__brev", "TPU310", K::Function}, {"__brevll", "TPU310", K::Function},
    {"__byte_perm", "TPU310", K::Function}, {"__funnelshift_l", "TPU310", K::Function},
    {"__funnelshift_r", "TPU310", K::Function}, {"__umulhi", "TPU310", K::Function},
    {"__mulhi", "TPU310", K::Function}, {"__umul64hi", "TPU310", K::Function},
    {"__mul24", "TPU310", K::Function}, {"__umul24", "TPU310", K::Function},
    {"__float2half", "TPU310", K::Function}, {"__float2half_rn", "TPU310", K::Function},
    {"__half2float", "TPU310", K::Function}, {"__floats2half2_rn", "TPU310", K::Function},
    {"__float22half2_rn", "TPU310", K::Function}, {"__half22float2", "TPU310", K::Function},
    {"__float2bfloat16", "TPU310", K::Function}, {"__float2bfloat16_rn", "TPU310", K::Function},
    {"__bfloat162float", "TPU310", K::Function}, {"__hadd", "TPU310", K::Function},
    {"__hsub", "TPU310", K::Function}, {"__hmul", "TPU310", K::Function}, {"__hdiv", "TPU310", K::Function},
    {"__hfma", "TPU310", K::Function}, {"__hadd2", "TPU310", K::Function}, {"__hmul2", "TPU310", K::Function},
    {"__hfma2", "TPU310", K::Function}, {"__hneg", "TPU310", K::Function}, {"__habs", "TPU310", K::Function},
    {"__hmax", "TPU310", K::Function}, {"__hmin", "TPU310", K::Function}, {"__nanosleep", "TPU310", K::Function},
    {"__trap", "TPU310", K::Function}, {"__float_as_int", "TPU310", K::Function},
    {"__int_as_float", "TPU310", K::Function}, {"__float_as_uint", "TPU310", K::Function},
    {"__uint_as_float", "TPU310", K::Function}, {"__double_as_longlong", "TPU310", K::Function},
    {"__longlong_as_double", "TPU310", K::Function}, {"__float2int_rn", "TPU310", K::Function},
    {"__float2int_rz", "TPU310", K::Function}, {"__float2uint_rn", "TPU310", K::Function},
    {"__int2float_rn", "TPU310", K::Function}, {"__cvta_generic_to_shared", "TPU310", K::Function},
    {"__pipeline_memcpy_async", "TPU310", K::Function}, {"__pipeline_commit", "TPU310", K::Function},
    {"__pipeline_wait_prior", "TPU310", K::Function}, {"clock64", "TPU310", K::Function, kDevice},
    {"asm", "TPU311", K::Keyword, kDevice}, {"__asm__", "TPU311", K::Keyword, kDevice},
    {"__asm", "TPU311", K::Keyword, kDevice},
    {"nvcuda", "TPU312", K::Namespace}, {"wmma", "TPU312", K::Namespace},
    {"mma_sync", "TPU312", K::Function, kDevice}, {"load_matrix_sync", "TPU312", K::Function, kDevice},
    {"store_matrix_sync", "TPU312", K::Function, kDevice}, {"fill_fragment", "TPU312", K::Function, kDevice},
    // ---- launches by pointer and ATen's TensorIterator launchers -----------------------------
    {"cudaLaunchKernel", "TPU302", K::Function}, {"cudaLaunchCooperativeKernel", "TPU302", K::Function},
    {"cudaLaunchKernelExC", "TPU302", K::Function}, {"cuLaunchKernel", "TPU302", K::Function},
    {"gpu_kernel", "TPU302", K::Function}, {"gpu_kernel_with_scalars", "TPU302", K::Function},
    {"opmath_gpu_kernel_with_scalars", "TPU302", K::Function}, {"gpu_reduce_kernel", "TPU302", K::Function},

    // ---- cuda-runtime-cpp: memory -----------------------------------------------------------
    {"cudaMalloc", "TPU321", K::Function}, {"cudaMallocAsync", "TPU321", K::Function},
    {"cudaMallocHost", "TPU321", K::Function}, {"cudaMallocManaged", "TPU321", K::Function},
    {"cudaMallocPitch", "TPU321", K::Function}, {"cudaMalloc3D", "TPU321", K::Function},
    {"cudaMallocArray", "TPU321", K::Function}, {"cudaHostAlloc", "TPU321", K::Function},
    {"cudaHostRegister", "TPU321", K::Function}, {"cudaHostUnregister", "TPU321", K::Function},
    {"cudaHostGetDevicePointer", "TPU321", K::Function}, {"cudaFree", "TPU321", K::Function},
    {"cudaFreeAsync", "TPU321", K::Function}, {"cudaFreeHost", "TPU321", K::Function},
    {"cudaFreeArray", "TPU321", K::Function}, {"cudaMemcpy", "TPU321", K::Function},
    {"cudaMemcpyAsync", "TPU321", K::Function}, {"cudaMemcpy2D", "TPU321", K::Function},
    {"cudaMemcpy2DAsync", "TPU321", K::Function}, {"cudaMemcpy3D", "TPU321", K::Function},
    {"cudaMemcpy3DAsync", "TPU321", K::Function}, {"cudaMemcpyToSymbol", "TPU321", K::Function},
    {"cudaMemcpyFromSymbol", "TPU321", K::Function}, {"cudaMemcpyToSymbolAsync", "TPU321", K::Function},
    {"cudaMemcpyFromSymbolAsync", "TPU321", K::Function}, {"cudaMemcpyPeer", "TPU321", K::Function},
    {"cudaMemcpyPeerAsync", "TPU321", K::Function}, {"cudaMemset", "TPU321", K::Function},
    {"cudaMemsetAsync", "TPU321", K::Function}, {"cudaMemset2D", "TPU321", K::Function},
    {"cudaMemset2DAsync", "TPU321", K::Function}, {"cudaMemGetInfo", "TPU321", K::Function},
    {"cudaMemPrefetchAsync", "TPU321", K::Function}, {"cudaMemAdvise", "TPU321", K::Function},
    {"cudaPointerGetAttributes", "TPU321", K::Function}, {"cudaGetSymbolAddress", "TPU321", K::Function},
    {"CUDACachingAllocator", "TPU321", K::Namespace}, {"getCUDADeviceAllocator", "TPU321", K::Function},
    // ---- streams, events, synchronisation ------------------------------------------------------
    {"cudaStreamCreate", "TPU322", K::Function}, {"cudaStreamCreateWithFlags", "TPU322", K::Function},
    {"cudaStreamCreateWithPriority", "TPU322", K::Function}, {"cudaStreamDestroy", "TPU322", K::Function},
    {"cudaStreamSynchronize", "TPU322", K::Function}, {"cudaStreamWaitEvent", "TPU322", K::Function},
    {"cudaStreamQuery", "TPU322", K::Function}, {"cudaStreamBeginCapture", "TPU322", K::Function},
    {"cudaStreamEndCapture", "TPU322", K::Function}, {"cudaGraphLaunch", "TPU322", K::Function},
    {"cudaGraphInstantiate", "TPU322", K::Function}, {"cudaEventCreate", "TPU322", K::Function},
    {"cudaEventCreateWithFlags", "TPU322", K::Function}, {"cudaEventDestroy", "TPU322", K::Function},
    {"cudaEventRecord", "TPU322", K::Function}, {"cudaEventSynchronize", "TPU322", K::Function},
    {"cudaEventElapsedTime", "TPU322", K::Function}, {"cudaEventQuery", "TPU322", K::Function},
    {"cudaDeviceSynchronize", "TPU322", K::Function}, {"cudaLaunchHostFunc", "TPU322", K::Function},
    {"getCurrentCUDAStream", "TPU322", K::Function}, {"getDefaultCUDAStream", "TPU322", K::Function},
    {"getStreamFromPool", "TPU322", K::Function}, {"getStreamFromExternal", "TPU322", K::Function},
    {"setCurrentCUDAStream", "TPU322", K::Function}, {"CUDAStream", "TPU322", K::Type},
    {"CUDAStreamGuard", "TPU322", K::Type}, {"OptionalCUDAStreamGuard", "TPU322", K::Type},
    {"CUDAMultiStreamGuard", "TPU322", K::Type}, {"CUDAEvent", "TPU322", K::Type},
    // ---- devices -------------------------------------------------------------------------------
    {"cudaSetDevice", "TPU323", K::Function}, {"cudaGetDevice", "TPU323", K::Function},
    {"cudaGetDeviceCount", "TPU323", K::Function}, {"cudaGetDeviceProperties", "TPU323", K::Function},
    {"cudaDeviceGetAttribute", "TPU323", K::Function}, {"cudaDeviceSetLimit", "TPU323", K::Function},
    {"cudaDeviceGetLimit", "TPU323", K::Function}, {"cudaDeviceReset", "TPU323", K::Function},
    {"cudaDeviceSetCacheConfig", "TPU323", K::Function}, {"cudaDeviceCanAccessPeer", "TPU323", K::Function},
    {"cudaDeviceEnablePeerAccess", "TPU323", K::Function}, {"cudaFuncSetAttribute", "TPU323", K::Function},
    {"cudaFuncGetAttributes", "TPU323", K::Function}, {"cudaFuncSetCacheConfig", "TPU323", K::Function},
    {"cudaOccupancyMaxActiveBlocksPerMultiprocessor", "TPU323", K::Function},
    {"cudaOccupancyMaxPotentialBlockSize", "TPU323", K::Function},
    {"cudaDriverGetVersion", "TPU323", K::Function}, {"cudaRuntimeGetVersion", "TPU323", K::Function},
    {"getCurrentDeviceProperties", "TPU323", K::Function}, {"getDeviceProperties", "TPU323", K::Function},
    {"CUDAGuard", "TPU323", K::Type}, {"OptionalCUDAGuard", "TPU323", K::Type},
    // ATen's CUDA context hands out the libraries' handles; at::cuda::* counts as the runtime
    // (the handle's own type, cublasHandle_t, is the library's).
    {"getCurrentCUDABlasHandle", "TPU326", K::Function}, {"getCurrentCUDABlasLtHandle", "TPU326", K::Function},
    {"current_device", "TPU323", K::Function, Strength::Strong, {}, "cuda"},
    {"device_count", "TPU323", K::Function, Strength::Strong, {}, "cuda"},
    {"set_device", "TPU323", K::Function, Strength::Strong, {}, "cuda"},
    // ---- error checks --------------------------------------------------------------------------
    {"AT_CUDA_CHECK", "TPU324", K::Macro}, {"C10_CUDA_CHECK", "TPU324", K::Macro},
    {"C10_CUDA_CHECK_WARN", "TPU324", K::Macro}, {"C10_CUDA_KERNEL_LAUNCH_CHECK", "TPU324", K::Macro},
    {"C10_CUDA_ERROR_HANDLED", "TPU324", K::Macro}, {"AT_CUDA_DRIVER_CHECK", "TPU324", K::Macro},
    {"CUDA_KERNEL_ASSERT", "TPU324", K::Macro}, {"CUDA_CHECK", "TPU324", K::Macro},
    {"STD_CUDA_KERNEL_LAUNCH_CHECK", "TPU324", K::Macro}, {"STD_CUDA_CHECK", "TPU324", K::Macro},
    {"CUDA_CALL", "TPU324", K::Macro}, {"checkCudaErrors", "TPU324", K::Function},
    {"cudaGetLastError", "TPU324", K::Function}, {"cudaPeekAtLastError", "TPU324", K::Function},
    {"cudaGetErrorString", "TPU324", K::Function}, {"cudaGetErrorName", "TPU324", K::Function},
    {"getTHCState", "TPU325", K::Function}, {"THCudaCheck", "TPU325", K::Macro},
    // ---- tensor device checks --------------------------------------------------------------------
    {"is_cuda", "TPU327", K::Method}, {"cuda", "TPU327", K::Method}, {"kCUDA", "TPU327", K::Constant},
    {"CHECK_CUDA", "TPU327", K::Macro}, {"CHECK_IS_CUDA", "TPU327", K::Macro},
    {"CUDA", "TPU327", K::Constant, Strength::Strong, {}, "DeviceType"},
    {"CUDA", "TPU327", K::Constant, Strength::Strong, {}, "DispatchKey"},
    // ---- runtime types and constants -----------------------------------------------------------
    {"cudaStream_t", "TPU328", K::Type}, {"cudaEvent_t", "TPU328", K::Type},
    {"cudaError_t", "TPU328", K::Type}, {"cudaError", "TPU328", K::Type},
    {"cudaDeviceProp", "TPU328", K::Type}, {"cudaMemcpyKind", "TPU328", K::Type},
    {"cudaSuccess", "TPU328", K::Constant}, {"cudaMemcpyHostToDevice", "TPU328", K::Constant},
    {"cudaMemcpyDeviceToHost", "TPU328", K::Constant}, {"cudaMemcpyDeviceToDevice", "TPU328", K::Constant},
    {"cudaMemcpyHostToHost", "TPU328", K::Constant}, {"cudaMemcpyDefault", "TPU328", K::Constant},
    {"cudaStreamNonBlocking", "TPU328", K::Constant}, {"cudaStreamDefault", "TPU328", K::Constant},
    {"cudaEventDisableTiming", "TPU328", K::Constant}, {"cudaGraph_t", "TPU328", K::Type},
    {"cudaGraphExec_t", "TPU328", K::Type}, {"cudaFuncAttributes", "TPU328", K::Type},

    {"CUDA_VERSION", "TPU328", K::Macro}, {"CUDART_VERSION", "TPU328", K::Macro},
    {"CUDA_SUCCESS", "TPU328", K::Constant}, {"__half", "TPU328", K::Type}, {"__half2", "TPU328", K::Type},
    {"__nv_bfloat16", "TPU328", K::Type}, {"__nv_bfloat162", "TPU328", K::Type},
    {"__nv_fp8_e4m3", "TPU328", K::Type}, {"__nv_fp8_e5m2", "TPU328", K::Type},
    {"cuComplex", "TPU328", K::Type}, {"cuFloatComplex", "TPU328", K::Type},
    {"cuDoubleComplex", "TPU328", K::Type},

    // ---- cuda-libs-cpp ---------------------------------------------------------------------------
    // The math libraries' data types (library_types.h): arguments of cuBLAS/cuBLASLt calls.
    {"cudaDataType", "TPU349", K::Type, Strength::Strong, "cuBLAS"},
    {"cudaDataType_t", "TPU349", K::Type, Strength::Strong, "cuBLAS"},
    {"CUDA_R_16F", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_32F", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_64F", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_16BF", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_8F_E4M3", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_8F_E5M2", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_8I", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_R_32I", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_C_32F", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"CUDA_C_64F", "TPU349", K::Constant, Strength::Strong, "cuBLAS"},
    {"blas", "TPU341", K::Namespace, Strength::Strong, "cuBLAS", "cuda"},
    {"getCudnnHandle", "TPU342", K::Function, Strength::Strong, "cuDNN"},
    {"cudnn_frontend", "TPU342", K::Namespace, Strength::Strong, "cuDNN"},
    {"cub", "TPU343", K::Namespace, Strength::Strong, "CUB"},
    {"thrust", "TPU344", K::Namespace, Strength::Strong, "Thrust"},
    {"philox", "TPU345", K::Namespace, Strength::Strong, "cuRAND", "cuda"},
    {"PhiloxCudaState", "TPU345", K::Type, Strength::Strong, "cuRAND"},
    {"CUDAGeneratorImpl", "TPU345", K::Type, Strength::Strong, "cuRAND"},
    {"ProcessGroupNCCL", "TPU346", K::Type, Strength::Strong, "NCCL"},
    {"cutlass", "TPU347", K::Namespace, Strength::Strong, "CUTLASS"},
    {"cute", "TPU347", K::Namespace, Strength::Strong, "CUTLASS"},
    {"getCurrentCUDASparseHandle", "TPU348", K::Function, Strength::Strong, "cuSPARSE"},
    {"getCurrentCUDASolverDnHandle", "TPU348", K::Function, Strength::Strong, "cuSOLVER"},
};

// Library families by prefix: `cublasSgemm` (a call), `cublasHandle_t` (a symbol).
struct Prefix {
  std::string_view prefix;
  std::string_view call_rule, symbol_rule;
  std::string_view library;
};
constexpr Prefix kLowerPrefixes[] = {
    {"cublasLt", "TPU341", "TPU349", "cuBLAS"}, {"cublas", "TPU341", "TPU349", "cuBLAS"},
    {"cudnn", "TPU342", "TPU349", "cuDNN"},     {"curand", "TPU345", "TPU349", "cuRAND"},
    {"nccl", "TPU346", "TPU349", "NCCL"},       {"cusparse", "TPU348", "TPU349", "cuSPARSE"},
    {"cusolver", "TPU348", "TPU349", "cuSOLVER"}, {"cufft", "TPU348", "TPU349", "cuFFT"},
    {"nvrtc", "TPU348", "TPU349", "NVRTC"},     {"nvjpeg", "TPU348", "TPU349", "nvJPEG"},
    {"cutensor", "TPU348", "TPU349", "cuTENSOR"}, {"nvtx", "TPU348", "TPU349", "NVTX"},
    {"cuvid", "TPU348", "TPU349", "NVDEC"},     {"nppi", "TPU348", "TPU349", "NPP"},
    {"npps", "TPU348", "TPU349", "NPP"},
};
constexpr Prefix kUpperPrefixes[] = {
    {"CUBLASLT_", "TPU349", "TPU349", "cuBLAS"}, {"CUBLAS_", "TPU349", "TPU349", "cuBLAS"},
    {"CUDNN_", "TPU349", "TPU349", "cuDNN"},     {"CURAND_", "TPU349", "TPU349", "cuRAND"},
    {"NCCL_", "TPU349", "TPU349", "NCCL"},       {"CUSPARSE_", "TPU349", "TPU349", "cuSPARSE"},
    {"CUSOLVER_", "TPU349", "TPU349", "cuSOLVER"}, {"CUFFT_", "TPU349", "TPU349", "cuFFT"},
    {"NVRTC_", "TPU349", "TPU349", "NVRTC"},     {"NVJPEG_", "TPU349", "TPU349", "nvJPEG"},
    {"CUTENSOR_", "TPU349", "TPU349", "cuTENSOR"}, {"NVTX_", "TPU349", "TPU349", "NVTX"},
};

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

const std::unordered_multimap<std::string_view, const Entry*>& entries() {
  static const auto table = [] {
    std::unordered_multimap<std::string_view, const Entry*> map;
    for (const Entry& entry : kEntries) map.emplace(entry.name, &entry);
    return map;
  }();
  return table;
}

ApiMatch from(const Entry& entry) { return {entry.rule, entry.kind, entry.strength, entry.library, true}; }

// An exact entry for `name` whose qualifier requirement the preceding components meet.
const Entry* exact(std::string_view name, const std::string_view* qualifiers, size_t count,
                   bool want_namespace) {
  auto [begin, end] = entries().equal_range(name);
  for (auto it = begin; it != end; ++it) {
    const Entry& entry = *it->second;
    if ((entry.kind == RefKind::Namespace) != want_namespace) continue;
    if (entry.kind == RefKind::Method) continue;
    if (entry.qualifier.empty()) return &entry;
    if (count > 0 && qualifiers[count - 1] == entry.qualifier) return &entry;
  }
  return nullptr;
}

bool ends_with_t(std::string_view name) { return name.size() > 2 && name.ends_with("_t"); }

}  // namespace

std::optional<ApiMatch> match_name(const std::string_view* components, size_t count, bool is_call,
                                   bool member, bool namespace_context) {
  if (count == 0) return std::nullopt;
  std::string_view last = components[count - 1];
  if (member) {  // `x.is_cuda()`: only methods, and only as written directly after the dot
    auto [begin, end] = entries().equal_range(components[0]);
    for (auto it = begin; it != end; ++it)
      if (it->second->kind == RefKind::Method && count == 1) return from(*it->second);
    return std::nullopt;
  }
  // A namespace anywhere in the qualified name decides (`at::cuda::cub::inclusive_sum`).
  for (size_t i = 0; i + 1 < count; ++i)
    if (const Entry* entry = exact(components[i], components, i, true)) return from(*entry);
  if (const Entry* entry = exact(last, components, count - 1, false)) return from(*entry);
  if (count == 1 && namespace_context)
    if (const Entry* entry = exact(last, components, 0, true)) return from(*entry);

  for (const Prefix& prefix : kLowerPrefixes) {
    if (!last.starts_with(prefix.prefix) || last.size() == prefix.prefix.size()) continue;
    // cublasSgemm, cudnnCreate, ncclAllReduce: an upper-case letter follows the prefix; only
    // cuRAND's device API spells its names with an underscore (curand_init).
    char next = last[prefix.prefix.size()];
    if (!is_upper(next) && !(next == '_' && prefix.library == "cuRAND")) continue;
    bool symbol = !is_call || ends_with_t(last);
    return ApiMatch{symbol ? prefix.symbol_rule : prefix.call_rule,
                    symbol ? RefKind::Type : RefKind::Function, Strength::Strong, prefix.library, false};
  }
  for (const Prefix& prefix : kUpperPrefixes)
    if (last.starts_with(prefix.prefix) && last.size() > prefix.prefix.size())
      return ApiMatch{prefix.symbol_rule, is_call ? RefKind::Macro : RefKind::Constant,
                      Strength::Strong, prefix.library, false};
  if (last.starts_with("THC") && last.size() > 3 && (is_upper(last[3]) || last[3] == '_' || last[3] == 'u'))
    return ApiMatch{"TPU325", is_call ? RefKind::Function : RefKind::Type, Strength::Strong, {}, false};
  // The runtime and driver APIs by shape: cudaXxx, cuXxx (driver calls), CUxxx (driver types).
  bool runtime = last.size() > 4 && last.starts_with("cuda") && is_upper(last[4]);
  bool driver = last.size() > 3 && last.starts_with("cu") && is_upper(last[2]) && is_lower(last[3]);
  bool driver_type = last.size() > 3 && last.starts_with("CU") && is_lower(last[2]);
  if (runtime || driver || driver_type) {
    bool symbol = !is_call || ends_with_t(last) || driver_type;
    return ApiMatch{symbol ? "TPU328" : "TPU326", symbol ? RefKind::Type : RefKind::Function,
                    Strength::Strong, {}, false};
  }
  // A repository's wrapper named after PyTorch's CUDA classes (`xf_getCurrentCUDAStream()`,
  // `MyCUDAGuard`): what it wraps is the stream or the device guard.
  if (last.find("CUDAStream") != std::string_view::npos || last.find("CUDAEvent") != std::string_view::npos)
    return ApiMatch{"TPU322", is_call ? RefKind::Function : RefKind::Type, Strength::Strong, {}, false};
  if (last.find("CUDAGuard") != std::string_view::npos)
    return ApiMatch{"TPU323", is_call ? RefKind::Function : RefKind::Type, Strength::Strong, {}, false};
  // Anything else under a torch CUDA namespace (`at::cuda::…`, `c10::cuda::…`).
  for (size_t i = 1; i + 1 < count; ++i)
    if (components[i] == "cuda" && (components[i - 1] == "at" || components[i - 1] == "c10" ||
                                    components[i - 1] == "torch"))
      return ApiMatch{is_call ? "TPU326" : "TPU328", is_call ? RefKind::Function : RefKind::Type,
                      Strength::Strong, {}, false};
  return std::nullopt;
}

std::optional<ApiMatch> match_include(std::string_view header, bool angled) {
  auto library = [](std::string_view rule, std::string_view name) {
    return ApiMatch{rule, RefKind::Macro, Strength::Strong, name};
  };
  auto starts = [&](std::string_view prefix) { return header.starts_with(prefix); };
  if (starts("THC/") || starts("THCUNN/") || header == "THC.h") return library("TPU325", "");
  if (starts("cublas")) return library("TPU340", "cuBLAS");
  if (starts("cudnn") || starts("ATen/cudnn/") || starts("cudnn_frontend")) return library("TPU340", "cuDNN");
  if (starts("cub/") || header == "cub.cuh" || starts("ATen/cuda/cub")) return library("TPU340", "CUB");
  if (starts("thrust/")) return library("TPU340", "Thrust");
  if (starts("curand") || starts("ATen/cuda/detail/PhiloxCudaStateRaw") ||
      starts("ATen/cuda/CUDAGeneratorImpl") || starts("ATen/CUDAGeneratorImpl"))
    return library("TPU340", "cuRAND");
  if (starts("nccl") || starts("torch/csrc/distributed/c10d/ProcessGroupNCCL")) return library("TPU340", "NCCL");
  if (starts("cutlass/") || starts("cute/")) return library("TPU340", "CUTLASS");
  if (starts("cusparse")) return library("TPU340", "cuSPARSE");
  if (starts("cusolver")) return library("TPU340", "cuSOLVER");
  if (starts("cufft")) return library("TPU340", "cuFFT");
  if (starts("nvrtc")) return library("TPU340", "NVRTC");
  if (starts("nvjpeg")) return library("TPU340", "nvJPEG");
  if (starts("cutensor")) return library("TPU340", "cuTENSOR");
  if (starts("npp")) return library("TPU340", "NPP");
  if (starts("nvToolsExt") || starts("nvtx3/")) return library("TPU340", "NVTX");
  if (starts("ATen/cuda/CUDABlas") || starts("ATen/cuda/CUDASparse")) return library("TPU340", "cuBLAS");
  // `cuda_…` and `cuda/…` are the toolkit's only when angled: a project's "cuda_utils.h" is not.
  bool toolkit_name = header == "cuda_runtime.h" || header == "cuda_runtime_api.h" || header == "cuda_fp16.h" ||
                      header == "cuda_bf16.h" || header == "cuda_fp8.h" || header == "cuda_fp16.hpp" ||
                      header == "cuda_bf16.hpp" || header == "cuda_pipeline.h" || header == "cuda_occupancy.h" ||
                      header == "cuda_profiler_api.h" || header == "cuda_device_runtime_api.h";
  if ((angled && (starts("cuda/") || starts("cuda_"))) || toolkit_name || header == "cuda.h" ||
      starts("ATen/cuda/") || starts("ATen/native/cuda/") || starts("c10/cuda/") ||
      starts("torch/csrc/cuda/") || header == "torch/cuda.h" || starts("cooperative_groups") ||
      header == "device_launch_parameters.h" || header == "device_functions.h" ||
      header == "mma.h" || header == "vector_types.h" || header == "driver_types.h" ||
      header == "crt/host_defines.h" || header == "builtin_types.h" || header == "cuComplex.h" ||
      header == "ATen/CUDAGeneratorImpl.h" || header == "ATen/native/cuda/KernelUtils.cuh")
    return ApiMatch{"TPU320", RefKind::Macro, Strength::Strong, {}};
  return std::nullopt;
}

bool is_device_marker(std::string_view word) {
  if (word == "__device__" || word == "__global__" || word == "C10_DEVICE" ||
      word == "C10_HOST_DEVICE" || word == "GPU_LAMBDA")
    return true;
  // Project macros that spell `__host__ __device__` (HOST_DEVICE_INLINE, CUDA_HOSTDEV…):
  // upper-case names that say DEVICE or HOSTDEV.
  if (word.size() < 6) return false;
  for (char c : word)
    if (!(is_upper(c) || c == '_' || (c >= '0' && c <= '9'))) return false;
  return word.find("DEVICE") != std::string_view::npos || word.find("HOSTDEV") != std::string_view::npos;
}

bool is_host_marker(std::string_view word) {
  return word == "__host__" || word == "C10_HOST" || word == "C10_HOST_DEVICE" || word == "GPU_LAMBDA" ||
         word.find("HOST_DEVICE") != std::string_view::npos || word.find("HOSTDEV") != std::string_view::npos;
}

}  // namespace tpu::cpp
