// SPDX-License-Identifier: Apache-2.0
#include "reports/source_context.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <thread>
#include <vector>

#include "analyzer/core/discovery.h"
#include "reports/baseline.h"

namespace fs = std::filesystem;

namespace tpu::reports {
namespace {

constexpr uintmax_t kMaxFileBytes = 16u << 20;  // larger than any file a scan reads
constexpr size_t kMaxLineBytes = 300;            // excerpts are for reading, not for copying
constexpr uint32_t kMaxExcerptLines = 9;
// A finding's line text (fingerprints, baselines) is the whole line up to this size, as code
// is written; past it (generated or minified code, one line holding thousands of findings) it
// is a window around the finding, so that each finding costs a bounded amount of time and
// memory whatever the shape of its line.
constexpr size_t kWholeLineBytes = 2048;
constexpr size_t kWindowBefore = 120, kWindowAfter = 200;

// The file's text, empty when it cannot be read or is larger than any file a scan reads.
std::string read_text(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return {};
  uintmax_t size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return {};
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// Lines as std::getline gives them ("a\nb\n" and "a\nb" are two lines), without a trailing '\r'.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    begin = end + 1;
  }
  return lines;
}

// Cuts at a UTF-8 boundary so that a shortened line is still valid text.
std::string shorten(std::string_view line) {
  if (line.size() <= kMaxLineBytes) return std::string(line);
  size_t end = kMaxLineBytes;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return std::string(line.substr(0, end)) + "…";
}

// Moves `at` back to the start of a UTF-8 sequence.
size_t to_boundary(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// The bytes of `line` from `before` bytes ahead of `offset` to `after` bytes past it, with
// "…" where the line goes on.
std::string window(std::string_view line, size_t offset, size_t before, size_t after) {
  size_t begin = to_boundary(line, offset > before ? offset - before : 0);
  size_t end = to_boundary(line, std::min(line.size(), offset + after));
  std::string out = begin > 0 ? "…" : "";
  out += line.substr(begin, end - begin);
  if (end < line.size()) out += "…";
  return out;
}

// The byte offset of a 1-based code-point column, walked from the previous answer when the
// finding is further along the same line (findings come sorted), so that the findings of one
// long line cost one walk of it in all.
class ColumnCursor {
 public:
  size_t offset(std::string_view line, uint32_t line_number, uint32_t column) {
    if (line_number != line_ || column < column_) {
      line_ = line_number;
      column_ = 1;
      byte_ = 0;
    }
    while (column_ < column && byte_ < line.size()) {
      ++byte_;
      while (byte_ < line.size() && (static_cast<unsigned char>(line[byte_]) & 0xC0) == 0x80) ++byte_;
      ++column_;
    }
    return byte_;
  }

 private:
  uint32_t line_ = 0, column_ = 1;
  size_t byte_ = 0;
};

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
  const fs::path base = source_base(report.root);

  // Each run of findings in one file (a scan's findings are sorted by path) reads that file
  // once; runs are handed out to the threads one at a time.
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < findings.size();) {
    size_t end = i + 1;
    while (end < findings.size() && findings[end].location.path == findings[i].location.path) ++end;
    runs.emplace_back(i, end);
    i = end;
  }
  auto attach_run = [&](size_t begin, size_t end) {
    const std::string text = read_text(base / raw_path(findings[begin].location.path));
    const std::vector<std::string_view> lines = split_lines(text);
    ColumnCursor cursor;
    for (size_t i = begin; i < end; ++i) {
      const Finding& finding = findings[i];
      FindingContext& context = report.context[i];
      uint32_t line = finding.location.line;
      bool readable = line >= 1 && line <= lines.size();
      std::string_view hit_line = readable ? lines[line - 1] : std::string_view();
      size_t offset = hit_line.size() > kMaxLineBytes
                          ? cursor.offset(hit_line, line, std::max(finding.location.column, 1u)) : 0;
      if (readable)
        context.line_text = hit_line.size() <= kWholeLineBytes
                                ? normalize_source_line(hit_line)
                                : normalize_source_line(window(hit_line, offset, kWindowBefore, kWindowAfter));
      if (readable && options.excerpts) {
        uint32_t last = std::max(line, finding.location.end_line);
        uint32_t first = line > context_lines ? line - context_lines : 1;
        last = std::min<uint32_t>(last + context_lines, static_cast<uint32_t>(lines.size()));
        last = std::min(last, first + kMaxExcerptLines - 1);
        context.excerpt.first_line = first;
        context.excerpt.lines.clear();
        for (uint32_t n = first; n <= last; ++n)
          // A finding far along a long line is shown with its surroundings, not the line's start.
          context.excerpt.lines.push_back(n == line && offset > kMaxLineBytes / 2
                                              ? window(hit_line, offset, kMaxLineBytes / 3, 2 * kMaxLineBytes / 3)
                                              : shorten(lines[n - 1]));
      }
      // A loaded report keeps the fingerprint computed when it was scanned: the file may have
      // changed since.
      if (context.fingerprint.empty()) context.fingerprint = fingerprint(report, finding, context.line_text);
    }
  };

  unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, runs.size()));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k = next++; k < runs.size(); k = next++) attach_run(runs[k].first, runs[k].second);
  };
  if (jobs <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
}

}  // namespace tpu::reports
