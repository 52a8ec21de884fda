// SPDX-License-Identifier: Apache-2.0
// The verdict rules (docs/check.md, "Verdicts"): pass / warn / fail for one output from its
// metrics and tolerance, and a sampled call's status from its outputs.
#pragma once

#include <string>

#include "checker/check_result.h"

namespace tpu::checker {

/// Fills output.verdict, output.reason and the baseline ratios. `baseline_label` names the
/// baseline in the reason ("the source device", "the CPU in float32").
void judge_output(OutputCheck& output, const std::string& baseline_label);

/// Status of a replayed call: its worst output (a call without outputs passes). Sets the
/// reason from the worst output and the score used for sorting.
void summarize_sample(SampleCheck& sample);

/// How badly an output fails, for sorting (higher is worse): infinite for structural and
/// nan/inf failures, otherwise its normalised RMS error.
double badness(const OutputCheck& output);

}  // namespace tpu::checker
