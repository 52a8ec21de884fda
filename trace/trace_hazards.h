// SPDX-License-Identifier: Apache-2.0
// Runtime hazards read off a merged trace: host syncs, device-to-host copies, data-dependent
// output shapes, float64 and shapes that keep changing (each a recompilation on XLA).
#pragma once

#include <vector>

#include "analyzer/core/rule.h"
#include "trace/trace_data.h"

namespace tpu::runtime {

/// A source line that brought at least this many new input shapes after the step it first ran
/// in keeps recompiling (one new shape may be the last partial batch or the evaluation batch).
inline constexpr uint32_t kShapeChurnThreshold = 2;

/// The hazards of `trace.ops`, one per (kind, source line), sorted by path, line, kind.
/// Host copies seen without an op (trace.hazards already holding them) are kept and merged.
std::vector<Hazard> find_hazards(const TraceData& trace);

/// The rule that reports `kind` (one of analyzer/trace_rules.h).
const RuleMeta& rule_for(HazardKind kind);

}  // namespace tpu::runtime
