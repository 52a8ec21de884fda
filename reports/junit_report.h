// SPDX-License-Identifier: Apache-2.0
// JUnit XML for CI test-report views (GitLab, Jenkins, Azure): one test suite per category,
// one test case per rule; a rule fails when it has blocker or warning findings (only new
// ones when a baseline is active), and the failure lists them. Input errors are test errors.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

std::string render_junit(const Report& report);

}  // namespace tpu::reports
