// SPDX-License-Identifier: Apache-2.0
// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDE viewers): every
// rule of the registry with its help text, one result per finding with its location and
// fingerprint, and fixes as artifactChanges when a fix carries edits.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

std::string render_sarif(const Report& report);

}  // namespace tpu::reports
