// SPDX-License-Identifier: Apache-2.0
#include "analyzer/rule_fixes.h"

#include "opdb/rewrite_map.h"

namespace tpu {

bool rule_reports_site(const RuleMeta& rule, std::string_view key) {
  std::string_view sites = rule.fix_sites;
  while (!sites.empty()) {
    size_t space = sites.find(' ');
    std::string_view site = sites.substr(0, space);
    sites = space == std::string_view::npos ? std::string_view() : sites.substr(space + 1);
    if (site.empty()) continue;
    if (key == site || (key.size() > site.size() && key.starts_with(site) && key[site.size()] == '.')) return true;
  }
  return false;
}

std::set<Applicability> rule_fix_applicabilities(const RuleMeta& rule) {
  std::set<Applicability> found;
  if (rule.fix_sites.empty()) return found;
  for (const opdb::RewriteEntry& entry : opdb::all_rewrites())
    if (rule_reports_site(rule, entry.key)) found.insert(entry.row->unsafe ? Applicability::Unsafe : Applicability::Safe);
  return found;
}

std::vector<std::string> rule_fix_applicability_names(const RuleMeta& rule) {
  std::vector<std::string> names;
  std::set<Applicability> found = rule_fix_applicabilities(rule);
  for (Applicability applicability : {Applicability::Safe, Applicability::Unsafe})
    if (found.count(applicability)) names.emplace_back(to_string(applicability));
  return names;
}

std::string_view rule_fix_word(const RuleMeta& rule) {
  std::set<Applicability> found = rule_fix_applicabilities(rule);
  if (found.empty()) return "none";
  return found.count(Applicability::Unsafe) ? to_string(Applicability::Unsafe) : to_string(Applicability::Safe);
}

std::string rule_fix_description(const RuleMeta& rule) {
  std::set<Applicability> found = rule_fix_applicabilities(rule);
  std::string word(rule_fix_word(rule));
  if (found.size() > 1) word += " (safe for some sites and styles)";
  return word;
}

}  // namespace tpu
