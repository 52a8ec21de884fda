// SPDX-License-Identifier: Apache-2.0
// The fix edits of a whole scan's findings, for the reports that carry them (JSON `fix.edits`,
// SARIF `fixes`). Computed after the scan (cached or not) and only when a report asks: the
// terminal scan pays nothing for them, and the cache keeps findings without edits.
#pragma once

#include <filesystem>
#include <vector>

#include "analyzer/core/finding.h"
#include "analyzer/core/source_file.h"
#include "rewriter/fix_plan.h"

namespace tpu::rewriter {

/// Attaches to `findings` (paths relative to `base`) their fix edits for `options`
/// (attach_fix_edits), reading each file that has a finding with a fix site once, on up to
/// `jobs` threads (0: all cores). A file that cannot be read now leaves its findings without
/// edits.
void attach_scan_fix_edits(std::vector<Finding>& findings, const std::filesystem::path& base,
                           const FixOptions& options, const ReadLimits& limits, unsigned jobs);

}  // namespace tpu::rewriter
