// SPDX-License-Identifier: Apache-2.0
// Markdown for a pull-request comment or a CI job summary: the score, a table by category,
// op coverage, the top blockers with links to their lines, and the files that need the
// most work. Bounded in size whatever the number of findings (PR comments have a limit).
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

struct MarkdownOptions {
  /// Prefix of line links, e.g. "https://github.com/o/r/blob/<sha>": a finding at a.py:3
  /// links to "<link_base>/a.py#L3". Empty: locations are plain code spans.
  std::string link_base;
  size_t top_findings = 10;  ///< blockers (and new findings) listed
  size_t top_files = 10;
};

std::string render_markdown(const Report& report, const MarkdownOptions& options);

}  // namespace tpu::reports
