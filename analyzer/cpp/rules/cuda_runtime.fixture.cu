// cuda-runtime-cpp fixture: CUDA and ATen/c10 CUDA headers, memory, streams, devices,
// error checks, THC, tensor device checks and runtime types.
#include <cuda_runtime.h>  // expect: TPU320
#include <ATen/cuda/CUDAContext.h>  // expect: TPU320
#include <c10/cuda/CUDAGuard.h>  // expect: TPU320
#include <THC/THC.h>  // expect: TPU325
#include <ATen/ATen.h>
#include "cuda_helpers.h"

#define CHECK_INPUT(x) TORCH_CHECK(x.is_cuda(), #x " must be a CUDA tensor")  // expect: TPU327
#define CHECK_CONTIGUOUS(x) TORCH_CHECK(x.is_contiguous(), #x " must be contiguous")
#define CHECK_CUDA_TENSOR(x) CHECK_INPUT(x); CHECK_CONTIGUOUS(x)  // expect: TPU327

// Build guards: a CUDA build's switches count; include guards and other platforms' do not.
#ifndef EXT_CUDA_HELPERS_H
#define EXT_CUDA_HELPERS_H
#endif
#ifdef WITH_CUDA  // expect: TPU329
int cuda_build = 1;
#elif defined(WITH_MLU)
int mlu_build = 1;
#endif
#if defined(MMCV_WITH_CUDA) && CUDA_VERSION >= 11000  // expect: TPU329
int recent_toolkit = 1;
#endif
#ifdef USE_ROCM
void rocm_copy(void* p) { cudaMalloc(&p, 16); }
#endif
#ifdef WITH_PARROTS
int parrots_build = 1;
#endif

at::Tensor copy_to_device(const at::Tensor& host, float* scratch) {
  TORCH_CHECK(!host.is_cuda(), "host tensor expected");  // expect: TPU327
  CHECK_CUDA_TENSOR(host);  // expect: TPU327
  CHECK_CONTIGUOUS(host);
  const c10::cuda::CUDAGuard guard(host.device().index());  // expect: TPU323
  float* device = nullptr;
  size_t bytes = host.numel() * sizeof(float);
  AT_CUDA_CHECK(cudaMalloc(&device, bytes));  // expect: TPU321, TPU324
  cudaMemcpy(device, host.data_ptr<float>(), bytes, cudaMemcpyHostToDevice);  // expect: TPU321, TPU328
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();  // expect: TPU322, TPU328
  cudaStream_t wrapped = ext_getCurrentCUDAStream();  // expect: TPU322, TPU328
  (void)wrapped;
  cudaEvent_t done;  // expect: TPU328
  cudaEventCreate(&done);  // expect: TPU322
  cudaEventRecord(done, stream);  // expect: TPU322
  cudaStreamSynchronize(stream);  // expect: TPU322
  int sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;  // expect: TPU323
  cudaFuncSetCacheConfig(copy_to_device, cudaFuncCachePreferL1);  // expect: TPU323, TPU328
  cudaDeviceSetSharedMemConfig(cudaSharedMemBankSizeEightByte);  // expect: TPU326, TPU328
  C10_CUDA_CHECK(cudaGetLastError());  // expect: TPU324, TPU324
  THCudaCheck(cudaFree(device));  // expect: TPU321, TPU325
  STD_CUDA_KERNEL_LAUNCH_CHECK();  // expect: TPU324
  auto options = host.options().device(at::kCUDA);  // expect: TPU327
  bool on_gpu = host.device().type() == torch::kCUDA;  // expect: TPU327
  (void)on_gpu;
  (void)sms;
  (void)scratch;
  return at::empty({1}, options).cuda();  // expect: TPU327
}

// Negative cases: a variable named like the runtime, text in strings and comments.
int cuda_stream_count = 0;
const char* kHelp = "call cudaMalloc and cudaMemcpy";  // cudaMalloc in a comment
void use_helpers() { cuda_stream_count += 1; }
