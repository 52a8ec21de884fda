// SPDX-License-Identifier: Apache-2.0
// The one place where a finding's fix site becomes edits for a target and style. `rewrite`
// plans each round with it, and `scan` attaches what it plans to each finding (`fix.edits`),
// so the report shows exactly the edits the rewrite makes: one source of fix truth.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

#include "analyzer/core/finding.h"
#include "analyzer/core/source_file.h"
#include "opdb/targets.h"
#include "rewriter/fix_templates.h"
#include "rewriter/python_imports.h"

namespace tpu::rewriter {

struct FixOptions {
  std::string target = std::string(opdb::kDefaultTarget);  ///< "torchtpu" or "xla"
  Style style = Style::Portable;
  bool unsafe_fixes = false;   ///< also plan the fixes the rewrite map marks unsafe
};

/// A finding the rewriter did not fix, and why ("no mechanical fix", "unsafe: …").
struct Unfixed {
  Finding finding;
  std::string reason;
};

struct PlannedFix {
  size_t finding = 0;       ///< index into the findings planned
  std::vector<Edit> edits;  ///< the fix's own edits (no imports or helpers)
  FixTemplate how;          ///< the rewrite map's row: imports and helpers the edits need
  std::optional<FixSite> removed;  ///< the statement a <remove-statement> fix deletes
};

struct FixPlan {
  std::vector<PlannedFix> fixes;  ///< in the findings' order
  std::vector<Unfixed> unfixed;   ///< the findings with no edits, each with its reason
};

/// The edits of each finding's fix in `text` (LF-ended, no BOM; `crlf` writes replacements
/// with CRLF), for the options' target and style. Removals that together would empty a block
/// leave `pass` in it.
FixPlan plan_fixes(std::string_view text, const std::vector<Finding>& findings, const FixOptions& options,
                   bool crlf);

/// How a file's lines end. LF and CRLF are rewritten as they are; CR alone (classic Mac) is
/// read as LF, byte for byte (the offsets stay), and written back as CR; a file that mixes
/// lone CRs with LFs is left alone.
enum class LineEndings { Lf, Crlf, Cr, Mixed };
LineEndings line_endings_of(std::string_view body);

/// Why no fix may touch `body` (parsed as `root`): a syntax error that CPython shares, as the
/// note the rewrite prints; nullopt when fixes may go ahead. `grammar_lags` is set when only
/// tree-sitter's grammar fails on the file (CPython then judges the fixed text too).
/// `asked_cpython`, when given, is set when python3 was asked (its answer is not cached).
std::optional<std::string> refusal_before_fixes(TSNode root, std::string_view body, bool& grammar_lags,
                                                bool* asked_cpython = nullptr);

/// The edits that add `imports` and `helpers` to `text`, once. New helpers join the module's
/// helper block when it has one, else a new block follows the leading imports.
/// `layout` is `text`'s imports (read_imports); `target` picks the helpers' bodies.
std::vector<Edit> imports_and_helpers(const std::string& path, std::string_view text, bool crlf,
                                      std::set<std::string> imports, const std::set<std::string>& helpers,
                                      std::string_view target, const ImportLayout& layout);

/// Attaches to each finding of `file` (as the scan read it: BOM and line endings kept) the
/// edits `rewrite` makes for it in its first round: the fix's own edits, the imports and
/// helpers it needs, and the removal of imports it leaves unused, so that one fix's edits
/// applied alone give the text `rewrite` writes for that finding alone. Unsafe fixes get their
/// edits too (their applicability says so). A file `rewrite` would refuse (it does not parse,
/// or mixes CR-only and LF line ends) gets no edits, and so does a fix whose result alone would
/// not be valid.
///
/// Cost: the file's fixes are applied together and the result checked once, as `rewrite` checks
/// it. A fix alone is then valid without a check of its own when no other fix touches its
/// statement, it leaves no import unused and it uses no new name its own imports and helpers do
/// not bind (Python's statements parse independently). Only the other fixes (overlapping ones,
/// several in one statement, or all of them when the whole result fails) are checked alone,
/// within a budget of 64 MiB of fixes times file length; past it they get no edits, so that
/// generated files with thousands of fixes stay linear.
void attach_fix_edits(const SourceFile& file, std::vector<Finding>& findings, const FixOptions& options);

}  // namespace tpu::rewriter
