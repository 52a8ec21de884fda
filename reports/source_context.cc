// SPDX-License-Identifier: Apache-2.0
#include "reports/source_context.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "reports/baseline.h"

namespace fs = std::filesystem;

namespace tpu::reports {
namespace {

constexpr uintmax_t kMaxFileBytes = 16u << 20;  // larger than any file a scan reads
constexpr size_t kMaxLineBytes = 300;            // excerpts are for reading, not for copying
constexpr uint32_t kMaxExcerptLines = 9;

std::vector<std::string> read_lines(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > kMaxFileBytes) return {};
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

// Cuts at a UTF-8 boundary so that a shortened line is still valid text.
std::string shorten(const std::string& line) {
  if (line.size() <= kMaxLineBytes) return line;
  size_t end = kMaxLineBytes;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return line.substr(0, end) + "…";
}

}  // namespace

std::string source_base(const std::string& root) {
  if (root.empty()) return ".";
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    std::string parent = fs::path(root).parent_path().string();
    return parent.empty() ? "." : parent;
  }
  return root;
}

void attach_sources(Report& report, const SourceOptions& options) {
  const unsigned context_lines = options.context_lines;
  const auto& findings = report.scan.findings;
  report.context.resize(findings.size());
  fs::path base = source_base(report.root);
  std::string cached_path;
  std::vector<std::string> lines;
  bool cached = false;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    FindingContext& context = report.context[i];
    if (!cached || cached_path != finding.location.path) {
      lines = read_lines(base / finding.location.path);
      cached_path = finding.location.path;
      cached = true;
    }
    uint32_t line = finding.location.line;
    bool readable = line >= 1 && line <= lines.size();
    if (readable) context.line_text = normalize_source_line(lines[line - 1]);
    if (readable && options.excerpts) {
      uint32_t last = std::max(line, finding.location.end_line);
      uint32_t first = line > context_lines ? line - context_lines : 1;
      last = std::min<uint32_t>(last + context_lines, static_cast<uint32_t>(lines.size()));
      last = std::min(last, first + kMaxExcerptLines - 1);
      context.excerpt.first_line = first;
      context.excerpt.lines.clear();
      for (uint32_t n = first; n <= last; ++n) context.excerpt.lines.push_back(shorten(lines[n - 1]));
    }
    // A loaded report keeps the fingerprint computed when it was scanned: the file may have
    // changed since.
    if (context.fingerprint.empty()) context.fingerprint = fingerprint(report, finding, context.line_text);
  }
}

}  // namespace tpu::reports
