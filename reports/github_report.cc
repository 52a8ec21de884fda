// SPDX-License-Identifier: Apache-2.0
#include "reports/github_report.h"

#include "analyzer/rule_registry.h"
#include "reports/paths.h"

namespace tpu::reports {
namespace {

// The escaping of the Actions runner (toolkit/packages/core/src/command.ts): the message
// escapes % CR LF; property values also escape : and , which separate properties.
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string_view command(Severity severity) {
  switch (severity) {
    case Severity::Blocker: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "notice";
  }
  return "notice";
}

}  // namespace

std::string render_github(const Report& report) {
  std::string out;
  for (size_t i = 0; i < report.scan.findings.size(); ++i) {
    const Finding& finding = report.scan.findings[i];
    // With a baseline, accepted findings would only be noise on the pull request.
    if (report.baseline.active && context_of(report, i).baseline != BaselineState::New) continue;
    const Location& at = finding.location;
    std::string title = finding.rule;
    if (const RuleMeta* rule = find_rule(finding.rule)) title += " " + std::string(rule->name);
    out += "::" + std::string(command(finding.severity)) + " file=" + escape_property(joined_path(report, at.path)) +
           ",line=" + std::to_string(at.line);
    if (at.column != 0) out += ",col=" + std::to_string(at.column);
    if (at.end_line > at.line) out += ",endLine=" + std::to_string(at.end_line);
    else if (at.end_line == at.line && at.end_column > at.column) out += ",endColumn=" + std::to_string(at.end_column);
    out += ",title=" + escape_property(title) + "::" + escape_data(finding.message);
    if (finding.fix && finding.fix->applicability != Applicability::Manual)
      out += escape_data("\nFix (" + std::string(to_string(finding.fix->applicability)) +
                         "): " + finding.fix->description);
    out += "\n";
  }
  for (const InputError& error : report.scan.errors) {
    out += "::warning file=" + escape_property(joined_path(report, error.path));
    if (error.line != 0) out += ",line=" + std::to_string(error.line);
    out += ",title=tpu-migrate input error::" + escape_data(error.message) + "\n";
  }
  const Summary& s = report.summary;
  std::string summary = "Readiness " + std::to_string(s.readiness) + "/100: " +
                        std::to_string(s.by_severity[2]) + " blockers, " + std::to_string(s.by_severity[1]) +
                        " warnings, " + std::to_string(s.by_severity[0]) + " info in " +
                        std::to_string(report.scan.files_scanned) + " files";
  if (report.baseline.active)
    summary += "; " + std::to_string(report.baseline.new_findings) + " new since the baseline";
  out += "::notice title=" + escape_property("TPU readiness") + "::" + escape_data(summary) + "\n";
  return out;
}

}  // namespace tpu::reports
