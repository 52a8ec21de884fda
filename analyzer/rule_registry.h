// SPDX-License-Identifier: Apache-2.0
// The rule table: every rule of every front end (Python, C++/CUDA, trace), built once in
// rule_registry.cc from the rule families. It lives beside scan, above the front ends it lists,
// so that analyzer/core stays a leaf library.
#pragma once

#include <span>
#include <string_view>

#include "analyzer/core/rule.h"

namespace tpu {

/// Every rule of every family, in code order. The list is built explicitly in
/// rule_registry.cc (no static-initialiser registration).
std::span<const RuleMeta* const> all_rules();

/// Finds a rule by code ("TPU101") or name ("tensor-cuda-call").
const RuleMeta* find_rule(std::string_view code_or_name);

}  // namespace tpu
