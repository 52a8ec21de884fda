// SPDX-License-Identifier: Apache-2.0
// The runtime rules (TPU650-TPU655): hazards only a trace can see, reported at the source line
// that ran them. Listed in analyzer/core/rule_registry.cc through runtime_rules().
#pragma once

#include <span>

#include "analyzer/core/rule.h"
#include "analyzer/runtime/trace_data.h"

namespace tpu::runtime {

/// Every runtime rule, in code order.
std::span<const RuleMeta> runtime_rules();

/// The rule that reports `kind`.
const RuleMeta& rule_for(HazardKind kind);

}  // namespace tpu::runtime
