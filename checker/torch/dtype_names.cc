// SPDX-License-Identifier: Apache-2.0
#include "checker/torch/dtype_names.h"

#include <array>
#include <utility>

namespace tpu::checker {
namespace {

// The tracers' spellings (trace/torchscript/input_spec.cc writes the same names).
constexpr std::array<std::pair<std::string_view, c10::ScalarType>, 16> kScalarTypes = {{
    {"float32", c10::kFloat}, {"float64", c10::kDouble}, {"float16", c10::kHalf},
    {"bfloat16", c10::kBFloat16}, {"int64", c10::kLong}, {"int32", c10::kInt},
    {"int16", c10::kShort}, {"int8", c10::kChar}, {"uint8", c10::kByte}, {"bool", c10::kBool},
    {"complex64", c10::kComplexFloat}, {"complex128", c10::kComplexDouble},
    {"complex32", c10::kComplexHalf}, {"qint8", c10::kQInt8}, {"quint8", c10::kQUInt8},
    {"qint32", c10::kQInt32},
}};

}  // namespace

std::optional<c10::ScalarType> scalar_type_from_name(std::string_view name) {
  for (const auto& [text, type] : kScalarTypes)
    if (text == name) return type;
  return std::nullopt;
}

std::string scalar_type_name(c10::ScalarType type) {
  for (const auto& [text, known] : kScalarTypes)
    if (known == type) return std::string(text);
  return c10::toString(type);
}

std::optional<c10::Layout> layout_from_name(std::string_view name) {
  if (name == "strided") return c10::kStrided;
  if (name == "sparse_coo") return c10::kSparse;
  if (name == "sparse_csr") return c10::kSparseCsr;
  if (name == "_mkldnn") return c10::kMkldnn;
  return std::nullopt;
}

std::optional<c10::MemoryFormat> memory_format_from_name(std::string_view name) {
  if (name == "contiguous_format") return c10::MemoryFormat::Contiguous;
  if (name == "preserve_format") return c10::MemoryFormat::Preserve;
  if (name == "channels_last") return c10::MemoryFormat::ChannelsLast;
  if (name == "channels_last_3d") return c10::MemoryFormat::ChannelsLast3d;
  return std::nullopt;
}

}  // namespace tpu::checker
