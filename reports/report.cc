// SPDX-License-Identifier: Apache-2.0
#include "reports/report.h"

#include "reports/readiness.h"

#ifndef TPU_MIGRATE_VERSION
#define TPU_MIGRATE_VERSION "0.0.0-dev"
#endif

namespace tpu::reports {

std::string_view tool_version() { return TPU_MIGRATE_VERSION; }

void summarize(Report& report) {
  Summary summary;
  for (const Finding& finding : report.scan.findings) {
    ++summary.by_severity[static_cast<size_t>(finding.severity)];
    ++summary.by_category[static_cast<size_t>(finding.category)];
    if (finding.fix && finding.fix->applicability != Applicability::Manual) ++summary.autofixable;
  }
  summary.readiness = readiness_score(report.scan.findings, report.scan.files_scanned);
  report.summary = summary;
}

}  // namespace tpu::reports
