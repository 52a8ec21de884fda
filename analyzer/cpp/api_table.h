// SPDX-License-Identifier: Apache-2.0
// The one table of CUDA-specific names (HIPIFY's idea: one table drives matching and the
// docs). Each name maps to the rule that reports it; names the table does not list are
// still caught by family prefixes (`cublas…`, `CUDNN_…`, `cuda…`) and by namespaces
// (`cub::`, `thrust::`, `cutlass::`).
#pragma once

#include <optional>
#include <string_view>

namespace tpu::cpp {

enum class RefKind : uint8_t { Function, Type, Constant, Macro, Keyword, Namespace, Method };

/// Whether a name means CUDA wherever it appears (`__syncthreads`) or only inside device code
/// (`atomicAdd`, `warpSize`: a host function or variable may carry the same name).
enum class Strength : uint8_t { Strong, DeviceOnly };

struct ApiMatch {
  std::string_view rule;  ///< rule code, e.g. "TPU321"
  RefKind kind;
  Strength strength = Strength::Strong;
  std::string_view library;  ///< "cuBLAS", "CUB", … for library rules; empty otherwise
  bool exact = true;         ///< listed by name (false: matched by a family prefix or namespace shape)
};

/// Looks up a qualified name as written, split into its components (`{"at","cuda","getCurrentCUDAStream"}`).
/// `is_call` tells whether the name is followed by `(`; `member` whether it follows `.`/`->`;
/// `namespace_context` whether a lone name stands where only a namespace can
/// (`using namespace cub;`, `namespace cg = cooperative_groups;`).
std::optional<ApiMatch> match_name(const std::string_view* components, size_t count, bool is_call,
                                   bool member, bool namespace_context = false);

/// The rule for an #include of `header` (`cuda_runtime.h`, `cub/cub.cuh`), if it is a CUDA one.
/// A quoted include (`"cuda_utils.h"`) only counts for the toolkit's own header names.
std::optional<ApiMatch> match_include(std::string_view header, bool angled = true);

/// True for the names that mark a declaration as device code (`__device__`, `C10_HOST_DEVICE`,
/// `GPU_LAMBDA`, and project macros such as `HOST_DEVICE_INLINE`).
bool is_device_marker(std::string_view word);
bool is_host_marker(std::string_view word);

}  // namespace tpu::cpp
