// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/rule_context.h"

namespace tpu::python {

Finding& RuleContext::report(const RuleMeta& rule, TSNode node, std::string symbol,
                             std::string message) {
  Finding finding;
  finding.rule = std::string(rule.code);
  finding.category = rule.category;
  finding.severity = rule.severity;
  finding.location = view.location(node);
  finding.symbol = std::move(symbol);
  finding.message = std::move(message);
  // The applicability is the rewrite map's, set once the site is known (resolve_fixes).
  if (!rule.fix_sites.empty()) finding.fix = Fix{Applicability::Manual, std::string(rule.fix_title), {}};
  out_.push_back(std::move(finding));
  return out_.back();
}

Finding& RuleContext::report_method(const RuleMeta& rule, const Call& call, std::string symbol,
                                    std::string message) {
  Finding& finding = report(rule, call.node, std::move(symbol), std::move(message));
  if (!is_null(call.method_name))
    finding.location = view.file().location(ts_node_start_byte(call.method_name),
                                            ts_node_end_byte(call.node));
  return finding;
}

Finding& RuleContext::with_site(Finding& finding, std::string key, uint32_t begin, uint32_t end,
                                std::vector<std::string> args) {
  if (finding.fix) finding.fix->site = FixSite{std::move(key), begin, end, std::move(args)};
  return finding;
}

std::vector<uint32_t> RuleContext::lines_since(size_t first) const {
  std::vector<uint32_t> lines;
  for (size_t i = first; i < out_.size(); ++i) lines.push_back(out_[i].location.line);
  return lines;
}

}  // namespace tpu::python
