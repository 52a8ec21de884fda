// SPDX-License-Identifier: Apache-2.0
// The TPU replacement for a CUDA-side API, read from the op database's CUDA API → TPU map,
// so that scan messages, `explain` and the rewriter all quote one table.
#pragma once

#include <string>
#include <string_view>

namespace tpu::python {

/// " PyTorch/XLA: …; TorchTPU: …" for a qualified API such as "torch.cuda.synchronize"
/// (with a leading space), or an empty string when the map has no entry.
std::string tpu_advice(std::string_view qualified_api);

}  // namespace tpu::python
