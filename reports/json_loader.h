// SPDX-License-Identifier: Apache-2.0
// Reads a saved JSON report ("tpu-migrate/report@1") back into a Report, so that
// `tpu-migrate report` can render it in another format without scanning again.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "reports/report.h"

namespace tpu::reports {

/// The Report that render_json() wrote, summarised again with this version's formula
/// (fingerprints and baseline states are kept). Returns an error message on failure.
std::variant<Report, std::string> load_json_report(std::string_view text);

}  // namespace tpu::reports
