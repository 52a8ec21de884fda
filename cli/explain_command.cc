// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate explain RULE`: a rule's rationale, the TPU way and a before/after example;
// `tpu-migrate explain readiness`: the score's formula.
#include <iostream>

#include "analyzer/core/rule.h"
#include "analyzer/rule_fixes.h"
#include "analyzer/rule_registry.h"
#include "cli/commands.h"
#include "opdb/targets.h"
#include "reports/readiness.h"

namespace tpu::cli {
namespace {

void indent(std::ostream& out, std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out << "    " << text.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

// Which target the findings' messages are written for: the way of the default target first.
std::string targets_note() {
  return "scan and rewrite answer for " + std::string(opdb::target_display_name(opdb::kDefaultTarget)) +
         " (torch_tpu, device \"tpu\") unless told otherwise: `--target xla` (or `target = \"xla\"` in "
         "the configuration) answers for PyTorch/XLA. A finding's message leads with the chosen target's way "
         "and names the other's where they differ.";
}

int run_explain(const std::string& what) {
  if (what == "readiness") {
    std::cout << reports::readiness_explanation();
    return kExitOk;
  }
  const RuleMeta* rule = find_rule(what);
  if (rule == nullptr) {
    std::cerr << "tpu-migrate: no rule named '" << what << "' (see `tpu-migrate rules`)\n";
    return kExitError;
  }
  std::cout << rule->code << " " << rule->name << "\n"
            << "  category: " << to_string(rule->category)
            << ", severity: " << to_string(rule->severity) << ", fix: "
            << (!rule->fix_sites.empty() ? rule_fix_description(*rule) + " (" + std::string(rule->fix_title) + ")"
                                         : std::string("none"))
            << "\n\n"
            << rule->summary << "\n\n"
            << "Why it matters on a TPU\n  " << rule->rationale << "\n\n"
            << "The TPU way\n  " << rule->tpu_way << "\n\n"
            << "Targets\n  " << targets_note() << "\n\n"
            << "Before\n";
  indent(std::cout, rule->before);
  std::cout << "\nAfter\n";
  indent(std::cout, rule->after);
  return kExitOk;
}

}  // namespace

void add_explain_command(CLI::App& app, int& exit_code) {
  auto what = std::make_shared<std::string>();
  CLI::App* explain = app.add_subcommand(
      "explain", "Explain a rule (code or name) or the readiness score.\n"
                 "Examples:\n  tpu-migrate explain TPU101\n  tpu-migrate explain nccl-backend\n"
                 "  tpu-migrate explain readiness");
  explain->add_option("rule", *what, "Rule code or name, or 'readiness'")->required();
  explain->callback([what, &exit_code] { exit_code = run_explain(*what); });
}

}  // namespace tpu::cli
