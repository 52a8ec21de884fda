// SPDX-License-Identifier: Apache-2.0
// What the checker needs to know about a dtype without libtorch: whether it is compared as
// numbers or bit-for-bit, and the spacing of its values (for ULP distances and flushing).
#pragma once

#include <optional>
#include <string_view>

namespace tpu::checker {

struct DTypeInfo {
  std::string_view name;  ///< as Python prints it without "torch.": "float32", "bfloat16"
  bool floating = false;  ///< compared with tolerances (complex too, as pairs of reals)
  bool complex = false;
  int mantissa_bits = 0;  ///< explicit fraction bits: float32 23, bfloat16 7, float16 10
  int min_exponent = 0;   ///< of the smallest normal number: float32 -126, float16 -14
};

/// nullopt for names the checker does not know; integral and bool dtypes are known and
/// compared exactly.
std::optional<DTypeInfo> dtype_info(std::string_view name);

/// The distance between `value` and the next representable number of `dtype` away from zero
/// (the unit in the last place at |value|); subnormal spacing below the smallest normal.
double ulp_at(double value, const DTypeInfo& dtype);

/// Smallest positive normal number of the dtype (2^min_exponent).
double smallest_normal(const DTypeInfo& dtype);

}  // namespace tpu::checker
