// SPDX-License-Identifier: Apache-2.0
// The list of every rule, built once from the rule families (explicitly, no static
// registration), sorted by code.
#include "analyzer/rule_registry.h"

#include <algorithm>
#include <vector>

#include "analyzer/cpp/rules/rule_families.h"
#include "analyzer/python/repository_helpers.h"
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/trace_rules.h"

namespace tpu {
namespace {

std::vector<const RuleMeta*> build_rule_list() {
  std::vector<const RuleMeta*> rules;
  for (const python::RuleFamily& family : python::python_rule_families())
    for (const RuleMeta& rule : family.rules) rules.push_back(&rule);
  rules.push_back(&python::kExtensionModuleUse);
  rules.push_back(&python::kHelperCall);
  for (const cpp::CppRuleFamily& family : cpp::cpp_rule_families())
    for (const RuleMeta& rule : family.rules) rules.push_back(&rule);
  // Rules only a trace can raise (scan --trace); listed so that explain, --select and SARIF know them.
  for (const RuleMeta& rule : trace_rules()) rules.push_back(&rule);
  std::sort(rules.begin(), rules.end(),
            [](const RuleMeta* a, const RuleMeta* b) { return a->code < b->code; });
  return rules;
}

}  // namespace

std::span<const RuleMeta* const> all_rules() {
  static const std::vector<const RuleMeta*> kRules = build_rule_list();
  return kRules;
}

const RuleMeta* find_rule(std::string_view code_or_name) {
  for (const RuleMeta* rule : all_rules())
    if (rule->code == code_or_name || rule->name == code_or_name) return rule;
  return nullptr;
}

}  // namespace tpu
