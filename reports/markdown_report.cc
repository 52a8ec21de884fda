// SPDX-License-Identifier: Apache-2.0
#include "reports/markdown_report.h"

#include <algorithm>
#include <sstream>

#include "analyzer/rule_registry.h"
#include "reports/inventory_view.h"
#include "reports/paths.h"
#include "opdb/targets.h"

namespace tpu::reports {
namespace {

// Table cells end at '|' and at a newline; both may occur in messages and paths. Outside
// code spans, '<' and '>' are escaped so that text from the code never turns into HTML.
std::string cell(std::string_view text) {
  std::string out;
  bool in_code = false;
  for (char c : text) {
    if (c == '`') in_code = !in_code;
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (!in_code && c == '<') out += "&lt;";
    else if (!in_code && c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// `text` linked to `path` (+ `fragment`) under --link-base, or left as it is without one.
std::string linked(const MarkdownOptions& options, const std::string& text, const std::string& path,
                   const std::string& fragment) {
  if (options.link_base.empty()) return text;
  std::string base = options.link_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return "[" + text + "](" + base + "/" + uri_encode_path(path) + fragment + ")";
}

std::string where(const Report& report, const Location& at, const MarkdownOptions& options) {
  std::string path = link_path(report, at.path), line = std::to_string(at.line);
  return linked(options, "`" + cell(path) + ":" + line + "`", path, "#L" + line);
}

std::string file_link(const Report& report, const std::string& relative, const MarkdownOptions& options) {
  std::string path = link_path(report, relative);
  return linked(options, "`" + cell(path) + "`", path, "");
}

std::string rule_label(const Finding& finding) {
  std::string label = "`" + finding.rule + "`";
  if (const RuleMeta* rule = find_rule(finding.rule)) label += " " + std::string(rule->name);
  return label;
}

std::string gain(int without, int readiness) {
  std::string text = std::to_string(without);
  if (without > readiness) text += " (+" + std::to_string(without - readiness) + ")";
  return text;
}

// `label` turns a slice's key into the first cell (a category name, or a linked path).
template <class Label>
void severity_table(std::ostringstream& out, const std::vector<Breakdown>& slices, std::string_view heading,
                    int readiness, size_t limit, Label label) {
  out << "| " << heading << " | Blockers | Warnings | Info | Readiness if resolved |\n"
      << "|---|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < slices.size() && i < limit; ++i) {
    const Breakdown& slice = slices[i];
    out << "| " << label(slice.key) << " | " << slice.by_severity[2] << " | " << slice.by_severity[1] << " | "
        << slice.by_severity[0] << " | " << gain(slice.readiness_without, readiness) << " |\n";
  }
  if (slices.size() > limit) out << "\n_… and " << plural(slices.size() - limit, "more file") << "._\n";
}

void finding_list(std::ostringstream& out, const Report& report, const std::vector<size_t>& indexes,
                  const MarkdownOptions& options) {
  for (size_t n = 0; n < indexes.size() && n < options.top_findings; ++n) {
    const Finding& finding = report.scan.findings[indexes[n]];
    out << n + 1 << ". " << where(report, finding.location, options) << " " << rule_label(finding) << ": "
        << cell(finding.message) << "\n";
  }
  if (indexes.size() > options.top_findings)
    out << "\n_… and " << indexes.size() - options.top_findings << " more._\n";
}

// The op statuses, then the ops that hurt (unsupported first), bounded like the rest.
void op_coverage(std::ostringstream& out, const Report& report) {
  if (report.scan.ops.empty()) return;
  const Summary& s = report.summary;
  out << "\n### Op coverage\n\n" << plural(report.scan.ops.size(), "aten op") << " used:";
  for (size_t i = 0; i < kOpStatuses.size(); ++i)
    out << (i == 0 ? " " : ", ") << s.ops_by_status[i] << " " << kOpStatuses[i];
  out << ".\n";
  std::vector<const OpUse*> hurting;
  for (const OpUse& use : report.scan.ops)
    if (use.status == "unsupported" || use.status == "fallback") hurting.push_back(&use);
  if (hurting.empty()) return;
  std::stable_sort(hurting.begin(), hurting.end(),
                   [](const OpUse* a, const OpUse* b) { return a->status == "unsupported" && b->status != "unsupported"; });
  constexpr size_t kShown = 15;
  out << "\n| Op | Status | Uses | Why |\n|---|---|---:|---|\n";
  for (size_t i = 0; i < hurting.size() && i < kShown; ++i)
    out << "| `" << cell(hurting[i]->op) << "` | " << hurting[i]->status << " | " << hurting[i]->count << " | "
        << cell(hurting[i]->reason) << " |\n";
  if (hurting.size() > kShown) out << "\n_… and " << hurting.size() - kShown << " more._\n";
}

// The C++/CUDA extensions' custom ops: how many block a TPU, and those that do (CUDA-only
// first, then CPU-fallback), bounded like the rest.
void custom_ops(std::ostringstream& out, const Report& report, const MarkdownOptions& options) {
  std::vector<InventoryRow> rows = inventory_rows(inventory_of(report));
  if (rows.empty()) return;
  size_t blocking = 0, cpu_fallback = 0;
  for (const InventoryRow& row : rows) {
    blocking += row.blocks;
    cpu_fallback += !row.blocks && row.verdict == "cpu-fallback";
  }
  out << "\n### Custom ops of the C++/CUDA extensions\n\n" << plural(rows.size(), "op") << ": " << blocking
      << " with no TPU path until ported (CUDA-only or another accelerator's), " << cpu_fallback
      << " with a CPU kernel (the CPU fallback), " << rows.size() - blocking - cpu_fallback << " other.\n";
  std::vector<const InventoryRow*> hurting;
  for (const InventoryRow& row : rows)
    if (row.blocks || row.verdict == "cpu-fallback") hurting.push_back(&row);
  if (hurting.empty()) return;
  std::stable_sort(hurting.begin(), hurting.end(),
                   [](const InventoryRow* a, const InventoryRow* b) { return a->blocks && !b->blocks; });
  constexpr size_t kShown = 15;
  out << "\n| Op | Verdict | Kernels and libraries | Called from |\n|---|---|---|---|\n";
  for (size_t i = 0; i < hurting.size() && i < kShown; ++i) {
    const InventoryRow& row = *hurting[i];
    std::string callers = "no Python call found";
    if (!row.callers.empty()) {
      Location first;
      first.path = row.callers.front().path;
      first.line = row.callers.front().line;
      callers = where(report, first, options);
    }
    if (row.callers.size() > 1) callers += " and " + std::to_string(row.callers.size() - 1) + " more";
    out << "| `" << cell(row.op) << "` | " << row.verdict << " | " << cell(join_names(row.kernels)) << " | "
        << callers << " |\n";
  }
  if (hurting.size() > kShown) out << "\n_… and " << hurting.size() - kShown << " more._\n";
}

}  // namespace

std::string render_markdown(const Report& report, const MarkdownOptions& options) {
  const Summary& s = report.summary;
  std::ostringstream out;
  out << "## TPU readiness: " << s.readiness << "/100\n\n";
  out << "**" << plural(s.by_severity[2], "blocker") << "**, " << plural(s.by_severity[1], "warning") << ", "
      << s.by_severity[0] << " info in " << plural(report.scan.files_scanned, "file") << " scanned; "
      << s.autofixable << " with a mechanical fix (`tpu-migrate rewrite`). Target: " << opdb::target_display_name(report.profile) << ".\n";
  if (report.baseline.active)
    out << "\nAgainst the baseline: **" << plural(report.baseline.new_findings, "new finding") << "**, "
        << report.baseline.unchanged << " unchanged, " << report.baseline.resolved << " resolved.\n";
  if (!report.scan.errors.empty())
    out << "\n" << plural(report.scan.errors.size(), "file") << " could not be analysed (see the full report).\n";

  if (!s.categories.empty()) {
    out << "\n### By category\n\n";
    severity_table(out, s.categories, "Category", s.readiness, s.categories.size(),
                   [](const std::string& key) { return cell(key); });
  }

  op_coverage(out, report);
  custom_ops(out, report, options);

  std::vector<size_t> blockers, fresh;
  for (size_t i = 0; i < report.scan.findings.size(); ++i) {
    const Finding& finding = report.scan.findings[i];
    if (finding.severity == Severity::Blocker) blockers.push_back(i);
    if (report.baseline.active && context_of(report, i).baseline == BaselineState::New &&
        finding.severity != Severity::Info)
      fresh.push_back(i);
  }
  if (report.baseline.active && !fresh.empty()) {
    out << "\n### New since the baseline\n\n";
    finding_list(out, report, fresh, options);
  }
  if (!blockers.empty()) {
    out << "\n### Top blockers\n\n";
    finding_list(out, report, blockers, options);
  }

  if (!s.files.empty()) {
    std::vector<Breakdown> files = s.files;
    std::stable_sort(files.begin(), files.end(), [](const Breakdown& a, const Breakdown& b) { return a.penalty > b.penalty; });
    out << "\n<details><summary>Files with the most to do</summary>\n\n";
    severity_table(out, files, "File", s.readiness, options.top_files,
                   [&](const std::string& key) { return file_link(report, key, options); });
    out << "\n</details>\n";
  }

  out << "\n<sub>tpu-migrate " << tool_version()
      << " · `tpu-migrate explain readiness` shows how the score is computed.</sub>\n";
  return out.str();
}

}  // namespace tpu::reports
