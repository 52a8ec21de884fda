// SPDX-License-Identifier: Apache-2.0
// One self-contained HTML page for people who want the whole picture: a readiness gauge,
// findings by category and op coverage as inline SVG, where to start, and a sortable,
// filterable table of findings with source excerpts. No network: no fonts, scripts or
// images are fetched, and a Content-Security-Policy forbids it.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

std::string render_html(const Report& report);

}  // namespace tpu::reports
