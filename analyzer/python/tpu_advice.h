// SPDX-License-Identifier: Apache-2.0
// The TPU replacement for a CUDA-side API, read from the op database's CUDA API → TPU map,
// so that scan messages, `explain` and the rewriter all quote one table.
#pragma once

#include <string>
#include <string_view>

namespace tpu::python {

/// " TorchTPU: …. PyTorch/XLA: …." for a qualified API such as "torch.cuda.synchronize" (with a
/// leading space), the chosen `target`'s way first (TorchTPU's for targets other than the two
/// TPU ones); the other's only where it differs. Empty when the map has no entry.
std::string tpu_advice(std::string_view qualified_api, std::string_view target);

}  // namespace tpu::python
