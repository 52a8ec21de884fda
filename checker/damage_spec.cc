// SPDX-License-Identifier: Apache-2.0
#include "checker/damage_spec.h"

namespace tpu::checker {

std::optional<DamageSpec> parse_damage_spec(const std::string& text, std::string* error) {
  DamageSpec spec;
  const auto eq = text.find('=');
  spec.name = text.substr(0, eq);
  if (spec.name.empty()) {
    *error = "--perturb " + text + ": name an op (aten::mm) or, with --model, a module";
    return std::nullopt;
  }
  if (eq != std::string::npos) {
    if (text.substr(eq + 1) != "float16") {
      *error = "--perturb " + text + ": the damage after '=' can only be float16";
      return std::nullopt;
    }
    spec.kind = DamageKind::Float16;
  }
  return spec;
}

}  // namespace tpu::checker
