// SPDX-License-Identifier: Apache-2.0
#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <variant>

#include "cli/commands.h"
#include "reports/baseline.h"
#include "reports/gate.h"
#include "reports/numerics.h"

namespace fs = std::filesystem;

namespace tpu::cli {
namespace {

std::string format_list() {
  std::string names;
  for (reports::Format format : reports::all_formats())
    names += (names.empty() ? "" : ", ") + std::string(reports::to_string(format));
  return names;
}


}  // namespace

std::string write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return {};
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  out << text;
  out.close();
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  return {};
}

bool stdout_wants_color() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(STDOUT_FILENO) != 0;
}

// ---- output options ------------------------------------------------------------------

void add_output_options(CLI::App& command, OutputRequest& request) {
  command.add_option("--format,-f", request.format_names,
                     "Output format(s), comma-separated: " + format_list() + " (default terminal)")
      ->delimiter(',');
  command.add_option("--output,-o", request.output, "Write the report to FILE instead of stdout (one format)");
  command.add_option("--output-dir", request.output_dir,
                     "Write each format to DIR/report.<ext> (report.json, report.sarif, report.junit.xml, "
                     "report.md, report.html, report.github.txt, report.txt)");
  command.add_option("--link-base", request.link_base,
                     "Markdown: make locations links, URL/path#Lline (e.g. "
                     "https://github.com/OWNER/REPO/blob/SHA)");
  command.add_option("--color", request.color, "Colour the terminal report")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command.add_option("--check-results", request.check_results,
                     "HTML: add a numerics section from FILE, written by `tpu-migrate check --format json`");
}

std::string resolve_output(OutputRequest& request) {
  request.formats.clear();
  for (const std::string& name : request.format_names) {
    auto format = reports::parse_format(name);
    if (!format) return "unknown format '" + name + "' (expected " + format_list() + ")";
    if (std::find(request.formats.begin(), request.formats.end(), *format) == request.formats.end())
      request.formats.push_back(*format);
  }
  if (request.formats.empty()) request.formats.push_back(reports::Format::Terminal);
  if (!request.output.empty() && !request.output_dir.empty())
    return "--output and --output-dir cannot be used together";
  if (request.formats.size() > 1 && request.output_dir.empty())
    return "several formats need --output-dir DIR (one file per format)";
  if (!request.check_results.empty()) {
    std::string problem;
    std::optional<std::string> text = read_file(request.check_results, problem);
    if (!text) return problem;
    auto loaded = reports::load_numerics(*text);
    if (auto* error = std::get_if<std::string>(&loaded)) return request.check_results + ": " + *error;
    request.numerics = std::move(std::get<reports::Numerics>(loaded));
  }
  return {};
}

bool wants_excerpts(const OutputRequest& request) {
  return std::find(request.formats.begin(), request.formats.end(), reports::Format::Html) != request.formats.end();
}

bool wants_sources(const OutputRequest& output, const GateRequest& gate) {
  if (!gate.baseline.empty() || !gate.write_baseline.empty()) return true;
  for (reports::Format format : output.formats)
    if (format == reports::Format::Json || format == reports::Format::Sarif || format == reports::Format::Html)
      return true;
  return false;
}

bool wants_fix_edits(const OutputRequest& output) {
  return std::any_of(output.formats.begin(), output.formats.end(), [](reports::Format format) {
    return format == reports::Format::Json || format == reports::Format::Sarif;
  });
}

std::optional<std::string> read_file(const std::string& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int emit_reports(const reports::Report& report, const OutputRequest& request) {
  reports::RenderOptions options;
  options.link_base = request.link_base;
  if (!request.output_dir.empty()) {
    std::error_code ec;
    fs::create_directories(request.output_dir, ec);
    if (ec) {
      std::cerr << "tpu-migrate: cannot create " << request.output_dir << ": " << ec.message() << "\n";
      return kExitError;
    }
  }
  for (reports::Format format : request.formats) {
    std::string path = request.output;
    if (!request.output_dir.empty()) path = (fs::path(request.output_dir) / reports::file_name(format)).string();
    bool to_terminal = path.empty() || path == "-";
    options.color = request.color == "always" || (request.color == "auto" && to_terminal && stdout_wants_color());
    if (std::string problem = write_output(path, reports::render(report, format, options)); !problem.empty()) {
      std::cerr << "tpu-migrate: " << problem << "\n";
      return kExitError;
    }
  }
  return kExitOk;
}

// ---- gate options --------------------------------------------------------------------

void add_gate_options(CLI::App& command, GateRequest& request) {
  command.add_option("--fail-under", request.fail_under, "Exit 1 when the readiness score is below N (0-100)")
      ->check(CLI::Range(0, 100));
  command.add_option("--fail-on", request.fail_on,
                     "Exit 1 when a finding at or above this severity exists (only new ones with --baseline, "
                     "which defaults it to warning)")
      ->check(CLI::IsMember({"blocker", "warning", "info"}));
  command.add_option("--baseline", request.baseline,
                     "Accept the findings in FILE (from --write-baseline, or a JSON report): only new ones fail");
  command.add_option("--write-baseline", request.write_baseline, "Write every current finding to FILE as a baseline");
}

std::string load_baseline(const GateRequest& request, std::optional<reports::Baseline>& baseline) {
  baseline.reset();
  if (request.baseline.empty()) return {};
  std::string problem;
  auto text = read_file(request.baseline, problem);
  if (!text) return problem;
  auto parsed = reports::parse_baseline(*text);
  if (auto* error = std::get_if<std::string>(&parsed)) return request.baseline + ": " + *error;
  baseline = std::move(std::get<reports::Baseline>(parsed));
  return {};
}

bool check_requests(OutputRequest& output, const GateRequest& gate,
                    std::optional<reports::Baseline>& baseline) {
  std::string problem = resolve_output(output);
  if (problem.empty()) problem = load_baseline(gate, baseline);
  if (problem.empty()) return true;
  std::cerr << "tpu-migrate: " << problem << "\n";
  return false;
}

int apply_baseline_options(reports::Report& report, const GateRequest& request,
                           const std::optional<reports::Baseline>& baseline) {
  if (baseline) reports::apply_baseline(report, *baseline);
  if (!request.write_baseline.empty()) {
    std::string problem = write_output(request.write_baseline, reports::render_baseline(report));
    if (!problem.empty()) {
      std::cerr << "tpu-migrate: " << problem << "\n";
      return kExitError;
    }
  }
  return kExitOk;
}

int check_gate(const reports::Report& report, const GateRequest& request) {
  reports::GateOptions options;
  options.fail_under = request.fail_under;
  if (!request.fail_on.empty()) options.fail_on = parse_severity(request.fail_on);
  // A baseline exists to fail on what is new; info findings never fail by default.
  else if (report.baseline.active) options.fail_on = Severity::Warning;
  reports::GateResult result = reports::evaluate_gate(report, options);
  for (const std::string& reason : result.reasons) std::cerr << "tpu-migrate: gate failed: " << reason << "\n";
  return result.failed ? kExitGateFailed : kExitOk;
}

// ---- progress ------------------------------------------------------------------------

ProgressMeter::ProgressMeter() : start_(std::chrono::steady_clock::now()) {
  enabled_ = isatty(STDERR_FILENO) != 0;
  // Tests shorten the delay to see the line without a slow scan.
  if (const char* delay = std::getenv("TPU_MIGRATE_PROGRESS_DELAY_MS"); delay != nullptr && *delay != '\0')
    delay_ = std::chrono::milliseconds(std::atoi(delay));
}

ProgressMeter::~ProgressMeter() { finish(); }

std::function<void(size_t, size_t)> ProgressMeter::callback() {
  if (!enabled_) return {};
  return [this](size_t done, size_t total) { update(done, total); };
}

void ProgressMeter::update(size_t done, size_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  auto now = std::chrono::steady_clock::now();
  // Quick scans stay silent; long ones redraw at most ten times a second.
  if (now - start_ < delay_) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done != total) return;
  last_draw_ = now;
  drawn_ = true;
  unsigned percent = total == 0 ? 100 : static_cast<unsigned>(100 * done / total);
  std::fprintf(stderr, "\r\033[Ktpu-migrate: scanning %zu/%zu files (%u%%)", done, total, percent);
  std::fflush(stderr);
}

void ProgressMeter::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;  // a late call from a worker must not draw over the report
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace tpu::cli
