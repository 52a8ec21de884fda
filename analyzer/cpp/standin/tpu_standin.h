// SPDX-License-Identifier: Apache-2.0
// The fast mode's stand-in for the CUDA, C++ standard library and torch headers. Fast mode
// reads no header at all: this file, precompiled once per scan, is all the parser knows.
// It declares just enough for the *structure* of extension sources to parse (kernels,
// launches, device lambdas, dispatch macros, bindings); findings themselves come from the
// tokens, so what is missing here costs a few recovered errors, never a finding.
// Written for tpu-migrate; the shapes follow the public CUDA / PyTorch APIs.
#pragma once

// Deep mode includes this file too when the machine lacks the CUDA toolkit or the torch
// headers: TPU_STANDIN_REAL_STD / _CUDA / _TORCH then keep the real declarations instead.

// ---- the C++ basics that every signature uses --------------------------------------------
#ifdef TPU_STANDIN_REAL_STD
#include <stddef.h>
#include <stdint.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#else
typedef decltype(sizeof(0)) size_t;
typedef decltype((int*)0 - (int*)0) ptrdiff_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int __tpu_uint32_t;
typedef unsigned long uint64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
#define NULL nullptr
#define assert(...) ((void)0)

namespace std {
using ::size_t;
using ::int64_t;
using ::int32_t;
using ::uint8_t;
using ::__tpu_uint32_t;
using ::uint64_t;
template <class T> struct remove_reference { typedef T type; };
template <class T> struct remove_reference<T&> { typedef T type; };
template <class T> struct remove_reference<T&&> { typedef T type; };
template <class T> typename remove_reference<T>::type&& move(T&& t) noexcept;
template <class T> T&& forward(typename remove_reference<T>::type& t) noexcept;
template <class T> const T& min(const T& a, const T& b);
template <class T> const T& max(const T& a, const T& b);
template <class T> T abs(T);
template <class T> T sqrt(T);
template <class T> T exp(T);
template <class T> T log(T);
template <class T> T pow(T, T);
template <class T> T ceil(T);
template <class T> T floor(T);
template <class T> T fabs(T);
class string {
 public:
  string();
  string(const char*);
  const char* c_str() const;
  size_t size() const;
};
template <class T> class vector {
 public:
  vector();
  vector(size_t n, const T& value = T());
  T& operator[](size_t);
  const T& operator[](size_t) const;
  T* data();
  size_t size() const;
  bool empty() const;
  void push_back(const T&);
  template <class... A> void emplace_back(A&&...);
  T* begin();
  T* end();
};
template <class A, class B> struct pair { A first; B second; };
template <class... T> class tuple {};
template <class T> class optional {
 public:
  optional();
  optional(const T&);
  bool has_value() const;
  T& value();
  T& operator*();
  T* operator->();
  explicit operator bool() const;
};
template <class T> class function;
template <class R, class... A> class function<R(A...)> {
 public:
  function();
  template <class F> function(F);
  R operator()(A...) const;
};
template <class T> struct numeric_limits {
  static constexpr T max() noexcept;
  static constexpr T min() noexcept;
  static constexpr T lowest() noexcept;
  static constexpr T infinity() noexcept;
  static constexpr T epsilon() noexcept;
};
}  // namespace std
#endif  // TPU_STANDIN_REAL_STD

// ---- CUDA: keywords, built-in variables, vector types, launch configuration ---------------
#ifndef TPU_STANDIN_REAL_CUDA
#ifdef __CUDA__
#define __CUDACC__ 1
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __host__ __attribute__((host))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __managed__ __attribute__((managed))
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#else
#define __global__
#define __device__
#define __host__
#define __shared__
#define __constant__
#define __managed__
#define __launch_bounds__(...)
#endif
#define __forceinline__ inline
#define __noinline__
#define __restrict__ __restrict
#define __align__(n) alignas(n)
#define __CUDACC_VER_MAJOR__ 12

struct __tpu_uint3 { unsigned int x, y, z; };
struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(__tpu_uint3 v) : x(v.x), y(v.y), z(v.z) {}
};
extern const __device__ __tpu_uint3 threadIdx;
extern const __device__ __tpu_uint3 blockIdx;
extern const __device__ dim3 blockDim;
extern const __device__ dim3 gridDim;
extern const __device__ int warpSize;

#define TPU_VEC2(T, N) struct N##1 { T x; }; struct N##2 { T x, y; };
#define TPU_VEC4(T, N) TPU_VEC2(T, N) struct N##3 { T x, y, z; }; struct N##4 { T x, y, z, w; };
TPU_VEC4(float, float)
TPU_VEC4(double, double)
TPU_VEC4(int, int)
TPU_VEC4(unsigned int, uint)
TPU_VEC4(long, long)
TPU_VEC4(char, char)
TPU_VEC4(unsigned char, uchar)
TPU_VEC4(short, short)
#undef TPU_VEC4
#undef TPU_VEC2
struct __half { unsigned short x; __host__ __device__ __half(); __host__ __device__ __half(float); __host__ __device__ operator float() const; };
struct __half2 { __half x, y; };
struct __nv_bfloat16 { unsigned short x; __host__ __device__ __nv_bfloat16(); __host__ __device__ __nv_bfloat16(float); __host__ __device__ operator float() const; };
struct __nv_bfloat162 { __nv_bfloat16 x, y; };
typedef __half half;
typedef __half2 half2;

// Runtime types and the launch configuration the parser needs for `<<<…>>>`.
typedef struct CUstream_st* cudaStream_t;
typedef struct CUevent_st* cudaEvent_t;
typedef struct cublasContext* cublasHandle_t;
typedef struct cudnnContext* cudnnHandle_t;
enum cudaError { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2 };
typedef enum cudaError cudaError_t;
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost,
                      cudaMemcpyDeviceToDevice, cudaMemcpyDefault };
struct cudaDeviceProp { char name[256]; size_t totalGlobalMem; int multiProcessorCount;
                        int maxThreadsPerBlock; int warpSize; int major; int minor;
                        size_t sharedMemPerBlock; int maxThreadsPerMultiProcessor; };
int __cudaPushCallConfiguration(dim3 grid, dim3 block, size_t shared = 0, cudaStream_t stream = 0);
cudaError_t cudaConfigureCall(dim3 grid, dim3 block, size_t shared = 0, cudaStream_t stream = 0);

// Device intrinsics: generic enough to accept what real code passes.
__device__ void __syncthreads();
__device__ int __syncthreads_count(int);
__device__ int __syncthreads_and(int);
__device__ int __syncthreads_or(int);
__device__ void __syncwarp(unsigned int mask = 0xffffffffu);
__device__ void __threadfence();
__device__ void __threadfence_block();
__device__ void __threadfence_system();
template <class T> __device__ T __shfl_sync(unsigned int mask, T v, int lane, int width = 32);
template <class T> __device__ T __shfl_up_sync(unsigned int mask, T v, unsigned int d, int width = 32);
template <class T> __device__ T __shfl_down_sync(unsigned int mask, T v, unsigned int d, int width = 32);
template <class T> __device__ T __shfl_xor_sync(unsigned int mask, T v, int m, int width = 32);
template <class T> __device__ T __shfl_down(T v, unsigned int d, int width = 32);
template <class T> __device__ T __shfl_xor(T v, int m, int width = 32);
template <class T> __device__ T __ldg(const T* p);
__device__ unsigned int __ballot_sync(unsigned int mask, int predicate);
__device__ int __any_sync(unsigned int mask, int predicate);
__device__ int __all_sync(unsigned int mask, int predicate);
__device__ unsigned int __activemask();
__device__ int __popc(unsigned int);
__device__ int __popcll(unsigned long long);
__device__ int __clz(int);
__device__ int __ffs(int);
__device__ float __expf(float);
__device__ float __logf(float);
__device__ float __fdividef(float, float);
__device__ float __frcp_rn(float);
__device__ __half __float2half(float);
__device__ float __half2float(__half);
__device__ __nv_bfloat16 __float2bfloat16(float);
__device__ float __bfloat162float(__nv_bfloat16);
__device__ long long clock64();
template <class T, class U> __device__ T atomicAdd(T* address, U value);
template <class T, class U> __device__ T atomicSub(T* address, U value);
template <class T, class U> __device__ T atomicMax(T* address, U value);
template <class T, class U> __device__ T atomicMin(T* address, U value);
template <class T, class U> __device__ T atomicExch(T* address, U value);
template <class T, class U> __device__ T atomicAnd(T* address, U value);
template <class T, class U> __device__ T atomicOr(T* address, U value);
template <class T, class U> __device__ T atomicXor(T* address, U value);
template <class T, class U, class V> __device__ T atomicCAS(T* address, U compare, V value);
template <class T> __host__ __device__ T rsqrt(T);
template <class T> __host__ __device__ T rsqrtf(T);
template <class T> __host__ __device__ T sqrtf(T);
template <class T> __host__ __device__ T expf(T);
template <class T> __host__ __device__ T logf(T);
template <class T> __host__ __device__ T fmaxf(T, T);
template <class T> __host__ __device__ T fminf(T, T);
template <class T> __host__ __device__ T fabsf(T);
template <class T> __host__ __device__ T tanhf(T);
template <class T> __host__ __device__ T sqrt(T);
template <class T> __host__ __device__ T exp(T);
template <class T> __host__ __device__ T log(T);
template <class T> __host__ __device__ T floor(T);
template <class T> __host__ __device__ T ceil(T);
template <class T> __host__ __device__ T max(T, T);
template <class T> __host__ __device__ T min(T, T);

#endif  // TPU_STANDIN_REAL_CUDA

// ---- c10 / ATen / torch: the types and macros that shape extension code ------------------
#ifndef TPU_STANDIN_REAL_TORCH
typedef struct CUstream_st* cudaStream_t;  // as the CUDA headers declare them, so both can be seen
typedef struct cublasContext* cublasHandle_t;
struct cudaDeviceProp;
namespace c10 {
enum class ScalarType : int8_t { Byte, Char, Short, Int, Long, Half, Float, Double, BFloat16, Bool };
enum class DeviceType : int8_t { CPU = 0, CUDA = 1, XLA = 9, PrivateUse1 = 19 };
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
struct Half { unsigned short x; Half(); Half(float); operator float() const; };
struct BFloat16 { unsigned short x; BFloat16(); BFloat16(float); operator float() const; };
struct Device {
  Device(DeviceType type, int index = -1);
  DeviceType type() const;
  int index() const;
  bool is_cuda() const;
  bool is_cpu() const;
};
template <class T> class ArrayRef {
 public:
  ArrayRef();
  template <class... A> ArrayRef(A...);
  size_t size() const;
  const T& operator[](size_t) const;
  const T* begin() const;
  const T* end() const;
};
typedef ArrayRef<int64_t> IntArrayRef;
template <class T> using optional = std::optional<T>;
struct Scalar { Scalar(); Scalar(double); Scalar(int64_t); template <class T> T to() const; };
struct TensorOptions {
  TensorOptions();
  TensorOptions dtype(ScalarType) const;
  TensorOptions device(Device) const;
  TensorOptions requires_grad(bool) const;
};
struct DispatchKeySet {};
template <class T> struct TensorAccessorBase {
  TensorAccessorBase();
  template <class I> TensorAccessorBase operator[](I) const;
  operator T&() const;
  int64_t size(int64_t) const;
  TensorAccessorBase& operator=(const T&);
};
}  // namespace c10

namespace at {
using namespace c10;
template <class T, size_t N, template <class> class P = std::remove_reference, class I = int64_t>
class GenericPackedTensorAccessor : public TensorAccessorBase<T> {};
template <class T, size_t N, template <class> class P = std::remove_reference>
using PackedTensorAccessor32 = GenericPackedTensorAccessor<T, N, P, int32_t>;
template <class T, size_t N, template <class> class P = std::remove_reference>
using PackedTensorAccessor64 = GenericPackedTensorAccessor<T, N, P, int64_t>;
template <class T, size_t N> class TensorAccessor : public TensorAccessorBase<T> {};
template <class T> struct RestrictPtrTraits { typedef T* __restrict type; };
template <class T> struct DefaultPtrTraits { typedef T* type; };
class Tensor {
 public:
  Tensor();
  int64_t size(int64_t dim) const;
  IntArrayRef sizes() const;
  int64_t stride(int64_t dim) const;
  IntArrayRef strides() const;
  int64_t numel() const;
  int64_t dim() const;
  int64_t ndimension() const;
  bool defined() const;
  bool is_cuda() const;
  bool is_cpu() const;
  bool is_contiguous() const;
  bool requires_grad() const;
  Device device() const;
  ScalarType scalar_type() const;
  TensorOptions options() const;
  ScalarType dtype() const;
  template <class T = void> T* data_ptr() const;
  template <class T = void> T* mutable_data_ptr() const;
  template <class T = void> const T* const_data_ptr() const;
  template <class T> T item() const;
  Scalar item() const;
  template <class T, size_t N> TensorAccessor<T, N> accessor() const;
  template <class T, size_t N, template <class> class P = DefaultPtrTraits>
  PackedTensorAccessor32<T, N, P> packed_accessor32() const;
  template <class T, size_t N, template <class> class P = DefaultPtrTraits>
  PackedTensorAccessor64<T, N, P> packed_accessor64() const;
  template <class... A> Tensor contiguous(A...) const;
  template <class... A> Tensor to(A...) const;
  template <class... A> Tensor view(A...) const;
  template <class... A> Tensor reshape(A...) const;
  template <class... A> Tensor select(A...) const;
  template <class... A> Tensor narrow(A...) const;
  template <class... A> Tensor slice(A...) const;
  template <class... A> Tensor index_select(A...) const;
  template <class... A> Tensor transpose(A...) const;
  template <class... A> Tensor permute(A...) const;
  template <class... A> Tensor expand(A...) const;
  template <class... A> Tensor unsqueeze(A...) const;
  template <class... A> Tensor squeeze(A...) const;
  template <class... A> Tensor sum(A...) const;
  template <class... A> Tensor mean(A...) const;
  template <class... A> Tensor add(A...) const;
  template <class... A> Tensor mul(A...) const;
  template <class... A> Tensor div(A...) const;
  template <class... A> Tensor matmul(A...) const;
  template <class... A> Tensor clone(A...) const;
  template <class... A> Tensor& copy_(A...);
  template <class... A> Tensor& zero_(A...);
  template <class... A> Tensor& fill_(A...);
  template <class... A> Tensor& resize_(A...);
  template <class... A> Tensor cpu(A...) const;
  template <class... A> Tensor cuda(A...) const;
  template <class... A> Tensor type_as(A...) const;
  template <class... A> Tensor& operator+=(A...);
  template <class... A> Tensor& operator-=(A...);
  template <class... A> Tensor& operator*=(A...);
  template <class... A> Tensor& operator/=(A...);
  template <class... A> Tensor operator[](A...) const;
};
Tensor operator+(const Tensor&, const Tensor&);
Tensor operator-(const Tensor&, const Tensor&);
Tensor operator*(const Tensor&, const Tensor&);
Tensor operator/(const Tensor&, const Tensor&);
template <class... A> Tensor empty(A...);
template <class... A> Tensor empty_like(A...);
template <class... A> Tensor zeros(A...);
template <class... A> Tensor zeros_like(A...);
template <class... A> Tensor ones(A...);
template <class... A> Tensor ones_like(A...);
template <class... A> Tensor full(A...);
template <class... A> Tensor arange(A...);
template <class... A> Tensor cat(A...);
template <class... A> Tensor stack(A...);
template <class... A> Tensor matmul(A...);
template <class... A> Device device_of(A...);
template <class F> void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f);
template <class T, bool is_cuda> struct acc_type_helper { typedef T type; };
template <class T, bool is_cuda> using acc_type = typename acc_type_helper<T, is_cuda>::type;
constexpr ScalarType kByte = ScalarType::Byte;
constexpr ScalarType kChar = ScalarType::Char;
constexpr ScalarType kInt = ScalarType::Int;
constexpr ScalarType kLong = ScalarType::Long;
constexpr ScalarType kHalf = ScalarType::Half;
constexpr ScalarType kFloat = ScalarType::Float;
constexpr ScalarType kDouble = ScalarType::Double;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kBool = ScalarType::Bool;
inline int64_t ceil_div(int64_t a, int64_t b);
namespace cuda {
cudaStream_t getCurrentCUDAStream(int device = -1);
cudaStream_t getDefaultCUDAStream(int device = -1);
cudaStream_t getStreamFromPool(bool high_priority = false, int device = -1);
cudaDeviceProp* getCurrentDeviceProperties();
cudaDeviceProp* getDeviceProperties(int device);
cublasHandle_t getCurrentCUDABlasHandle();
int current_device();
struct CUDAGuard { explicit CUDAGuard(int); explicit CUDAGuard(Device); };
struct OptionalCUDAGuard { OptionalCUDAGuard(); explicit OptionalCUDAGuard(Device); template <class T> explicit OptionalCUDAGuard(optional<T>); };
struct CUDAStreamGuard { template <class T> explicit CUDAStreamGuard(T); };
template <class T> struct CUDAEvent { CUDAEvent(); };
inline int64_t ATenCeilDiv(int64_t a, int64_t b);
}  // namespace cuda
namespace native {}
}  // namespace at
namespace c10 {
namespace cuda {
using at::cuda::CUDAGuard;
using at::cuda::OptionalCUDAGuard;
using at::cuda::CUDAStreamGuard;
using at::cuda::getCurrentCUDAStream;
struct CUDAStream { operator cudaStream_t() const; cudaStream_t stream() const; };
}  // namespace cuda
}  // namespace c10
namespace torch {
using namespace at;
using at::Tensor;
namespace autograd {
struct AutogradContext {
  template <class... A> void save_for_backward(A...);
  std::vector<at::Tensor> get_saved_variables() const;
  template <class... A> void mark_non_differentiable(A...);
};
template <class T> struct Function {
  template <class... A> static std::vector<at::Tensor> apply(A...);
};
typedef std::vector<at::Tensor> variable_list;
}  // namespace autograd
class Library {
 public:
  template <class... A> Library& def(A&&...);
  template <class... A> Library& impl(A&&...);
};
template <class F> struct CppFunctionHolder { CppFunctionHolder(F); };
}  // namespace torch

namespace pybind11 {
class object {};
class module_ {
 public:
  template <class... A> module_& def(A&&...);
  template <class... A> module_& attr(A&&...);
  module_ def_submodule(const char*, const char* = nullptr);
  object doc();
};
typedef module_ module;
struct arg { arg(const char*); template <class T> arg& operator=(T); arg& noconvert(bool = true); };
template <class T, class... O> class class_ {
 public:
  template <class... A> class_(A&&...);
  template <class... A> class_& def(A&&...);
  template <class... A> class_& def_readwrite(A&&...);
  template <class... A> class_& def_readonly(A&&...);
  template <class... A> class_& def_property(A&&...);
  template <class... A> class_& def_static(A&&...);
};
template <class... T> struct init {};
struct return_value_policy { static const int reference; static const int move; };
}  // namespace pybind11
namespace py = pybind11;

// Error checks: keep their argument expressions visible to the parser. (Project conventions
// such as CHECK_CUDA or GET_BLOCKS are left out: projects define them, often as functions.)
#define TORCH_CHECK(cond, ...) ((void)(cond))
#define TORCH_INTERNAL_ASSERT(cond, ...) ((void)(cond))
#define TORCH_WARN(...) ((void)0)
#define AT_ASSERT(cond, ...) ((void)(cond))
#define AT_ASSERTM(cond, ...) ((void)(cond))
#define AT_ERROR(...) ((void)0)
#define C10_CUDA_CHECK(expr) ((void)(expr))
#define AT_CUDA_CHECK(expr) ((void)(expr))
#define C10_CUDA_KERNEL_LAUNCH_CHECK() ((void)0)
#define C10_CUDA_CHECK_WARN(expr) ((void)(expr))
#define THCudaCheck(expr) ((void)(expr))
#define C10_HOST_DEVICE __host__ __device__
#define C10_DEVICE __device__
#define C10_HOST __host__
#define C10_WARP_SIZE 32
#define C10_LAUNCH_BOUNDS_0 __launch_bounds__(256, 4)
#define C10_LAUNCH_BOUNDS_1(max_threads) __launch_bounds__(max_threads)
#define C10_LAUNCH_BOUNDS_2(max_threads, min_blocks) __launch_bounds__(max_threads, min_blocks)
#define C10_UNUSED
#define C10_LIKELY(x) (x)
#define C10_UNLIKELY(x) (x)
#define C10_RESTRICT __restrict
#define TORCH_API
#define TORCH_FN(f) f
#define TORCH_SELECTIVE_NAME(n) n
#define TORCH_SELECTIVE_SCHEMA(s) s
#define TORCH_EXTENSION_NAME torch_extension

// Kernel loops: expand to the loop they stand for, so the body stays in its function.
#define CUDA_KERNEL_LOOP_TYPE(i, n, index_type)                                            \
  for (index_type i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)
#define CUDA_KERNEL_LOOP(i, n) CUDA_KERNEL_LOOP_TYPE(i, n, int)
#define CUDA_1D_KERNEL_LOOP(i, n) CUDA_KERNEL_LOOP_TYPE(i, n, int)
#define CUDA_1D_KERNEL_LOOP_T(i, n, index_type) CUDA_KERNEL_LOOP_TYPE(i, n, index_type)

// Dispatch macros: call the lambda once with `scalar_t` bound, as the real ones do.
#define AT_PRIVATE_CASE_TPU(T, ...) [&] { using scalar_t = T; return __VA_ARGS__(); }()
#define AT_DISPATCH_FLOATING_TYPES(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_FLOATING_TYPES_AND_HALF(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_FLOATING_TYPES_AND(X, TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_FLOATING_TYPES_AND2(X, Y, TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_FLOATING_TYPES_AND3(X, Y, Z, TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_ALL_TYPES(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_ALL_TYPES_AND(X, TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_ALL_TYPES_AND2(X, Y, TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_ALL_TYPES_AND_HALF(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_INTEGRAL_TYPES(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(int, __VA_ARGS__)
#define AT_DISPATCH_INDEX_TYPES(TYPE, NAME, ...) [&] { using index_t = int64_t; return __VA_ARGS__(); }()
#define AT_DISPATCH_REDUCED_FLOATING_TYPES(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_FLOATING_AND_COMPLEX_TYPES(TYPE, NAME, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__)
#define AT_DISPATCH_SWITCH(TYPE, NAME, ...) [&] { __VA_ARGS__; }()
#define AT_DISPATCH_CASE(ENUM, ...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__);
#define AT_DISPATCH_CASE_FLOATING_TYPES(...) AT_PRIVATE_CASE_TPU(float, __VA_ARGS__);

// Bindings: each becomes a function over its module object, as the real macros do.
#define PYBIND11_MODULE(name, variable) void tpu_pybind11_module_##name(pybind11::module_& variable)
#define TORCH_LIBRARY(ns, m) void tpu_torch_library_##ns(torch::Library& m)
#define TORCH_LIBRARY_FRAGMENT(ns, m) void tpu_torch_library_fragment_##ns(torch::Library& m)
#define TORCH_LIBRARY_IMPL(ns, k, m) void tpu_torch_library_impl_##ns##_##k(torch::Library& m)
#endif  // TPU_STANDIN_REAL_TORCH
