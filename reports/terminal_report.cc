// SPDX-License-Identifier: Apache-2.0
#include "reports/terminal_report.h"
#include "opdb/targets.h"

#include <cstdio>
#include <map>
#include <sstream>

namespace tpu::reports {
namespace {

struct Palette {
  const char *bold = "", *dim = "", *red = "", *yellow = "", *blue = "", *green = "", *reset = "";
};

Palette palette(bool color) {
  if (!color) return {};
  return {"\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[36m", "\033[32m", "\033[0m"};
}

const char* severity_color(const Palette& p, Severity severity) {
  switch (severity) {
    case Severity::Blocker: return p.red;
    case Severity::Warning: return p.yellow;
    case Severity::Info: return p.blue;
  }
  return "";
}

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string render_terminal(const Report& report, const TerminalStyle& style) {
  const Palette p = palette(style.color);
  const auto& findings = report.scan.findings;
  std::ostringstream out;

  size_t i = 0;
  while (i < findings.size()) {
    const std::string& path = findings[i].location.path;
    size_t end = i;
    std::map<std::string, size_t> per_rule;
    while (end < findings.size() && findings[end].location.path == path) ++per_rule[findings[end++].rule];
    out << p.bold << path << p.reset << "\n";
    std::map<std::string, std::vector<const Finding*>> folded;
    for (size_t k = i; k < end; ++k) {
      const Finding& finding = findings[k];
      bool fold = per_rule[finding.rule] > style.fold_after;
      auto& group = folded[finding.rule];
      group.push_back(&finding);
      if (fold && group.size() > 1) continue;  // shown in the group line below
      std::string position = std::to_string(finding.location.line) + ":" +
                             std::to_string(finding.location.column);
      out << "  " << p.dim << pad(position, 8) << p.reset << severity_color(p, finding.severity)
          << pad(std::string(to_string(finding.severity)), 8) << p.reset << " " << finding.rule
          << "  " << finding.message;
      if (context_of(report, k).baseline == BaselineState::New) out << " " << p.bold << "[new]" << p.reset;
      if (finding.fix && finding.fix->applicability != Applicability::Manual)
        out << " " << p.green << "[fix: " << to_string(finding.fix->applicability) << "]" << p.reset;
      out << "\n";
    }
    for (const auto& [rule, group] : folded) {
      if (group.size() <= 1 || per_rule[rule] <= style.fold_after) continue;
      out << "  " << p.dim << pad("", 8) << p.reset << "         " << rule << "  … and "
          << group.size() - 1 << " more at lines ";
      for (size_t k = 1; k < group.size(); ++k)
        out << (k > 1 ? ", " : "") << group[k]->location.line;
      out << "\n";
    }
    out << "\n";
    i = end;
  }

  for (const InputError& error : report.scan.errors) {
    out << p.red << "error" << p.reset << ": " << error.path;
    if (error.line != 0) out << ":" << error.line;
    out << ": " << error.message << "\n";
  }
  if (!report.scan.errors.empty()) out << "\n";

  const Summary& s = report.summary;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", report.seconds);
  out << "Scanned " << report.scan.files_scanned << " file" << (report.scan.files_scanned == 1 ? "" : "s");
  if (report.scan.cpp_files != 0)
    out << " (" << report.scan.python_files << " Python, " << report.scan.cpp_files << " C++/CUDA)";
  out << " in " << seconds << " s, target " << opdb::target_display_name(report.profile) << "\n";
  out << "  " << p.red << s.by_severity[2] << " blocker" << (s.by_severity[2] == 1 ? "" : "s")
      << p.reset << ", " << p.yellow << s.by_severity[1] << " warning"
      << (s.by_severity[1] == 1 ? "" : "s") << p.reset << ", " << p.blue << s.by_severity[0]
      << " info" << p.reset << "; " << s.autofixable << " with a mechanical fix\n";
  bool first = true;
  for (int c = 0; c < kCategoryCount; ++c) {
    if (s.by_category[c] == 0) continue;
    out << (first ? "  by category: " : ", ") << to_string(static_cast<Category>(c)) << " "
        << s.by_category[c];
    first = false;
  }
  if (!first) out << "\n";
  if (!report.scan.ops.empty()) {
    std::map<std::string, size_t> by_status;
    for (const OpUse& use : report.scan.ops) ++by_status[use.status];
    out << "  ops: " << report.scan.ops.size() << " aten ops used";
    for (const char* status : {"lowered", "decomposed", "fallback", "unsupported", "unknown"})
      if (by_status.count(status)) out << ", " << status << " " << by_status[status];
    out << "\n";
  }
  if (report.baseline.active)
    out << "  against the baseline: " << report.baseline.new_findings << " new, " << report.baseline.unchanged
        << " unchanged, " << report.baseline.resolved << " resolved\n";
  out << p.bold << "Readiness: " << s.readiness << "/100" << p.reset << "\n";

  size_t shown = 0;
  for (const Finding& finding : findings) {
    if (finding.severity != Severity::Blocker || shown == style.top_blockers) continue;
    if (shown++ == 0) out << "Top blockers:\n";
    out << "  " << finding.location.path << ":" << finding.location.line << "  " << finding.rule
        << "  " << finding.message << "\n";
  }
  return out.str();
}

}  // namespace tpu::reports
