// SPDX-License-Identifier: Apache-2.0
// Rule metadata: identity, defaults and the user documentation `explain` prints.
#pragma once

#include <optional>
#include <string_view>

#include "analyzer/core/finding.h"

namespace tpu {

enum class Language : uint8_t { Python, Cpp };

/// "python" or "cpp": the name `rules`, SARIF and docs/rules.md give a rule's language.
constexpr std::string_view to_string(Language language) { return language == Language::Cpp ? "cpp" : "python"; }

/// One rule. Codes are stable forever and never reused; names are kebab-case and name the
/// pattern found ("tensor-cuda-call"), so "ignore tensor-cuda-call" reads right.
struct RuleMeta {
  std::string_view code;  ///< "TPU101"
  std::string_view name;  ///< "tensor-cuda-call"
  Category category;
  Severity severity;
  Language language;
  /// The fix sites the rule reports, space-separated ("device.call device.literal"); a site
  /// names itself and its dotted sub-keys ("torch.cuda" covers "torch.cuda.synchronize"). Empty
  /// when the rule has no mechanical fix. Whether a site has a fix on a target and style, and how
  /// safe it is, is the rewrite map's to say (rule_fixes.h), nowhere else.
  std::string_view fix_sites;
  std::string_view fix_title;  ///< "Replace `.cuda()` with `.to(device)`"; empty when no fix
  std::string_view summary;    ///< one line for `rules`
  std::string_view rationale;  ///< why it matters on a TPU
  std::string_view tpu_way;    ///< what to do instead (TorchTPU first; PyTorch/XLA where it differs)
  std::string_view before;     ///< example code that triggers the rule
  std::string_view after;      ///< the same code ported
};

// The table of every rule, all_rules() and find_rule(), is analyzer/rule_registry.h.

}  // namespace tpu
