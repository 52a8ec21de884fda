// SPDX-License-Identifier: Apache-2.0
#include "reports/json_report.h"

#include <nlohmann/json.hpp>

#include "analyzer/cpp/inventory_json.h"
#include "analyzer/rule_registry.h"
#include "reports/json_text.h"

namespace tpu::reports {
namespace {

using nlohmann::ordered_json;

ordered_json severity_counts(const std::array<size_t, 3>& counts) {
  return {{"blocker", counts[static_cast<size_t>(Severity::Blocker)]},
          {"warning", counts[static_cast<size_t>(Severity::Warning)]},
          {"info", counts[static_cast<size_t>(Severity::Info)]}};
}

ordered_json breakdowns(const std::vector<Breakdown>& slices, const char* key_name) {
  ordered_json out = ordered_json::array();
  for (const Breakdown& slice : slices) {
    ordered_json entry = {{key_name, slice.key}};
    entry.update(severity_counts(slice.by_severity));
    entry["penalty"] = slice.penalty;
    entry["readiness_without"] = slice.readiness_without;
    out.push_back(std::move(entry));
  }
  return out;
}

ordered_json finding_json(const Finding& finding, const FindingContext& context, bool baseline) {
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
  if (finding.fix) {
    ordered_json fix = {{"applicability", to_string(finding.fix->applicability)},
                        {"description", finding.fix->description}};
    if (!finding.fix->edits.empty()) {
      ordered_json edits = ordered_json::array();
      for (const Edit& edit : finding.fix->edits) {
        ordered_json entry = {{"path", edit.path}};
        // Added to report@1: where the edit begins and ends as line and column (1-based,
        // code points, the end exclusive), beside the byte offsets.
        if (edit.line != 0)
          entry.update({{"start", {{"line", edit.line}, {"column", edit.column}}},
                        {"end", {{"line", edit.end_line}, {"column", edit.end_column}}}});
        entry.update({{"begin_byte", edit.begin_byte}, {"end_byte", edit.end_byte}, {"replacement", edit.replacement}});
        edits.push_back(std::move(entry));
      }
      fix["edits"] = std::move(edits);
    }
    entry["fix"] = std::move(fix);
  }
  if (!context.fingerprint.empty()) entry["fingerprint"] = context.fingerprint;
  if (baseline) entry["baseline"] = to_string(context.baseline);
  return entry;
}

// The op uses, written straight as text: a large repository has tens of thousands of call
// sites, and a json object for each (built, printed, freed) was most of a cached scan.
void append_op_uses(std::string& out, const std::vector<OpUse>& ops, int depth) {
  using namespace json_text;
  if (ops.empty()) {
    out += "[]";
    return;
  }
  auto member = [&](std::string_view key, int at) {
    append_break(out, at);
    out += '"';
    out += key;
    out += "\": ";
  };
  out += '[';
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpUse& use = ops[i];
    if (i != 0) out += ',';
    append_break(out, depth + 1);
    out += '{';
    member("name", depth + 2);
    append_string(out, use.op);
    out += ',';
    member("status", depth + 2);
    append_string(out, use.status);
    out += ',';
    member("reason", depth + 2);
    append_string(out, use.reason);
    out += ',';
    member("sources", depth + 2);
    if (use.sources.empty()) {
      out += "[]";
    } else {
      out += '[';
      for (size_t k = 0; k < use.sources.size(); ++k) {
        if (k != 0) out += ',';
        append_break(out, depth + 3);
        append_string(out, use.sources[k]);
      }
      append_break(out, depth + 2);
      out += ']';
    }
    out += ',';
    member("count", depth + 2);
    append_uint(out, use.count);
    out += ',';
    member("locations", depth + 2);
    if (use.locations.empty()) {
      out += "[]";
    } else {
      out += '[';
      for (size_t k = 0; k < use.locations.size(); ++k) {
        const Location& at = use.locations[k];
        if (k != 0) out += ',';
        append_break(out, depth + 3);
        out += '{';
        member("path", depth + 4);
        append_string(out, at.path);
        out += ',';
        member("line", depth + 4);
        append_uint(out, at.line);
        append_break(out, depth + 3);
        out += '}';
      }
      append_break(out, depth + 2);
      out += ']';
    }
    append_break(out, depth + 1);
    out += '}';
  }
  append_break(out, depth);
  out += ']';
}

}  // namespace

std::string render_json(const Report& report) {
  const ScanResult& scan = report.scan;
  const Summary& summary = report.summary;

  ordered_json categories = ordered_json::object();
  for (int i = 0; i < kCategoryCount; ++i)
    if (summary.by_category[i] != 0)
      categories[std::string(to_string(static_cast<Category>(i)))] = summary.by_category[i];

  ordered_json findings = ordered_json::array();
  for (size_t i = 0; i < scan.findings.size(); ++i)
    findings.push_back(finding_json(scan.findings[i], context_of(report, i), report.baseline.active));

  ordered_json op_counts = {{"total", scan.ops.size()}};
  for (size_t i = 0; i < kOpStatuses.size(); ++i) op_counts[std::string(kOpStatuses[i])] = summary.ops_by_status[i];
  ordered_json errors = ordered_json::array();
  for (const InputError& error : scan.errors) {
    ordered_json entry = {{"path", error.path}, {"message", error.message}};
    if (error.line != 0) entry["line"] = error.line;
    errors.push_back(std::move(entry));
  }

  ordered_json summary_json = {
      {"readiness", summary.readiness},
      {"files_scanned", scan.files_scanned},
      {"files", {{"python", scan.python_files}, {"cpp", scan.cpp_files}}},
      {"findings", severity_counts(summary.by_severity)},
      {"categories", categories},
      {"autofixable", summary.autofixable},
      {"ops", op_counts},
      // Added in place of nothing (schema @1 allows new fields): the score's terms and
      // where the penalty comes from.
      {"readiness_terms",
       {{"findings_penalty", summary.findings_penalty},
        {"ops_penalty", summary.ops_penalty},
        {"capacity", summary.capacity}}},
      {"by_category", breakdowns(summary.categories, "category")},
      {"by_file", breakdowns(summary.files, "path")},
  };
  if (report.baseline.active)
    summary_json["baseline"] = {{"new", report.baseline.new_findings},
                                {"unchanged", report.baseline.unchanged},
                                {"resolved", report.baseline.resolved}};

  ordered_json document = {
      {"schema", "tpu-migrate/report@1"},
      {"tool", {{"name", "tpu-migrate"}, {"version", tool_version()}}},
      {"target", report.target},
      {"profile", report.profile},
      {"root", report.root},
      {"summary", std::move(summary_json)},
      {"findings", std::move(findings)},
      {"ops", nullptr},  // written by append_op_uses, in its place
      {"errors", std::move(errors)},
  };
  // The custom-op inventory of the C++/CUDA extensions, when the scan saw any C++ (an added
  // field of report@1).
  if (!scan.inventory.mode.empty()) document["inventory"] = cpp::inventory_json(scan.inventory);
  for (const auto& [key, text] : report.carried_fields)
    if (!document.contains(key)) document[key] = ordered_json::parse(text);
  // The document as nlohmann would indent it, each member written by json_text (paths are
  // user data: invalid UTF-8 is replaced rather than failing the report).
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : document.items()) {
    out += first ? "" : ",";
    first = false;
    json_text::append_break(out, 1);
    json_text::append_string(out, key);
    out += ": ";
    if (key == "ops") append_op_uses(out, scan.ops, 1);
    else json_text::append_value(out, value, 1);
  }
  out += "\n}\n";
  return out;
}

}  // namespace tpu::reports
