// SPDX-License-Identifier: Apache-2.0
// GitHub Actions workflow commands: `::error file=…,line=…::message` for each finding, so
// that a pull request shows them as annotations on the changed lines, and a closing
// `::notice` with the readiness score.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

std::string render_github(const Report& report);

}  // namespace tpu::reports
