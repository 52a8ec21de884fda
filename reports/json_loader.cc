// SPDX-License-Identifier: Apache-2.0
#include "reports/json_loader.h"

#include <nlohmann/json.hpp>
#include <set>

namespace tpu::reports {
namespace {

// Ordered, so that the fields a re-render carries over keep their order.
using json = nlohmann::ordered_json;

// A field of the wrong type is reported by nlohmann as an exception; load_json_report
// turns it into an error message.
template <class T>
T optional_field(const json& object, const char* name, T fallback) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? fallback : it->get<T>();
}

Location location_of(const json& entry) {
  Location at;
  at.path = entry.at("path").get<std::string>();
  at.line = optional_field<uint32_t>(entry, "line", 0);
  at.column = optional_field<uint32_t>(entry, "column", 0);
  at.end_line = optional_field<uint32_t>(entry, "end_line", at.line);
  at.end_column = optional_field<uint32_t>(entry, "end_column", at.column);
  return at;
}

std::optional<Applicability> parse_applicability(const std::string& name) {
  for (Applicability a : {Applicability::Manual, Applicability::Unsafe, Applicability::Safe})
    if (to_string(a) == name) return a;
  return std::nullopt;
}

Finding finding_of(const json& entry, FindingContext& context) {
  Finding finding;
  finding.rule = entry.at("rule").get<std::string>();
  std::string category = entry.at("category").get<std::string>();
  std::string severity = entry.at("severity").get<std::string>();
  auto parsed_category = parse_category(category);
  auto parsed_severity = parse_severity(severity);
  if (!parsed_category) throw std::invalid_argument("unknown category '" + category + "'");
  if (!parsed_severity) throw std::invalid_argument("unknown severity '" + severity + "'");
  finding.category = *parsed_category;
  finding.severity = *parsed_severity;
  finding.location = location_of(entry);
  finding.symbol = optional_field<std::string>(entry, "symbol", "");
  finding.message = optional_field<std::string>(entry, "message", "");
  if (auto fix = entry.find("fix"); fix != entry.end() && fix->is_object()) {
    std::string applicability = fix->at("applicability").get<std::string>();
    auto parsed = parse_applicability(applicability);
    if (!parsed) throw std::invalid_argument("unknown fix applicability '" + applicability + "'");
    Fix out{*parsed, optional_field<std::string>(*fix, "description", ""), {}};
    if (auto edits = fix->find("edits"); edits != fix->end())
      for (const json& edit : *edits) {
        Edit& loaded = out.edits.emplace_back(Edit{edit.at("path").get<std::string>(),
                                                   edit.at("begin_byte").get<uint32_t>(),
                                                   edit.at("end_byte").get<uint32_t>(),
                                                   edit.at("replacement").get<std::string>()});
        // Positions came with the edits in later versions; older reports have none.
        if (auto start = edit.find("start"); start != edit.end() && start->is_object()) {
          loaded.line = optional_field<uint32_t>(*start, "line", 0);
          loaded.column = optional_field<uint32_t>(*start, "column", 0);
        }
        if (auto end = edit.find("end"); end != edit.end() && end->is_object()) {
          loaded.end_line = optional_field<uint32_t>(*end, "line", 0);
          loaded.end_column = optional_field<uint32_t>(*end, "column", 0);
        }
      }
    finding.fix = std::move(out);
  }
  context.fingerprint = optional_field<std::string>(entry, "fingerprint", "");
  std::string state = optional_field<std::string>(entry, "baseline", "none");
  context.baseline = state == "new"         ? BaselineState::New
                     : state == "unchanged" ? BaselineState::Unchanged
                                            : BaselineState::None;
  return finding;
}

OpUse op_of(const json& entry) {
  OpUse use;
  use.op = entry.at("name").get<std::string>();
  use.status = entry.at("status").get<std::string>();
  use.reason = optional_field<std::string>(entry, "reason", "");
  use.sources = optional_field<std::vector<std::string>>(entry, "sources", {});
  use.count = optional_field<uint64_t>(entry, "count", 0);
  if (auto locations = entry.find("locations"); locations != entry.end())
    for (const json& at : *locations) use.locations.push_back(location_of(at));
  return use;
}

Report report_of(const json& document) {
  Report report;
  report.root = optional_field<std::string>(document, "root", "");
  report.target = optional_field<std::string>(document, "target", "tpu");
  // A report that names no profile was written when PyTorch/XLA was the default target.
  report.profile = optional_field<std::string>(document, "profile", std::string(opdb::kLegacyDefaultTarget));
  const json& summary = document.at("summary");
  report.scan.files_scanned = summary.at("files_scanned").get<size_t>();
  if (auto files = summary.find("files"); files != summary.end()) {
    report.scan.python_files = optional_field<size_t>(*files, "python", 0);
    report.scan.cpp_files = optional_field<size_t>(*files, "cpp", 0);
  }
  for (const json& entry : document.at("findings")) {
    FindingContext context;
    report.scan.findings.push_back(finding_of(entry, context));
    report.context.push_back(std::move(context));
  }
  for (const json& entry : document.at("ops")) report.scan.ops.push_back(op_of(entry));
  for (const json& entry : document.at("errors"))
    report.scan.errors.push_back(InputError{entry.at("path").get<std::string>(),
                                            optional_field<uint32_t>(entry, "line", 0),
                                            optional_field<std::string>(entry, "message", "")});
  if (auto baseline = summary.find("baseline"); baseline != summary.end()) {
    report.baseline.active = true;
    report.baseline.new_findings = optional_field<size_t>(*baseline, "new", 0);
    report.baseline.unchanged = optional_field<size_t>(*baseline, "unchanged", 0);
    report.baseline.resolved = optional_field<size_t>(*baseline, "resolved", 0);
  }
  // Fields this version does not model (the C++ inventory, fields of newer versions) are carried
  // over verbatim, so that re-rendering a report as JSON loses nothing.
  static const std::set<std::string> kModelled = {"schema", "tool", "target", "profile", "root",
                                                  "summary", "findings", "ops", "errors"};
  for (const auto& [key, value] : document.items())
    if (!kModelled.count(key)) report.carried_fields.emplace_back(key, value.dump());
  summarize(report);
  return report;
}

}  // namespace

std::variant<Report, std::string> load_json_report(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return std::string("not valid JSON");
  if (!document.is_object()) return std::string("not a JSON object");
  std::string schema = document.contains("schema") && document["schema"].is_string()
                           ? document["schema"].get<std::string>()
                           : "";
  if (schema != "tpu-migrate/report@1")
    return "unknown schema '" + schema + "' (expected tpu-migrate/report@1)";
  try {
    return report_of(document);
  } catch (const json::exception& error) {
    return std::string("malformed report: ") + error.what();
  } catch (const std::invalid_argument& error) {
    return std::string("malformed report: ") + error.what();
  }
}

}  // namespace tpu::reports
