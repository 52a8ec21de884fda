// SPDX-License-Identifier: Apache-2.0
// What `scan` and `report` share: the output options (formats, files, folders), the CI
// gate options (thresholds, baseline), writing the rendered reports, and the progress line.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reports/baseline.h"
#include "reports/formats.h"
#include "reports/report.h"

namespace tpu::cli {

/// Writes `text` to `path`, or to stdout when `path` is empty or "-". Returns an error
/// message, empty on success.
std::string write_output(const std::string& path, const std::string& text);

/// True when stdout is a terminal that should get colour (NO_COLOR unset).
bool stdout_wants_color();

/// --format, --output, --output-dir, --link-base, --color.
struct OutputRequest {
  std::vector<std::string> format_names{"terminal"};
  std::string output, output_dir, link_base;
  std::string color = "auto";
  std::vector<reports::Format> formats;  ///< filled by resolve_output()
  std::string check_results;              ///< --check-results FILE
  std::optional<reports::Numerics> numerics;  ///< read by resolve_output(); the command puts it in its report
};

void add_output_options(CLI::App& command, OutputRequest& request);

/// Checks the combination of output options, parses the format names and reads
/// --check-results. Returns an error message for the user (exit 2), empty when the request is
/// usable.
std::string resolve_output(OutputRequest& request);

/// True when some requested format shows source excerpts (so they are worth reading).
bool wants_excerpts(const OutputRequest& request);

/// The whole file; nullopt with `problem` set ("cannot read PATH: reason") when it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string& problem);

/// Renders every requested format and writes it. Returns kExitOk or kExitError (after
/// printing why).
int emit_reports(const reports::Report& report, const OutputRequest& request);

/// --fail-under, --fail-on, --baseline, --write-baseline.
struct GateRequest {
  std::optional<int> fail_under;
  std::string fail_on;  ///< empty: not set
  std::string baseline, write_baseline;
};

void add_gate_options(CLI::App& command, GateRequest& request);

/// Whether the findings' source lines must be read back: fingerprints for JSON, SARIF and the
/// baseline options, excerpts for HTML. The terminal, Markdown, GitHub and JUnit outputs
/// without a baseline read none.
bool wants_sources(const OutputRequest& output, const GateRequest& gate);

/// Whether a report carries the findings' fix edits (JSON `fix.edits`, SARIF `fixes`): the
/// scan computes them only then.
bool wants_fix_edits(const OutputRequest& output);

/// Reads the --baseline file now, so that a bad one fails before a long scan. Returns an
/// error message (exit 2), empty on success or when there is no baseline.
std::string load_baseline(const GateRequest& request, std::optional<reports::Baseline>& baseline);

/// What scan and report check before any work: the output options (resolve_output) and the
/// baseline (load_baseline). Prints the problem and returns false when one is found (exit 2).
bool check_requests(OutputRequest& output, const GateRequest& gate,
                    std::optional<reports::Baseline>& baseline);

/// Applies the loaded baseline to the report and writes --write-baseline. Returns kExitOk
/// or kExitError (after printing why).
int apply_baseline_options(reports::Report& report, const GateRequest& request,
                           const std::optional<reports::Baseline>& baseline);

/// Evaluates the gate and prints why it failed. Returns kExitOk or kExitGateFailed.
int check_gate(const reports::Report& report, const GateRequest& request);

/// A one-line progress meter on stderr for scans that take more than about a second, only
/// when stderr is a terminal. The callback is safe to call from worker threads.
class ProgressMeter {
 public:
  ProgressMeter();
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  /// Empty when progress is off, so that the scan skips the calls altogether.
  std::function<void(size_t, size_t)> callback();
  /// Clears the line, if one was drawn.
  void finish();

 private:
  void update(size_t done, size_t total);

  bool enabled_ = false;
  std::chrono::milliseconds delay_{1000};
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false, finished_ = false;
  std::mutex mutex_;
};

}  // namespace tpu::cli
