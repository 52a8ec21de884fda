// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate rules`: every rule with its category, severity and fix.
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyzer/core/rule.h"
#include "cli/commands.h"

namespace tpu::cli {
namespace {

int run_rules(const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const RuleMeta* rule : all_rules())
      rules.push_back({{"code", rule->code},
                       {"name", rule->name},
                       {"category", to_string(rule->category)},
                       {"severity", to_string(rule->severity)},
                       {"fix", rule->fix ? to_string(*rule->fix) : "none"},
                       {"summary", rule->summary}});
    std::cout << rules.dump(2) << "\n";
    return kExitOk;
  }
  for (const RuleMeta* rule : all_rules()) {
    std::string name(rule->name), category(to_string(rule->category));
    name.resize(std::max<size_t>(name.size(), 26), ' ');
    category.resize(std::max<size_t>(category.size(), 21), ' ');
    std::string severity(to_string(rule->severity));
    severity.resize(8, ' ');
    std::cout << rule->code << "  " << name << category << severity
              << (rule->fix ? "fix  " : "     ") << rule->summary << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* rules = app.add_subcommand("rules", "List every rule: code, name, category, severity, fix");
  rules->add_option("--format,-f", *format, "Output format")->check(CLI::IsMember({"text", "json"}));
  rules->callback([format, &exit_code] { exit_code = run_rules(*format); });
}

}  // namespace tpu::cli
