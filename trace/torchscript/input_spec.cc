// SPDX-License-Identifier: Apache-2.0
// Input specs and dtype names. Names follow Python's `str(torch.float32)` minus "torch.", the
// spelling the Python hook writes, so both tracers produce the same dtype strings.
#include "trace/torchscript/input_spec.h"

#include <array>
#include <charconv>
#include <utility>
#include <vector>

namespace tpu::torchscript {
namespace {

constexpr std::array<std::pair<std::string_view, c10::ScalarType>, 16> kNames = {{
    {"float32", c10::kFloat}, {"float64", c10::kDouble}, {"float16", c10::kHalf},
    {"bfloat16", c10::kBFloat16}, {"int64", c10::kLong}, {"int32", c10::kInt},
    {"int16", c10::kShort}, {"int8", c10::kChar}, {"uint8", c10::kByte}, {"bool", c10::kBool},
    {"complex64", c10::kComplexFloat}, {"complex128", c10::kComplexDouble},
    {"complex32", c10::kComplexHalf}, {"qint8", c10::kQInt8}, {"quint8", c10::kQUInt8},
    {"qint32", c10::kQInt32},
}};

bool parse_int(std::string_view text, int64_t* value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<c10::ScalarType> dtype_from_name(std::string_view name) {
  if (name == "float") return c10::kFloat;
  if (name == "double") return c10::kDouble;
  if (name == "half") return c10::kHalf;
  if (name == "long") return c10::kLong;
  if (name == "int") return c10::kInt;
  for (const auto& [text, type] : kNames)
    if (text == name) return type;
  return std::nullopt;
}

std::string dtype_name(c10::ScalarType type) {
  for (const auto& [text, known] : kNames)
    if (known == type) return std::string(text);
  return c10::toString(type);
}

std::optional<torch::Tensor> make_input(std::string_view spec, std::string* error) {
  size_t open = spec.find('['), close = spec.find(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    *error = "expected DTYPE[D0,D1,...], got \"" + std::string(spec) + "\"";
    return std::nullopt;
  }
  std::optional<c10::ScalarType> dtype = dtype_from_name(spec.substr(0, open));
  if (!dtype) {
    *error = "unknown dtype \"" + std::string(spec.substr(0, open)) + "\"";
    return std::nullopt;
  }
  std::vector<int64_t> shape;
  std::string_view dims = spec.substr(open + 1, close - open - 1);
  while (!dims.empty()) {
    size_t comma = dims.find(',');
    int64_t dim = 0;
    if (!parse_int(dims.substr(0, comma), &dim) || dim < 0) {
      *error = "bad dimension in \"" + std::string(spec) + "\"";
      return std::nullopt;
    }
    shape.push_back(dim);
    dims = comma == std::string_view::npos ? std::string_view() : dims.substr(comma + 1);
  }
  int64_t low = 0, high = 10;
  std::string_view range = spec.substr(close + 1);
  if (!range.empty()) {
    size_t second = range.find(':', 1);
    if (range[0] != ':' || second == std::string_view::npos || !parse_int(range.substr(1, second - 1), &low) ||
        !parse_int(range.substr(second + 1), &high) || high <= low) {
      *error = "bad range in \"" + std::string(spec) + "\" (expected :LOW:HIGH)";
      return std::nullopt;
    }
  }
  torch::TensorOptions options = torch::TensorOptions().dtype(*dtype);
  if (*dtype == c10::kBool) return torch::randint(0, 2, shape).to(c10::kBool);
  if (c10::isIntegralType(*dtype, /*includeBool=*/false)) return torch::randint(low, high, shape, options);
  return torch::randn(shape, options);
}

}  // namespace tpu::torchscript
