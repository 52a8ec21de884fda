// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/rule_filter.h"

namespace tpu {

bool RuleFilter::matches(const std::string& entry, const RuleMeta& rule) {
  if (entry == rule.name || entry == to_string(rule.category) || entry == "ALL") return true;
  return entry.starts_with("TPU") && rule.code.starts_with(entry);
}

bool RuleFilter::enabled(const RuleMeta& rule) const {
  for (const std::string& entry : ignore_)
    if (matches(entry, rule)) return false;
  if (select_.empty()) return true;
  for (const std::string& entry : select_)
    if (matches(entry, rule)) return true;
  return false;
}

std::vector<std::string> RuleFilter::unknown_entries(std::span<const RuleMeta* const> rules) const {
  std::vector<std::string> unknown;
  for (const auto* list : {&select_, &ignore_}) {
    for (const std::string& entry : *list) {
      bool known = false;
      for (const RuleMeta* rule : rules) known = known || matches(entry, *rule);
      if (!known) unknown.push_back(entry);
    }
  }
  return unknown;
}

}  // namespace tpu
