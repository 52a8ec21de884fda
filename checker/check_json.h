// SPDX-License-Identifier: Apache-2.0
// The check report as JSON, schema "tpu-migrate/check@1" (docs/check.md, "JSON"): a contract
// for CI gates and for the HTML report's numerics section.
#pragma once

#include <string>
#include <string_view>

#include "checker/check_result.h"

namespace tpu::checker {

inline constexpr std::string_view kCheckSchema = "tpu-migrate/check@1";

/// Pretty-printed, with a trailing newline. Non-finite numbers (an infinite error ratio, the
/// cosine of integer outputs) are written as null.
std::string check_json(const CheckReport& report, std::string_view tool_version);

/// "fail" when any op or the model fails, else "warn" when any warns, else "pass".
std::string_view overall_verdict(const CheckReport& report);

}  // namespace tpu::checker
