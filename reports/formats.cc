// SPDX-License-Identifier: Apache-2.0
#include "reports/formats.h"

#include <array>

#include "reports/github_report.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/sarif_report.h"
#include "reports/terminal_report.h"

namespace tpu::reports {
namespace {

struct FormatInfo {
  Format format;
  std::string_view name, file;
};

constexpr std::array<FormatInfo, 7> kFormats = {{
    {Format::Terminal, "terminal", "report.txt"},
    {Format::Json, "json", "report.json"},
    {Format::Sarif, "sarif", "report.sarif"},
    {Format::Junit, "junit", "report.junit.xml"},
    {Format::Github, "github", "report.github.txt"},
    {Format::Markdown, "markdown", "report.md"},
    {Format::Html, "html", "report.html"},
}};

constexpr std::array<Format, 7> kAll = {Format::Terminal, Format::Json,     Format::Sarif, Format::Junit,
                                        Format::Github,   Format::Markdown, Format::Html};

const FormatInfo& info(Format format) { return kFormats[static_cast<size_t>(format)]; }

}  // namespace

std::span<const Format> all_formats() { return kAll; }
std::string_view to_string(Format format) { return info(format).name; }
std::string_view file_name(Format format) { return info(format).file; }

std::optional<Format> parse_format(std::string_view name) {
  for (const FormatInfo& entry : kFormats)
    if (entry.name == name) return entry.format;
  if (name == "md") return Format::Markdown;
  if (name == "text") return Format::Terminal;
  return std::nullopt;
}

std::string render(const Report& report, Format format, const RenderOptions& options) {
  switch (format) {
    case Format::Terminal: {
      TerminalStyle style;
      style.color = options.color;
      return render_terminal(report, style);
    }
    case Format::Json: return render_json(report);
    case Format::Sarif: return render_sarif(report);
    case Format::Junit: return render_junit(report);
    case Format::Github: return render_github(report);
    case Format::Markdown: return render_markdown(report, MarkdownOptions{options.link_base});
    case Format::Html: return render_html(report);
  }
  return {};
}

}  // namespace tpu::reports
