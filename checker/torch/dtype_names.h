// SPDX-License-Identifier: Apache-2.0
// Names of dtypes, layouts and memory formats as the sample files spell them (Python's str()
// without "torch."): "float32", "strided", "channels_last".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checker/torch/torch_headers.h"

namespace tpu::checker {

std::optional<c10::ScalarType> scalar_type_from_name(std::string_view name);
std::string scalar_type_name(c10::ScalarType type);
std::optional<c10::Layout> layout_from_name(std::string_view name);
std::optional<c10::MemoryFormat> memory_format_from_name(std::string_view name);

}  // namespace tpu::checker
