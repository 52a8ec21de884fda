// SPDX-License-Identifier: Apache-2.0
// `--perturb NAME[=float16]`: which op (or, with --model, which module) the test damage hits and
// how (docs/check.md, "Test damage"). Parsed here, without libtorch, so that the CLI can refuse
// a bad spec before loading the engine.
#pragma once

#include <optional>
#include <string>

namespace tpu::checker {

enum class DamageKind {
  TenPercent,  ///< every floating element 10% off, alternating sign; integers off by one
  Float16,     ///< computed in float16: inputs and results rounded to float16
};

struct DamageSpec {
  std::string name;  ///< "aten::mm", "aten::add.Tensor", or a module name ("blocks.1.mlp")
  DamageKind kind = DamageKind::TenPercent;
};

/// "NAME" or "NAME=float16"; nullopt and `error` otherwise.
std::optional<DamageSpec> parse_damage_spec(const std::string& text, std::string* error);

}  // namespace tpu::checker
