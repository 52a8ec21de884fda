// SPDX-License-Identifier: Apache-2.0
// The Python rule families: each has its rule metadata and one check function that reads
// the ModuleView. One family per file in this folder; the list lives in rule_families.cc.
#pragma once

#include <span>

#include "analyzer/core/rule.h"
#include "analyzer/python/rule_context.h"

namespace tpu::python {

struct RuleFamily {
  std::string_view name;
  std::span<const RuleMeta> rules;
  void (*check)(RuleContext&);
};

std::span<const RuleFamily> python_rule_families();

// Each family file defines its rules and its check.
extern const std::span<const RuleMeta> kDevicePlacementRules;
void check_device_placement(RuleContext& context);
extern const std::span<const RuleMeta> kCudaApiRules;
void check_cuda_api(RuleContext& context);
extern const std::span<const RuleMeta> kAmpRules;
void check_amp(RuleContext& context);
extern const std::span<const RuleMeta> kBackendFlagRules;
void check_backend_flags(RuleContext& context);
extern const std::span<const RuleMeta> kDistributedRules;
void check_distributed(RuleContext& context);
extern const std::span<const RuleMeta> kDataloadingRules;
void check_dataloading(RuleContext& context);
extern const std::span<const RuleMeta> kThirdPartyRules;
void check_third_party(RuleContext& context);
extern const std::span<const RuleMeta> kCustomExtensionRules;
void check_custom_extension(RuleContext& context);
extern const std::span<const RuleMeta> kDynamicShapeRules;
void check_dynamic_shapes(RuleContext& context);
extern const std::span<const RuleMeta> kStepBoundaryRules;
void check_step_boundary(RuleContext& context);
extern const std::span<const RuleMeta> kTorchCompileRules;
void check_torch_compile(RuleContext& context);
extern const std::span<const RuleMeta> kSophgoTorchTpuRules;
void check_sophgo_torch_tpu(RuleContext& context);
extern const std::span<const RuleMeta> kOpCoverageRules;
void check_op_coverage(RuleContext& context);

/// The cross-file rule: imports and calls of the repository's own compiled extensions.
extern const RuleMeta kExtensionModuleUse;

}  // namespace tpu::python
