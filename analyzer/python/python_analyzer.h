// SPDX-License-Identifier: Apache-2.0
// Analyses one Python file: parse, build the ModuleView, run every rule family, apply the
// file's suppressions.
#pragma once

#include <vector>

#include "analyzer/core/source_file.h"
#include "analyzer/core/suppressions.h"
#include "analyzer/python/repository_helpers.h"
#include "analyzer/python/rule_context.h"
#include "opdb/targets.h"

namespace tpu::python {

struct PythonAnalysis {
  std::vector<Finding> findings;  ///< suppressions already applied
  std::vector<InputError> errors; ///< syntax errors, too-deep nesting
  Suppressions suppressions;      ///< kept for findings made later by repository-wide rules
  std::vector<std::string> declared_extensions;
  std::vector<ModuleReference> references;
  /// Attribute reads of modules named like compiled extensions (`amp_C.multi_tensor_adam`
  /// passed as a value), for the repository-wide pass only: not calls, so not the inventory's.
  std::vector<ModuleReference> attribute_references;
  std::vector<OpUse> op_uses;  ///< one per op, with its call sites in source order
  HelperFacts helpers;  ///< what the file defines and calls, for the repository-wide helper pass
};

/// `target` is the op database's target for op statuses (TorchTPU, opdb::kDefaultTarget, by default).
PythonAnalysis analyze_python(const SourceFile& file, const std::string& target = std::string(opdb::kDefaultTarget));

/// Keeps each finding's fix only where the rewrite map has a row for its site on `target` in
/// `style` ("portable" | "direct"), with that row's applicability: the fix a finding shows is
/// the one `rewrite --style STYLE` applies. (An analysis keeps every fix some style has, so
/// that one cached analysis serves both styles.)
void keep_fixes_of_style(std::vector<Finding>& findings, const std::string& target, std::string_view style);

/// The file's `# tpu-migrate: ignore…` comments alone (no rules run), for findings made
/// elsewhere, such as a trace's.
Suppressions read_suppressions(const SourceFile& file);

}  // namespace tpu::python
