// SPDX-License-Identifier: Apache-2.0
#include "reports/sarif_report.h"

#include <map>
#include <nlohmann/json.hpp>

#include "analyzer/core/rule.h"
#include "analyzer/rule_fixes.h"
#include "analyzer/rule_registry.h"
#include "reports/paths.h"

namespace tpu::reports {
namespace {

using nlohmann::ordered_json;

constexpr const char* kRootId = "SRCROOT";

std::string_view level(Severity severity) {
  switch (severity) {
    case Severity::Blocker: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "none";
}

// An absolute root becomes the SRCROOT base; a relative one is folded into each path,
// so that the URIs are relative to where the tool ran (the checkout, in CI).
ordered_json artifact_location(const Report& report, std::string_view path) {
  if (root_is_absolute(report)) return {{"uri", uri_encode_path(path)}, {"uriBaseId", kRootId}};
  return {{"uri", uri_encode_path(joined_path(report, path))}};
}

std::string help_markdown(const RuleMeta& rule) {
  std::string_view language = to_string(rule.language);
  std::string text = std::string(rule.summary) + "\n\n## Why it matters on a TPU\n\n" +
                     std::string(rule.rationale) + "\n\n## The TPU way\n\n" + std::string(rule.tpu_way);
  if (!rule.before.empty())
    text += "\n\n## Example\n\n```" + std::string(language) + "\n" + std::string(rule.before) + "\n```\n\nbecomes\n\n```" +
            std::string(language) + "\n" + std::string(rule.after) + "\n```";
  if (!rule.fix_sites.empty()) text += "\n\nFix (" + rule_fix_description(rule) + "): " + std::string(rule.fix_title);
  return text;
}

std::string help_text(const RuleMeta& rule) {
  std::string text = std::string(rule.summary) + "\n\nWhy it matters on a TPU: " + std::string(rule.rationale) +
                     "\n\nThe TPU way: " + std::string(rule.tpu_way);
  if (!rule.before.empty())
    text += "\n\nBefore:\n" + std::string(rule.before) + "\n\nAfter:\n" + std::string(rule.after);
  return text;
}

ordered_json rule_descriptor(const RuleMeta& rule) {
  return {{"id", rule.code},
          {"name", rule.name},
          {"shortDescription", {{"text", rule.summary}}},
          {"fullDescription", {{"text", rule.rationale}}},
          {"help", {{"text", help_text(rule)}, {"markdown", help_markdown(rule)}}},
          {"defaultConfiguration", {{"level", level(rule.severity)}}},
          {"properties",
           {{"category", to_string(rule.category)},
            {"tags", {"tpu", std::string(to_string(rule.category))}},
            {"fix", rule_fix_word(rule)},
            {"fixApplicabilities", rule_fix_applicability_names(rule)}}}};
}

ordered_json region(const Location& at) {
  ordered_json out = {{"startLine", at.line}};
  if (at.column != 0) out["startColumn"] = at.column;
  if (at.end_line >= at.line && at.end_line != 0) out["endLine"] = at.end_line;
  // Our end column is exclusive, as SARIF's is; an empty region has no end column.
  if (at.end_column > 0 && (at.end_line > at.line || at.end_column > at.column)) out["endColumn"] = at.end_column;
  return out;
}

ordered_json fixes(const Report& report, const Fix& fix) {
  std::map<std::string, ordered_json> by_file;  // SARIF wants one artifactChange per file
  for (const Edit& edit : fix.edits)
    by_file[edit.path].push_back({{"deletedRegion", {{"byteOffset", edit.begin_byte},
                                                     {"byteLength", edit.end_byte - edit.begin_byte}}},
                                  {"insertedContent", {{"text", edit.replacement}}}});
  ordered_json changes = ordered_json::array();
  for (auto& [path, replacements] : by_file)
    changes.push_back({{"artifactLocation", artifact_location(report, path)}, {"replacements", replacements}});
  return ordered_json::array({{{"description", {{"text", fix.description}}}, {"artifactChanges", changes}}});
}

}  // namespace

std::string render_sarif(const Report& report) {
  ordered_json rules = ordered_json::array();
  std::map<std::string, size_t> rule_index;
  for (const RuleMeta* rule : all_rules()) {
    rule_index[std::string(rule->code)] = rules.size();
    rules.push_back(rule_descriptor(*rule));
  }
  // A loaded report may name a rule this version no longer has: give it a bare entry so
  // that every result still resolves its ruleIndex.
  for (const Finding& finding : report.scan.findings)
    if (!rule_index.count(finding.rule)) {
      rule_index[finding.rule] = rules.size();
      rules.push_back({{"id", finding.rule}});
    }

  ordered_json results = ordered_json::array();
  for (size_t i = 0; i < report.scan.findings.size(); ++i) {
    const Finding& finding = report.scan.findings[i];
    const FindingContext& context = context_of(report, i);
    ordered_json result = {
        {"ruleId", finding.rule},
        {"ruleIndex", rule_index[finding.rule]},
        {"level", level(finding.severity)},
        {"message", {{"text", finding.message}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", artifact_location(report, finding.location.path)},
             {"region", region(finding.location)}}}}}},
    };
    if (!context.fingerprint.empty()) result["partialFingerprints"] = {{"tpuMigrate/v1", context.fingerprint}};
    if (report.baseline.active) result["baselineState"] = context.baseline == BaselineState::New ? "new" : "unchanged";
    // Fixes that are described but carry no edits stay in properties: SARIF requires
    // artifactChanges in every fix.
    if (finding.fix && !finding.fix->edits.empty()) result["fixes"] = fixes(report, *finding.fix);
    ordered_json properties = {{"category", to_string(finding.category)}, {"symbol", finding.symbol}};
    if (finding.fix)
      properties["fix"] = {{"applicability", to_string(finding.fix->applicability)},
                           {"description", finding.fix->description}};
    result["properties"] = std::move(properties);
    results.push_back(std::move(result));
  }

  ordered_json notifications = ordered_json::array();
  for (const InputError& error : report.scan.errors) {
    ordered_json physical = {{"artifactLocation", artifact_location(report, error.path)}};
    if (error.line != 0) physical["region"] = {{"startLine", error.line}};
    notifications.push_back({{"level", "warning"},
                             {"message", {{"text", error.message}}},
                             {"locations", {{{"physicalLocation", physical}}}}});
  }

  ordered_json run = {
      {"tool",
       {{"driver",
         {{"name", "tpu-migrate"},
          {"version", tool_version()},
          {"semanticVersion", tool_version()},
          {"rules", std::move(rules)}}}}},
      {"invocations", {{{"executionSuccessful", true}, {"toolExecutionNotifications", notifications}}}},
  };
  if (root_is_absolute(report)) {
    std::string root = report.root;
    if (root.back() != '/') root += '/';
    run["originalUriBaseIds"] = {{kRootId, {{"uri", "file://" + uri_encode_path(root)}}}};
  }
  run["results"] = std::move(results);
  run["columnKind"] = "unicodeCodePoints";  // the analyzer counts columns in code points
  run["properties"] = {{"readiness", report.summary.readiness}, {"target", report.target}, {"profile", report.profile}};

  ordered_json document = {
      {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", ordered_json::array({std::move(run)})},
  };
  return document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace tpu::reports
