// SPDX-License-Identifier: Apache-2.0
// The JSON report: the contract in ARCHITECTURE.md (schema "tpu-migrate/report@1").
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

std::string render_json(const Report& report);

}  // namespace tpu::reports
