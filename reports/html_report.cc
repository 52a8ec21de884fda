// SPDX-License-Identifier: Apache-2.0
#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "analyzer/rule_registry.h"
#include "reports/inventory_panel.h"
#include "reports/inventory_view.h"
#include "reports/html_assets.h"
#include "reports/svg_charts.h"
#include "reports/xml_text.h"
#include "opdb/targets.h"

namespace tpu::reports {
namespace {

constexpr const char* kSeverityColors[] = {"#4285f4", "#f29900", "#d93025"};  // by Severity
constexpr const char* kStatusColors[] = {"#1e8e3e", "#81c995", "#f29900", "#d93025", "#bdc1c6"};  // kOpStatuses

std::string esc(std::string_view text) { return xml_escape(text); }

// Messages mark code with backticks, as Markdown does; show those spans as code. The text
// is escaped first, so nothing from the scanned code becomes markup.
std::string message_html(std::string_view message) {
  std::string escaped = esc(message), out;
  size_t start = 0;
  while (true) {
    size_t open = escaped.find('`', start);
    size_t close = open == std::string::npos ? open : escaped.find('`', open + 1);
    if (close == std::string::npos) break;
    out += escaped.substr(start, open - start) + "<code>" + escaped.substr(open + 1, close - open - 1) + "</code>";
    start = close + 1;
  }
  return out + escaped.substr(start);
}

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string padded(uint32_t n) {
  char text[16];
  std::snprintf(text, sizeof text, "%08u", n);
  return text;
}

void legend(std::ostringstream& out) {
  out << "<div class=\"legend\">";
  for (int s = 2; s >= 0; --s)
    out << "<span><i style=\"background:" << kSeverityColors[s] << "\"></i>" << to_string(static_cast<Severity>(s))
        << "</span>";
  out << "</div>";
}

void score_panel(std::ostringstream& out, const Report& report) {
  const Summary& s = report.summary;
  out << "<section class=\"panel score\"><h2>Readiness</h2>" << svg_gauge(s.readiness)
      << "<div class=\"counts\">";
  for (int sev = 2; sev >= 0; --sev) {
    std::string_view name = to_string(static_cast<Severity>(sev));
    out << "<div class=\"count " << name << "\"><b>" << s.by_severity[sev] << "</b><span>" << name
        << (sev != 0 && s.by_severity[sev] != 1 ? "s" : "") << "</span></div>";
  }
  out << "</div><ul class=\"facts\">"
      << "<li><b>" << report.scan.files_scanned << "</b> files analysed";
  if (report.scan.cpp_files != 0)
    out << " (" << report.scan.python_files << " Python, " << report.scan.cpp_files << " C++/CUDA)";
  out << "</li><li><b>" << s.autofixable << "</b> findings with a mechanical fix</li>"
      << "<li>Penalty <b>" << s.findings_penalty + s.ops_penalty << "</b> against a capacity of <b>" << s.capacity
      << "</b></li>";
  if (report.baseline.active)
    out << "<li><b>" << report.baseline.new_findings << "</b> new since the baseline, " << report.baseline.unchanged
        << " unchanged, " << report.baseline.resolved << " resolved</li>";
  out << "</ul><p class=\"note\">100 means nothing but info remains and every op used runs on the TPU. "
         "Resolving a finding never lowers the score.</p></section>";
}

void category_panel(std::ostringstream& out, const Report& report) {
  std::vector<ChartBar> bars;
  for (const Breakdown& slice : report.summary.categories) {
    ChartBar bar{slice.key, slice.key, {}};
    for (int s = 2; s >= 0; --s)
      bar.segments.push_back({std::string(to_string(static_cast<Severity>(s))),
                              static_cast<double>(slice.by_severity[s]), kSeverityColors[s]});
    bars.push_back(std::move(bar));
  }
  // Most findings first: the chart answers "where is the work".
  std::stable_sort(bars.begin(), bars.end(), [](const ChartBar& a, const ChartBar& b) {
    auto total = [](const ChartBar& bar) {
      double sum = 0;
      for (const ChartSegment& s : bar.segments) sum += s.value;
      return sum;
    };
    return total(a) > total(b);
  });
  std::erase_if(bars, [](const ChartBar& bar) {
    return std::all_of(bar.segments.begin(), bar.segments.end(), [](const ChartSegment& s) { return s.value == 0; });
  });
  out << "<section class=\"panel chart\" id=\"categories\"><h2>Findings by category</h2>";
  if (bars.empty()) {
    out << "<p class=\"empty\">No findings.</p>";
  } else {
    legend(out);
    out << svg_stacked_bars(bars, "Findings by category") << "<p class=\"note\">Click a bar to list its findings.</p>";
  }
  out << "</section>";
}

void ops_panel(std::ostringstream& out, const Report& report) {
  const Summary& s = report.summary;
  out << "<section class=\"panel\" id=\"ops\"><h2>Op coverage</h2>";
  if (report.scan.ops.empty()) {
    out << "<p class=\"empty\">No aten ops found in the code.</p></section>";
    return;
  }
  std::vector<ChartSegment> segments;
  for (size_t i = 0; i < kOpStatuses.size(); ++i)
    segments.push_back({std::string(kOpStatuses[i]), static_cast<double>(s.ops_by_status[i]), kStatusColors[i]});
  out << "<div class=\"ops\">"
      << svg_donut(segments, std::to_string(report.scan.ops.size()), "Aten ops by status on the target") << "<ul>";
  for (size_t i = 0; i < kOpStatuses.size(); ++i)
    out << "<li><i style=\"background:" << kStatusColors[i] << "\"></i><b>" << s.ops_by_status[i] << "</b> "
        << kOpStatuses[i] << "</li>";
  out << "</ul></div>";
  std::vector<const OpUse*> hurting;
  for (const OpUse& use : report.scan.ops)
    if (use.status == "fallback" || use.status == "unsupported") hurting.push_back(&use);
  if (!hurting.empty()) {
    out << "<table class=\"small\"><thead><tr><th>Op</th><th>Status</th><th>Uses</th><th>Why</th></tr></thead><tbody>";
    for (const OpUse* use : hurting)
      out << "<tr><td><code>" << esc(use->op) << "</code></td><td><span class=\"badge " << esc(use->status) << "\">"
          << esc(use->status) << "</span></td><td class=\"num\">" << use->count << "</td><td>" << esc(use->reason)
          << "</td></tr>";
    out << "</tbody></table>";
  }
  out << "</section>";
}

void start_panel(std::ostringstream& out, const Report& report) {
  const Summary& s = report.summary;
  out << "<section class=\"panel\" id=\"start\"><h2>Where to start</h2>";
  if (s.categories.empty() && s.files.empty()) {
    out << "<p class=\"empty\">Nothing to do.</p></section>";
    return;
  }
  auto table = [&](const std::vector<Breakdown>& slices, std::string_view heading, bool code) {
    out << "<table class=\"small\"><thead><tr><th>" << heading
        << "</th><th>Blockers</th><th>Warnings</th><th>Readiness if resolved</th></tr></thead><tbody>";
    for (size_t i = 0; i < slices.size() && i < 6; ++i) {
      const Breakdown& slice = slices[i];
      if (slice.penalty == 0) break;
      out << "<tr><td>" << (code ? "<code>" : "") << esc(slice.key) << (code ? "</code>" : "") << "</td><td class=\"num\">"
          << slice.by_severity[2] << "</td><td class=\"num\">" << slice.by_severity[1] << "</td><td class=\"num\">"
          << slice.readiness_without;
      if (slice.readiness_without > s.readiness)
        out << " <span class=\"gain\">+" << slice.readiness_without - s.readiness << "</span>";
      out << "</td></tr>";
    }
    out << "</tbody></table>";
  };
  std::vector<Breakdown> files = s.files;
  std::stable_sort(files.begin(), files.end(), [](const Breakdown& a, const Breakdown& b) { return a.penalty > b.penalty; });
  table(s.categories, "Category", false);
  out << "<div style=\"height:14px\"></div>";
  table(files, "File", true);
  out << "<p class=\"note\">The score each would reach if that category or file were resolved.</p></section>";
}

void numerics_panel(std::ostringstream& out, const Report& report) {
  if (!report.numerics) return;
  const Numerics& numerics = *report.numerics;
  out << "<section class=\"panel\" id=\"numerics\" style=\"margin-bottom:20px\"><h2>Numerics on the target</h2>"
      << "<p><span class=\"badge " << esc(numerics.verdict) << "\">" << esc(numerics.verdict) << "</span> "
      << "candidate <b>" << esc(numerics.candidate) << "</b>";
  if (!numerics.source.empty()) out << " · source device <b>" << esc(numerics.source) << "</b>";
  out << " · " << plural(numerics.samples, "sampled call") << ": " << numerics.fail << " ops fail, " << numerics.warn
      << " warn, " << numerics.pass << " pass, " << numerics.skipped << " skipped";
  if (numerics.error != 0) out << ", " << numerics.error << " could not run";
  out << "</p>";
  if (!numerics.model_status.empty())
    out << "<p>Whole model: <span class=\"badge " << esc(numerics.model_status) << "\">" << esc(numerics.model_status)
        << "</span> " << esc(numerics.model_reason) << "</p>";
  std::vector<const NumericsOp*> shown;
  for (const NumericsOp& op : numerics.ops)
    if (op.status != "pass" && op.status != "skipped") shown.push_back(&op);
  if (shown.empty()) {
    out << "<p class=\"empty\">Every replayed op agrees with the float64 reference within its tolerance.</p></section>";
    return;
  }
  // check writes its ops worst first; the table keeps that order.
  out << "<table class=\"small\"><thead><tr><th>Op</th><th>Verdict</th><th>Why (worst output)</th><th>Ran at</th>"
      << "</tr></thead><tbody>";
  for (const NumericsOp* op : shown) {
    out << "<tr><td><code>" << esc(op->name) << "</code></td><td><span class=\"badge " << esc(op->status) << "\">"
        << esc(op->status) << "</span></td><td>" << esc(op->detail) << "</td><td>";
    for (size_t i = 0; i < op->locations.size() && i < 3; ++i)
      out << (i ? "<br>" : "") << "<code>" << esc(op->locations[i].path) << ":" << op->locations[i].line << "</code>";
    if (op->locations.size() > 3) out << "<br>and " << op->locations.size() - 3 << " more";
    out << "</td></tr>";
  }
  out << "</tbody></table><p class=\"note\">From <code>tpu-migrate check --format json</code>; "
      << "<code>docs/check.md</code> explains the metrics and tolerances.</p></section>";
}

void excerpt(std::ostringstream& out, const Finding& finding, const Excerpt& lines) {
  if (lines.lines.empty()) return;
  uint32_t last_hit = std::max(finding.location.line, finding.location.end_line);
  out << "<details><summary>source</summary><pre class=\"excerpt\">";
  for (size_t k = 0; k < lines.lines.size(); ++k) {
    uint32_t number = lines.first_line + static_cast<uint32_t>(k);
    bool hit = number >= finding.location.line && number <= last_hit;
    out << "<span data-line=\"" << number << "\"" << (hit ? " class=\"hit\"" : "") << ">" << esc(lines.lines[k])
        << "</span>";
  }
  out << "</pre></details>";
}

void findings_panel(std::ostringstream& out, const Report& report) {
  const auto& findings = report.scan.findings;
  std::set<std::string> categories;
  for (const Finding& finding : findings) categories.insert(std::string(to_string(finding.category)));
  out << "<section class=\"panel\" id=\"findings-panel\"><h2>Findings</h2><div class=\"filters\">"
      << "<input id=\"filter-text\" type=\"search\" placeholder=\"Filter by rule, file, symbol or message\" "
         "aria-label=\"Filter findings\">"
      << "<select id=\"filter-severity\" aria-label=\"Severity\"><option value=\"\">All severities</option>"
      << "<option value=\"blocker\">Blockers</option><option value=\"warning\">Warnings</option>"
      << "<option value=\"info\">Info</option></select>"
      << "<select id=\"filter-category\" aria-label=\"Category\"><option value=\"\">All categories</option>";
  for (const std::string& category : categories)
    out << "<option value=\"" << esc(category) << "\">" << esc(category) << "</option>";
  out << "</select>";
  if (report.baseline.active) out << "<label><input id=\"filter-new\" type=\"checkbox\"> new only</label>";
  out << "<span class=\"shown\">Showing <b id=\"shown\">" << findings.size() << "</b> of " << findings.size()
      << "</span></div>";
  out << "<div class=\"table-wrap\"><table id=\"findings\"><colgroup><col class=\"severity\"><col class=\"rule\">"
         "<col class=\"category\"><col class=\"where\"><col class=\"msg\"><col class=\"fix\"></colgroup><thead><tr>"
      << "<th data-type=\"number\" data-first=\"descending\" aria-sort=\"none\"><button>Severity</button></th>"
      << "<th aria-sort=\"none\"><button>Rule</button></th>"
      << "<th aria-sort=\"none\"><button>Category</button></th>"
      << "<th aria-sort=\"ascending\"><button>Location</button></th>"
      << "<th aria-sort=\"none\"><button>Message</button></th>"
      << "<th aria-sort=\"none\"><button>Fix</button></th></tr></thead><tbody>";
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    const FindingContext& context = context_of(report, i);
    const RuleMeta* rule = find_rule(finding.rule);
    std::string name = rule ? std::string(rule->name) : "";
    std::string severity(to_string(finding.severity));
    std::string category(to_string(finding.category));
    const Location& at = finding.location;
    std::string search = lower(finding.rule + " " + name + " " + category + " " + at.path + ":" +
                               std::to_string(at.line) + " " + finding.symbol + " " + finding.message);
    out << "<tr data-order=\"" << i << "\" data-severity=\"" << severity << "\" data-category=\"" << category
        << "\" data-baseline=\"" << to_string(context.baseline) << "\" data-search=\"" << esc(search) << "\">";
    out << "<td data-sort=\"" << static_cast<int>(finding.severity) << "\"><span class=\"badge " << severity << "\">"
        << severity << "</span>";
    if (context.baseline == BaselineState::New) out << "<span class=\"badge new\">new</span>";
    out << "</td><td class=\"rule\" data-sort=\"" << esc(finding.rule) << "\"><code>" << esc(finding.rule)
        << "</code><small>" << esc(name) << "</small></td>";
    out << "<td class=\"category\" data-sort=\"" << category << "\">" << category << "</td>";
    out << "<td class=\"where\" data-sort=\"" << esc(at.path) << ":" << padded(at.line) << ":" << padded(at.column)
        << "\"><code>" << esc(at.path) << ":" << at.line << ":" << at.column << "</code></td>";
    out << "<td class=\"msg\" data-sort=\"" << esc(lower(finding.message)) << "\">" << message_html(finding.message);
    excerpt(out, finding, context.excerpt);
    out << "</td>";
    std::string applicability = finding.fix ? std::string(to_string(finding.fix->applicability)) : "none";
    out << "<td class=\"fix " << applicability << "\" data-sort=\"" << applicability << "\">";
    if (finding.fix) out << "<b>" << applicability << "</b>: " << message_html(finding.fix->description);
    out << "</td></tr>";
  }
  out << "</tbody></table></div><p id=\"no-match\" class=\"empty\" hidden>"
      << (findings.empty() ? "No findings: nothing ties this code to CUDA." : "No finding matches the filters.")
      << "</p></section>";
}

void errors_panel(std::ostringstream& out, const Report& report) {
  if (report.scan.errors.empty()) return;
  out << "<section class=\"panel\" id=\"errors\" style=\"margin-top:20px\"><h2>Files that could not be analysed</h2>"
      << "<table class=\"small\"><tbody>";
  for (const InputError& error : report.scan.errors) {
    out << "<tr><td><code>" << esc(error.path);
    if (error.line != 0) out << ":" << error.line;
    out << "</code></td><td>" << esc(error.message) << "</td></tr>";
  }
  out << "</tbody></table></section>";
}

}  // namespace

std::string render_html(const Report& report) {
  std::ostringstream out;
  std::string root = report.root.empty() ? "." : report.root;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      // Everything is inline; forbidding every fetch proves the page works offline.
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">"
      << "<title>TPU readiness " << report.summary.readiness << "/100 · " << esc(root) << "</title>"
      << "<style>" << html_style() << "</style></head><body>\n"
      << "<header><h1>TPU readiness report</h1><div class=\"meta\"><code>" << esc(root) << "</code> · target <b>"
      << esc(std::string(opdb::target_display_name(report.profile))) << "</b> · " << plural(report.scan.files_scanned, "file") << " scanned · tpu-migrate "
      << esc(tool_version()) << "</div></header>\n<main>\n<div class=\"grid\">";
  score_panel(out, report);
  category_panel(out, report);
  out << "</div>\n<div class=\"grid\" style=\"grid-template-columns:1fr 1fr\">";
  ops_panel(out, report);
  start_panel(out, report);
  out << "</div>\n";
  numerics_panel(out, report);
  inventory_panel(out, inventory_of(report));
  findings_panel(out, report);
  errors_panel(out, report);
  out << "\n<footer>Generated by tpu-migrate " << esc(tool_version())
      << ". <code>tpu-migrate explain readiness</code> shows how the score is computed.</footer>\n</main>\n"
      << "<script>" << html_script() << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace tpu::reports
