// SPDX-License-Identifier: Apache-2.0
// `check --emulate tpu` rounds matmuls and convolutions as a TPU's MXU does at a precision
// setting. The two TPU targets spell those settings differently (TorchTPU:
// torch.tpu.Precision.DEFAULT / HIGH / HIGHEST; PyTorch/XLA:
// torch_xla.backends.set_mat_mul_precision('default' | 'high' | 'highest')) and both default to
// one bfloat16 pass (../shared/TARGETS.md, "Precision"). The report names the target whose
// defaults it follows and the setting, so that a reader knows what a TPU run must use to agree.
#pragma once

#include <string>
#include <string_view>

#include "checker/engine.h"

namespace tpu::checker {

/// "TorchTPU's torch.tpu.Precision.DEFAULT (one bfloat16 pass, the default)" or PyTorch/XLA's
/// spelling of `precision`, for `target` ("torchtpu" or "xla").
std::string precision_defaults(std::string_view target, Precision precision);

}  // namespace tpu::checker
