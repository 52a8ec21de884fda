// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate report REPORT.json --format X`: renders a saved JSON report again (SARIF for
// code scanning, Markdown for the PR, HTML for people...) and can gate on it, without
// scanning again.
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/commands.h"
#include "cli/output.h"
#include "reports/json_loader.h"
#include "reports/source_context.h"

namespace tpu::cli {
namespace {

struct ReportArguments {
  std::string input;
  OutputRequest output;
  GateRequest gate;
};

int run_report(ReportArguments arguments) {
  std::optional<reports::Baseline> baseline;
  if (!check_requests(arguments.output, arguments.gate, baseline)) return kExitError;
  std::string text;
  if (arguments.input == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::string problem;
    std::optional<std::string> file = read_file(arguments.input, problem);
    if (!file) {
      std::cerr << "tpu-migrate: " << problem << "\n";
      return kExitError;
    }
    text = std::move(*file);
  }
  auto loaded = reports::load_json_report(text);
  if (auto* error = std::get_if<std::string>(&loaded)) {
    std::cerr << "tpu-migrate: " << arguments.input << ": " << *error << "\n";
    return kExitError;
  }
  reports::Report report = std::move(std::get<reports::Report>(loaded));
  report.numerics = arguments.output.numerics;
  // The sources, when they are still where the report says, give excerpts and the
  // fingerprints an older report lacks; the report's own fingerprints win.
  if (wants_sources(arguments.output, arguments.gate))
    reports::attach_sources(report, reports::SourceOptions{.excerpts = wants_excerpts(arguments.output)});
  if (int code = apply_baseline_options(report, arguments.gate, baseline); code != kExitOk) return code;
  if (int code = emit_reports(report, arguments.output); code != kExitOk) return code;
  return check_gate(report, arguments.gate);
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<ReportArguments>();
  CLI::App* command = app.add_subcommand(
      "report",
      "Render a saved JSON report (from `scan --format json`) in other formats, and gate on it.\n"
      "Examples:\n"
      "  tpu-migrate report report.json --format html -o tpu-readiness.html\n"
      "  tpu-migrate report report.json --format markdown --link-base "
      "https://github.com/OWNER/REPO/blob/SHA\n"
      "  tpu-migrate report report.json --format sarif,junit --output-dir out/ --fail-under 50\n"
      "Exit codes: 0 done (gate passed), 1 the gate failed, 2 usage or fatal error.");
  command->add_option("report", arguments->input, "A JSON report written by `scan --format json` ('-': stdin)")
      ->required();
  add_output_options(*command, arguments->output);
  add_gate_options(*command, arguments->gate);
  command->callback([arguments, &exit_code] { exit_code = run_report(*arguments); });
}

}  // namespace tpu::cli
