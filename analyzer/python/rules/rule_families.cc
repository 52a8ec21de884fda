// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/rules/rule_families.h"

#include <array>

namespace tpu::python {

std::span<const RuleFamily> python_rule_families() {
  static const std::array<RuleFamily, 13> kFamilies = {{
      {"device-placement", kDevicePlacementRules, check_device_placement},
      {"cuda-api", kCudaApiRules, check_cuda_api},
      {"amp", kAmpRules, check_amp},
      {"backend-flags", kBackendFlagRules, check_backend_flags},
      {"distributed", kDistributedRules, check_distributed},
      {"custom-extension", kCustomExtensionRules, check_custom_extension},
      {"third-party-cuda-lib", kThirdPartyRules, check_third_party},
      {"dynamic-shape-hazard", kDynamicShapeRules, check_dynamic_shapes},
      {"step-boundary", kStepBoundaryRules, check_step_boundary},
      {"torch-compile", kTorchCompileRules, check_torch_compile},
      {"dataloading", kDataloadingRules, check_dataloading},
      {"sophgo-torch-tpu", kSophgoTorchTpuRules, check_sophgo_torch_tpu},
      {"unsupported-op", kOpCoverageRules, check_op_coverage},
  }};
  return kFamilies;
}

}  // namespace tpu::python
