// SPDX-License-Identifier: Apache-2.0
#include "reports/json_report.h"

#include <nlohmann/json.hpp>

namespace tpu::reports {

std::string render_json(const Report& report) {
  using nlohmann::ordered_json;
  const ScanResult& scan = report.scan;
  const Summary& summary = report.summary;

  ordered_json categories = ordered_json::object();
  for (int i = 0; i < kCategoryCount; ++i)
    if (summary.by_category[i] != 0)
      categories[std::string(to_string(static_cast<Category>(i)))] = summary.by_category[i];

  ordered_json findings = ordered_json::array();
  for (const Finding& finding : scan.findings) {
    const Location& at = finding.location;
    ordered_json entry = {
        {"rule", finding.rule},
        {"category", to_string(finding.category)},
        {"severity", to_string(finding.severity)},
        {"path", at.path},
        {"line", at.line},
        {"column", at.column},
        {"end_line", at.end_line},
        {"end_column", at.end_column},
        {"symbol", finding.symbol},
        {"message", finding.message},
    };
    if (const RuleMeta* rule = find_rule(finding.rule)) entry["name"] = rule->name;
    if (finding.fix)
      entry["fix"] = {{"applicability", to_string(finding.fix->applicability)},
                      {"description", finding.fix->description}};
    findings.push_back(std::move(entry));
  }

  ordered_json op_counts = {{"total", scan.ops.size()}, {"lowered", 0},   {"decomposed", 0},
                            {"fallback", 0},          {"unsupported", 0}, {"unknown", 0}};
  ordered_json ops = ordered_json::array();
  for (const OpUse& use : scan.ops) {
    if (op_counts.contains(use.status)) op_counts[use.status] = op_counts[use.status].get<size_t>() + 1;
    ordered_json locations = ordered_json::array();
    for (const Location& at : use.locations) locations.push_back({{"path", at.path}, {"line", at.line}});
    ops.push_back({{"name", use.op},
                   {"status", use.status},
                   {"reason", use.reason},
                   {"sources", use.sources},
                   {"count", use.count},
                   {"locations", std::move(locations)}});
  }

  ordered_json errors = ordered_json::array();
  for (const InputError& error : scan.errors) {
    ordered_json entry = {{"path", error.path}, {"message", error.message}};
    if (error.line != 0) entry["line"] = error.line;
    errors.push_back(std::move(entry));
  }

  ordered_json document = {
      {"schema", "tpu-migrate/report@1"},
      {"tool", {{"name", "tpu-migrate"}, {"version", tool_version()}}},
      {"target", report.target},
      {"profile", report.profile},
      {"root", report.root},
      {"summary",
       {{"readiness", summary.readiness},
        {"files_scanned", scan.files_scanned},
        {"files", {{"python", scan.python_files}, {"cpp", scan.cpp_files}}},
        {"findings",
         {{"blocker", summary.by_severity[static_cast<size_t>(Severity::Blocker)]},
          {"warning", summary.by_severity[static_cast<size_t>(Severity::Warning)]},
          {"info", summary.by_severity[static_cast<size_t>(Severity::Info)]}}},
        {"categories", categories},
        {"autofixable", summary.autofixable},
        {"ops", op_counts}}},
      {"findings", std::move(findings)},
      {"ops", std::move(ops)},
      {"errors", std::move(errors)},
  };
  // Paths are user data; replace invalid UTF-8 rather than fail to write the report.
  return document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace tpu::reports
