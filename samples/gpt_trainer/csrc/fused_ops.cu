// Fused CUDA kernels: row-wise RMSNorm and a global sum-of-squares reduction
// (used for gradient-norm monitoring without one kernel launch per torch op).
#include <ATen/ATen.h>
#include <ATen/AccumulateType.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda.h>
#include <cuda_runtime.h>

#include <algorithm>

#include "fused_ops.h"

namespace {

constexpr int kWarpSize = 32;
constexpr int kMaxThreads = 1024;

template <typename T>
__device__ __forceinline__ T warp_reduce_sum(T val) {
#pragma unroll
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
    val += __shfl_down_sync(0xffffffff, val, offset);
  }
  return val;
}

// Block-wide sum. The result is only valid in thread 0.
template <typename T>
__device__ __forceinline__ T block_reduce_sum(T val) {
  __shared__ T warp_sums[kMaxThreads / kWarpSize];
  const int lane = threadIdx.x % kWarpSize;
  const int warp = threadIdx.x / kWarpSize;

  val = warp_reduce_sum(val);
  if (lane == 0) {
    warp_sums[warp] = val;
  }
  __syncthreads();

  const int num_warps = (blockDim.x + kWarpSize - 1) / kWarpSize;
  val = (threadIdx.x < num_warps) ? warp_sums[lane] : T(0);
  if (warp == 0) {
    val = warp_reduce_sum(val);
  }
  return val;
}

// One block per row: y = x * rsqrt(mean(x^2) + eps) * weight.
template <typename scalar_t>
__global__ void rms_norm_kernel(const scalar_t* __restrict__ x,
                                const scalar_t* __restrict__ weight,
                                scalar_t* __restrict__ out,
                                int64_t hidden,
                                float eps) {
  using acc_t = at::acc_type<scalar_t, /*is_cuda=*/true>;
  const scalar_t* x_row = x + blockIdx.x * hidden;
  scalar_t* out_row = out + blockIdx.x * hidden;

  acc_t sum_sq = 0;
  for (int64_t i = threadIdx.x; i < hidden; i += blockDim.x) {
    const acc_t v = static_cast<acc_t>(x_row[i]);
    sum_sq += v * v;
  }
  sum_sq = block_reduce_sum(sum_sq);

  __shared__ acc_t inv_rms;
  if (threadIdx.x == 0) {
    inv_rms = rsqrt(sum_sq / static_cast<acc_t>(hidden) + static_cast<acc_t>(eps));
  }
  __syncthreads();

  for (int64_t i = threadIdx.x; i < hidden; i += blockDim.x) {
    out_row[i] = static_cast<scalar_t>(static_cast<acc_t>(x_row[i]) * inv_rms *
                                       static_cast<acc_t>(weight[i]));
  }
}

// Grid-stride partial sums of x^2, reduced per block and then atomically
// accumulated into a single scalar.
template <typename scalar_t, typename acc_t>
__global__ void sq_norm_kernel(const scalar_t* __restrict__ x, acc_t* __restrict__ out, int64_t n) {
  acc_t local = 0;
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const acc_t v = static_cast<acc_t>(x[i]);
    local += v * v;
  }
  local = block_reduce_sum(local);
  if (threadIdx.x == 0) {
    atomicAdd(out, local);
  }
}

int threads_for(int64_t n) {
  const int64_t rounded = ((n + kWarpSize - 1) / kWarpSize) * kWarpSize;
  return static_cast<int>(std::min<int64_t>(kMaxThreads, std::max<int64_t>(kWarpSize, rounded)));
}

}  // namespace

at::Tensor rms_norm_cuda(const at::Tensor& x, const at::Tensor& weight, double eps) {
  TORCH_CHECK(x.is_cuda() && weight.is_cuda(), "rms_norm_cuda: inputs must be CUDA tensors");
  TORCH_CHECK(x.is_contiguous(), "rms_norm_cuda: x must be contiguous");
  const at::cuda::OptionalCUDAGuard device_guard(device_of(x));

  auto out = at::empty_like(x);
  const int64_t hidden = x.size(-1);
  const int64_t rows = x.numel() / hidden;
  const dim3 blocks(static_cast<unsigned int>(rows));
  const dim3 threads(threads_for(hidden));
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();

  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "rms_norm_cuda", [&] {
    rms_norm_kernel<scalar_t><<<blocks, threads, 0, stream>>>(
        x.data_ptr<scalar_t>(), weight.contiguous().data_ptr<scalar_t>(),
        out.data_ptr<scalar_t>(), hidden, static_cast<float>(eps));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}

at::Tensor sq_norm_cuda(const at::Tensor& x) {
  TORCH_CHECK(x.is_cuda(), "sq_norm_cuda: input must be a CUDA tensor");
  const at::cuda::OptionalCUDAGuard device_guard(device_of(x));
  auto input = x.contiguous();
  const int64_t n = input.numel();
  auto out = at::zeros({1}, input.options());
  if (n == 0) {
    return out;
  }

  const int threads = 256;
  const int max_blocks = at::cuda::getCurrentDeviceProperties()->multiProcessorCount * 4;
  const int blocks = static_cast<int>(std::min<int64_t>(max_blocks, (n + threads - 1) / threads));
  cudaStream_t stream = at::cuda::getCurrentCUDAStream();

  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "sq_norm_cuda", [&] {
    sq_norm_kernel<scalar_t, scalar_t><<<blocks, threads, 0, stream>>>(
        input.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), n);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}
