// SPDX-License-Identifier: Apache-2.0
// `--input float32[8,3,224,224]` / `int64[8,32]:0:65`: a forward input, made of random values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <torch/torch.h>

namespace tpu::torchscript {

/// Parses a spec and draws a tensor: normal floats; integers uniform in [low, high) (default
/// [0, 10)); bools half true. nullopt with `error` set on a malformed spec.
std::optional<torch::Tensor> make_input(std::string_view spec, std::string* error);

/// "float32" -> kFloat ... (the names Python prints, without "torch."); nullopt when unknown.
std::optional<c10::ScalarType> dtype_from_name(std::string_view name);
/// kFloat -> "float32" (the inverse, also used for sample files and the part JSON).
std::string dtype_name(c10::ScalarType type);

}  // namespace tpu::torchscript
