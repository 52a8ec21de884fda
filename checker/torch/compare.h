// SPDX-License-Identifier: Apache-2.0
// Turns the flattened outputs of the reference, the candidate and the baseline into
// OutputChecks (metrics + verdict), pairing them by name ("out[0]", "out[1][2]").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/check_result.h"
#include "checker/torch/sample_call.h"

namespace tpu::checker {

struct CompareSpec {
  c10::ScalarType expected;  ///< the dtype the program got (recorded or CPU output)
  Tolerance tolerance;
  Level level = Level::L0;
  std::string baseline_label;
  /// Precision benchmark runs (whole models): outputs of the same computation with noise of the
  /// target's rounding size; the largest of their errors is what that precision explains.
  std::vector<at::Tensor> benchmarks;
  std::string benchmark_label;
};

/// `candidate` and `baseline` may be null (missing from that run).
OutputCheck compare_output(const FlatValue& reference, const FlatValue* candidate, const FlatValue* baseline,
                           const CompareSpec& spec);

const FlatValue* find_output(const std::vector<FlatValue>& values, const std::string& name);

}  // namespace tpu::checker
