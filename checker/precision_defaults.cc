// SPDX-License-Identifier: Apache-2.0
#include "checker/precision_defaults.h"

#include "opdb/targets.h"

namespace tpu::checker {

std::string precision_defaults(std::string_view target, Precision precision) {
  std::string_view passes;
  switch (precision) {
    case Precision::Default: passes = "one bfloat16 pass, the default"; break;
    case Precision::High: passes = "three bfloat16 passes"; break;
    case Precision::Highest: passes = "six bfloat16 passes, about float32"; break;
  }
  std::string setting;
  if (target == opdb::kXlaTarget) {
    setting = "torch_xla.backends.set_mat_mul_precision('" + std::string(to_string(precision)) + "')";
  } else {
    std::string upper(to_string(precision));
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    setting = "torch.tpu.Precision." + upper;
  }
  return std::string(opdb::target_display_name(target)) + "'s " + setting + " (" + std::string(passes) + ")";
}

}  // namespace tpu::checker
