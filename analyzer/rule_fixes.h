// SPDX-License-Identifier: Apache-2.0
// What a rule's fixes are, as the rewrite map (opdb/data/rewrite_map.tsv) says: the one source
// of fix applicability. `explain`, `rules`, SARIF's rule metadata and each finding read it from
// here or from the map's row for the finding's site, so they cannot disagree.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/core/rule.h"

namespace tpu {

/// Whether the fix site `key` is one that `rule` reports (rule.fix_sites).
bool rule_reports_site(const RuleMeta& rule, std::string_view key);

/// The applicabilities of the map's rows for the sites `rule` reports, over every target and
/// style (a site may be safe in one style and unsafe in another, or vary by call); empty when
/// the rule has no mechanical fix.
std::set<Applicability> rule_fix_applicabilities(const RuleMeta& rule);

/// rule_fix_applicabilities as words, safe first (`rules --format json`, SARIF).
std::vector<std::string> rule_fix_applicability_names(const RuleMeta& rule);

/// The rule's fix in one word: "none", "safe" (every fix is safe), or "unsafe" (some fix needs
/// --unsafe-fixes; each finding says which of its rule's applicabilities its own fix has).
std::string_view rule_fix_word(const RuleMeta& rule);

/// The same with the detail a person reads: "unsafe (safe for some sites and styles)".
std::string rule_fix_description(const RuleMeta& rule);

}  // namespace tpu
