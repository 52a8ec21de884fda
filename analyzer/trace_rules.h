// SPDX-License-Identifier: Apache-2.0
// The trace rules (TPU650-TPU655): hazards only a trace can see, reported at the source line
// that ran them (trace/trace_merge.cc). Their metadata belongs to the rule table
// (analyzer/rule_registry.cc), so it lives here, below trace/ rather than in it.
#pragma once

#include <span>

#include "analyzer/core/rule.h"

namespace tpu {

/// Every trace rule, in code order (trace/trace_hazards.cc maps each hazard kind to one).
std::span<const RuleMeta> trace_rules();

}  // namespace tpu
