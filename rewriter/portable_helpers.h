// SPDX-License-Identifier: Apache-2.0
// The portable style's helpers: small functions inserted once per module that pick the TPU
// when the target's runtime is there (TorchTPU: torch.tpu is available; PyTorch/XLA: torch_xla
// imports), else CUDA when available, else the CPU. Rewritten code calls them (`_tpu_device()`),
// so one source runs on all three. Each target has its own table of helpers under the same names.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::rewriter {

/// True when `name` ("device", "synchronize", …) is a helper of `target` ("torchtpu" or "xla").
bool is_portable_helper(std::string_view name, std::string_view target);

/// The Python function name of a helper: "device" -> "_tpu_device".
std::string helper_function(std::string_view name);

/// The block to insert for `wanted` helpers (and what they depend on), leaving out those
/// already `defined` in the module (by function name). Empty when nothing is missing.
/// The block is fenced by `# tpu-migrate: ignore-begin/end` so that a later scan does not
/// report the CUDA calls inside it.
std::string render_helpers(const std::set<std::string>& wanted, const std::set<std::string>& defined,
                           std::string_view target);

/// The same helpers without the fence and the blank lines before it: what joins a module's
/// existing block. Empty when nothing is missing.
std::string render_helper_functions(const std::set<std::string>& wanted, const std::set<std::string>& defined,
                                    std::string_view target);

/// Where a module's helper block (as render_helpers writes it) ends.
struct HelperBlock {
  bool found = false;
  uint32_t end_fence = 0;  ///< offset of the `# tpu-migrate: ignore-end` line
};
HelperBlock find_helper_block(std::string_view text);

}  // namespace tpu::rewriter
