// SPDX-License-Identifier: Apache-2.0
// Per-dtype tolerances and per-op overrides: the numbers a verdict is judged by
// (docs/check.md, "Tolerances"). Defaults come from published practice, cited beside each.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tpu::checker {

/// An output passes when |c - r| <= atol + rtol*|r| everywhere (torch.testing.assert_close),
/// and at worst warns while |c - r| <= warn_atol + warn_rtol*max(|r|, rms(r)) holds on all but
/// (rms over the nonzero elements of r)
/// `warn_fraction` of its elements and the cosine similarity stays at or above `cosine_min`.
struct Tolerance {
  double rtol = 0, atol = 0;
  double warn_rtol = 0, warn_atol = 0;
  double cosine_min = 0.99;
  double warn_fraction = 0.001;
};

/// msprobe's monitoring levels for its ratio ("benchmark") method: how much worse than the
/// baseline device a candidate may be and still pass (error ratios L0 2/10, L1 1.5/5, L2 1.2/2).
enum class Level { L0, L1, L2 };
std::string_view to_string(Level level);
std::optional<Level> parse_level(std::string_view text);

struct RatioLimit {
  double rmse = 2, max_abs = 10;
};
RatioLimit ratio_limit(Level level);

/// Fields a configuration may set; unset ones fall through to the next, less specific, layer.
struct TolerancePatch {
  std::optional<double> rtol, atol, warn_rtol, warn_atol, cosine_min, warn_fraction;
  void apply_to(Tolerance& tolerance) const;
};

struct OpPolicy {
  TolerancePatch all_dtypes;
  std::map<std::string, TolerancePatch, std::less<>> by_dtype;
  std::optional<Level> level;
  std::optional<bool> skip;
};

/// Defaults, then the global patch, then dtype patches, then the op's own (op name with or
/// without its overload: "aten::add" or "aten::add.Tensor"; the overload-specific one wins).
class ToleranceTable {
 public:
  /// The built-in table (docs/check.md).
  static ToleranceTable defaults();

  /// `target_warn_rtol`: the warn band the target's own precision needs (an MXU op at XLA's
  /// DEFAULT computes in one bfloat16 pass whatever its dtype), raised into the built-in
  /// default before the configuration's layers, which can still override it.
  Tolerance resolve(std::string_view op, std::string_view overload, std::string_view dtype,
                    std::optional<double> target_warn_rtol = std::nullopt) const;
  Level level(std::string_view op, std::string_view overload) const;
  bool skipped(std::string_view op, std::string_view overload) const;

  TolerancePatch global;
  std::map<std::string, TolerancePatch, std::less<>> dtypes;
  std::map<std::string, OpPolicy, std::less<>> ops;

 private:
  const OpPolicy* find(std::string_view op, std::string_view overload, bool overload_specific) const;
};

/// The built-in tolerance of a dtype (float32 when the name is unknown or not floating).
Tolerance default_tolerance(std::string_view dtype);

/// msprobe's level for an aten op ("aten::addmm" -> L2); L0 for everything not listed.
Level default_level(std::string_view op);

}  // namespace tpu::checker
