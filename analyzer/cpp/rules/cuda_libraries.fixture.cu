// cuda-libs-cpp fixture: NVIDIA library includes, calls, types and constants.
#include <cublas_v2.h>  // expect: TPU340
#include <cub/cub.cuh>  // expect: TPU340
#include <thrust/sort.h>  // expect: TPU340
#include <curand_kernel.h>  // expect: TPU340
#include <nccl.h>  // expect: TPU340
#include <cutlass/gemm/device/gemm.h>  // expect: TPU340
#include <cufft.h>  // expect: TPU340
#include <vector>

void gemm(cublasHandle_t handle, const float* a, const float* b, float* c, int n) {  // expect: TPU349
  const float one = 1.f, zero = 0.f;
  cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_T, n, n, n, &one, a, n, b, n, &zero, c, n);  // expect: TPU341, TPU349, TPU349
  at::cuda::blas::gemm<float>('n', 't', n, n, n, one, a, n, b, n, zero, c, n);  // expect: TPU341
}

// Library version guards and the math libraries' data types; ATen's handle getter is the runtime.
#if defined(CUBLAS_VERSION) && CUBLAS_VERSION >= 11000  // expect: TPU349
void gemm_ex(const float* a, float* c, int n) {
  cublasHandle_t handle = at::cuda::getCurrentCUDABlasHandle();  // expect: TPU349, TPU326
  cudaDataType_t type = CUDA_R_32F;  // expect: TPU349, TPU349
  cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, nullptr, a, type, n, a, type, n, nullptr, c, type, n,  // expect: TPU341, TPU349, TPU349
               CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);  // expect: TPU349, TPU349
}
#endif
#if BLAS_VERSION >= 3
int reference_blas = 1;
#endif

__global__ void block_sum(const float* in, float* out) {  // expect: TPU300
  typedef cub::BlockReduce<float, 128> BlockReduce;  // expect: TPU343
  __shared__ typename BlockReduce::TempStorage storage;  // expect: TPU304
  float total = BlockReduce(storage).Sum(in[threadIdx.x]);  // expect: TPU303
  if (threadIdx.x == 0) *out = total;  // expect: TPU303
}

__global__ void noise(float* x, unsigned long long seed) {  // expect: TPU300
  curandStatePhilox4_32_10_t state;  // expect: TPU349
  curand_init(seed, threadIdx.x, 0, &state);  // expect: TPU303, TPU345
  x[threadIdx.x] = curand_uniform(&state);  // expect: TPU303, TPU345
}

void host_side(float* keys, int n, ncclComm_t comm, cudaStream_t stream) {  // expect: TPU328, TPU349
  thrust::sort(thrust::cuda::par.on(stream), keys, keys + n);  // expect: TPU344, TPU344
  ncclAllReduce(keys, keys, n, ncclFloat, ncclSum, comm, stream);  // expect: TPU346, TPU349, TPU349
  size_t bytes = 0;
  cub::DeviceReduce::Sum(nullptr, bytes, keys, keys, n, stream);  // expect: TPU343
  cudnnHandle_t dnn;  // expect: TPU349
  if (cudnnCreate(&dnn) != CUDNN_STATUS_SUCCESS) return;  // expect: TPU342, TPU349
  cufftHandle plan;  // expect: TPU349
  cufftPlan1d(&plan, n, CUFFT_C2C, 1);  // expect: TPU348, TPU349
  using Gemm = cutlass::gemm::device::Gemm<float, cutlass::layout::RowMajor, float,  // expect: TPU347, TPU347
                                           cutlass::layout::RowMajor, float, cutlass::layout::RowMajor>;  // expect: TPU347, TPU347
  std::vector<float> cublas_like_name(4);  // a user name that only looks like a library
}
