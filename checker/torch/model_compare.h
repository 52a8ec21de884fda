// SPDX-License-Identifier: Apache-2.0
// Reads a whole-model run written by the worker (reference, candidate and baseline tensors per
// module output and per gradient) and judges it layer by layer.
#pragma once

#include <filesystem>

#include "checker/check_result.h"
#include "checker/tolerances.h"

namespace tpu::checker {

/// Fills model.layers, status, first divergences and notes from the run file. Throws when the
/// file cannot be read.
void compare_model_run(const std::filesystem::path& run_file, const ToleranceTable& tolerances, ModelCheck& model);

}  // namespace tpu::checker
