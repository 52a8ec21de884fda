// SPDX-License-Identifier: Apache-2.0
// Reads the scanned sources back to give each finding its context: the text of its line
// (for the baseline fingerprint; on a line longer than 2 KiB, a window around the finding) and
// a few lines around it (for the HTML report), each bounded in size.
#pragma once

#include <string>

#include "reports/report.h"

namespace tpu::reports {

/// The folder that finding paths are relative to: the root itself, or the folder holding
/// it when the root names a single file.
std::string source_base(const std::string& root);

struct SourceOptions {
  bool excerpts = true;        ///< keep lines around each finding (the HTML report shows them)
  unsigned context_lines = 2;  ///< lines before and after the finding
  unsigned jobs = 0;           ///< threads reading the files (0: all cores)
};

/// Fills `report.context` (one entry per finding) from the files under the report's root.
/// A file that cannot be read leaves empty excerpts and fingerprints over an empty line,
/// unless a fingerprint is already there (a report loaded from JSON keeps its own).
void attach_sources(Report& report, const SourceOptions& options = {});

}  // namespace tpu::reports
