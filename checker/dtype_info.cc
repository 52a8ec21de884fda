// SPDX-License-Identifier: Apache-2.0
#include "checker/dtype_info.h"

#include <array>
#include <cmath>

namespace tpu::checker {
namespace {

constexpr std::array<DTypeInfo, 15> kDTypes = {{
    {"float64", true, false, 52, -1022},
    {"float32", true, false, 23, -126},
    {"float16", true, false, 10, -14},
    {"bfloat16", true, false, 7, -126},
    {"complex128", true, true, 52, -1022},
    {"complex64", true, true, 23, -126},
    {"complex32", true, true, 10, -14},
    {"int64", false, false, 0, 0},
    {"int32", false, false, 0, 0},
    {"int16", false, false, 0, 0},
    {"int8", false, false, 0, 0},
    {"uint8", false, false, 0, 0},
    {"bool", false, false, 0, 0},
    {"qint8", false, false, 0, 0},
    {"quint8", false, false, 0, 0},
}};

}  // namespace

std::optional<DTypeInfo> dtype_info(std::string_view name) {
  for (const DTypeInfo& info : kDTypes)
    if (info.name == name) return info;
  return std::nullopt;
}

double smallest_normal(const DTypeInfo& dtype) { return std::ldexp(1.0, dtype.min_exponent); }

double ulp_at(double value, const DTypeInfo& dtype) {
  double magnitude = std::fabs(value);
  int exponent = dtype.min_exponent;
  if (std::isfinite(magnitude) && magnitude >= smallest_normal(dtype)) {
    int e = 0;
    std::frexp(magnitude, &e);  // magnitude = m * 2^e with m in [0.5, 1)
    exponent = e - 1;
  }
  return std::ldexp(1.0, exponent - dtype.mantissa_bits);
}

}  // namespace tpu::checker
