// SPDX-License-Identifier: Apache-2.0
// Deliberate damage to a candidate's results, for the tests that prove `check` catches what is
// wrong (docs/check.md, "Test damage"): the `perturb-test` executor and `--perturb NAME`.
// Never a model of a device.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/damage_spec.h"
#include "checker/torch/sample_call.h"

namespace tpu::checker {

/// The damage `specs` ("aten::mm", "aten::add.Tensor", "aten::mm=float16") ask for this call,
/// or nullopt. `all`: every call is damaged 10% when there are no specs (perturb-test).
std::optional<DamageKind> damage_for(const std::vector<std::string>& specs, const SampleCall& call, bool all);

/// The results with every floating element 10% off (alternating sign, so the mean barely moves
/// and only element-wise checks see it) and the first integral element off by one.
std::vector<c10::IValue> damage_ten_percent(std::vector<c10::IValue> returns);

/// The call on the CPU with its floating inputs rounded to float16 (computed in float32, as
/// CPU kernels for half are few) and its floating results returned as float16.
std::vector<c10::IValue> run_in_float16(const SampleCall& call);

}  // namespace tpu::checker
