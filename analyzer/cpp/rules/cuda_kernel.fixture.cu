// cuda-kernel fixture: kernels, device functions, launches and device-code references.
// Markers list every finding of a line; unmarked lines must have none.
#include <torch/extension.h>

#define HOST_DEVICE __host__ __device__
#define LAUNCH_ON(kernel, n) kernel<<<(n + 255) / 256, 256>>>(n)  // expect: TPU302
// A grid-stride loop macro is known by its shape, whatever its name; a host loop is not one.
#define STRIDED(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += gridDim.x)  // expect: TPU308, TPU303, TPU303, TPU303, TPU303
#define SERIAL_LOOP(i, n) for (int i = 0; i < (n); ++i)
#define LINEAR_INDEX(b) (blockIdx.x * (b))  // expect: TPU303

__constant__ float kScale[4];  // expect: TPU309

HOST_DEVICE inline float clamp01(float v) { return v < 0.f ? 0.f : (v > 1.f ? 1.f : v); }  // expect: TPU301

template <typename T>
__device__ T warp_sum(T v) {  // expect: TPU301
  for (int offset = warpSize / 2; offset > 0; offset /= 2)  // expect: TPU303
    v += __shfl_down_sync(0xffffffff, v, offset);  // expect: TPU306
  return v;
}

// Tensor-core fragments: one warp's 16x16 tile product on the MMA units.
__device__ void mma_tile(nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 16, float>& acc,  // expect: TPU301, TPU312, TPU312
                         const nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, half, nvcuda::wmma::row_major>& a,  // expect: TPU312, TPU312, TPU312
                         const nvcuda::wmma::fragment<nvcuda::wmma::matrix_b, 16, 16, 16, half, nvcuda::wmma::col_major>& b) {  // expect: TPU312, TPU312, TPU312
  nvcuda::wmma::mma_sync(acc, a, b, acc);  // expect: TPU312
}

template <typename scalar_t>
__global__ void scale_kernel(scalar_t* x, int n) {  // expect: TPU300
  __shared__ float tile[256];  // expect: TPU304
  int i = blockIdx.x * blockDim.x + threadIdx.x;  // expect: TPU303, TPU303, TPU303
  tile[threadIdx.x] = i < n ? x[i] : 0;  // expect: TPU303
  __syncthreads();  // expect: TPU305
  if (i < n) x[i] = tile[threadIdx.x] * kScale[0];  // expect: TPU303
}

__global__ void count_kernel(int n) {  // expect: TPU300
  STRIDED(k, n) { kScale[0] += k; }  // expect: TPU308
  SERIAL_LOOP(k, 4) { kScale[k] *= 2.f; }
  CUDA_KERNEL_LOOP(i, n) {  // expect: TPU308
    float f = __expf(static_cast<float>(i));  // expect: TPU310
    atomicAdd(&kScale[0], clamp01(f));  // expect: TPU307
    unsigned lane;
    asm volatile("mov.u32 %0, %%laneid;" : "=r"(lane));  // expect: TPU311
  }
}

// The attribute on its own line: the definition's finding stands where `__global__` is.
__global__ void __launch_bounds__(256)  // expect: TPU300
    bounded_kernel(float* x) {
  x[threadIdx.x] = 0.f;  // expect: TPU303
}

// Host code: names that only mean CUDA inside device code are not references here.
int atomicAdd(int* counter, int value) { return *counter += value; }
void host_only(int* counter) {
  atomicAdd(counter, 1);
  const char* text = "threadIdx.x and __syncthreads() in a string";
  (void)text;  // threadIdx in a comment: not a reference
}

#if 0
__global__ void disabled_kernel() { __syncthreads(); }
#endif

// Another accelerator's branch is not CUDA code, even where it spells CUDA's names.
#if defined(USE_ROCM) || defined(__HIP_PLATFORM_AMD__)
__global__ void rocm_kernel() { __syncthreads(); }
#endif

void launch_all(torch::Tensor x, cudaStream_t stream) {  // expect: TPU328
  int n = x.numel();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "scale", [&] {
    scale_kernel<scalar_t><<<(n + 255) / 256, 256, 0, stream>>>(x.data_ptr<scalar_t>(), n);  // expect: TPU302
  });
  LAUNCH_ON(count_kernel, n);
  dim3 grid((n + 255) / 256), block(256);  // expect: TPU314
  count_kernel<< <grid, block, 0, stream>> >(n);  // expect: TPU302
  count_kernel  // expect: TPU302
      <<<grid, block, 0, stream>>>(n);  // expect: TPU302
  int shifted = n << 2;
  (void)shifted;
  void* args[] = {&n};
  cudaLaunchKernel((void*)count_kernel, dim3(1), dim3(32), args, 0, stream);  // expect: TPU302, TPU314, TPU314
  at::native::gpu_kernel(iter, [] GPU_LAMBDA (float a) -> float { return a * 2.f; });  // expect: TPU302, TPU313
  auto body = [=] __device__ (int j) { return j + threadIdx.y; };  // expect: TPU303, TPU313
}
