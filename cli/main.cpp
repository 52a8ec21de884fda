// SPDX-License-Identifier: Apache-2.0
// tpu-migrate: the command line over libtpumigrate. Only this folder knows argv, stdout,
// stderr and exit codes.
#include <malloc.h>

#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "reports/report.h"

int main(int argc, char** argv) {
  using namespace tpu::cli;
  // No glibc fastbins (tcache still serves small blocks): with them, each large allocation or
  // free (a file's text, a report) first consolidates every small block freed before it, and a
  // scan interleaves the two thousands of times (10% of a cached re-scan's CPU on transformers).
  mallopt(M_MXFAST, 0);
  CLI::App app{
      "tpu-migrate: what stands between a CUDA-centric PyTorch repository and a TPU.\n\n"
      "Examples:\n"
      "  tpu-migrate scan ./repo                      findings, grouped by file, and a readiness score\n"
      "  tpu-migrate scan ./repo --format json -o report.json\n"
      "  tpu-migrate scan ./repo --select distributed,amp --target torchtpu\n"
      "  tpu-migrate explain TPU101                   why a rule matters and the TPU way\n"
      "  tpu-migrate rules                            every rule\n"
      "  tpu-migrate ops aten::nonzero                how an op runs on a TPU\n\n"
      "Exit codes: 0 done, 1 the CI gate failed, 2 usage or fatal error.",
      "tpu-migrate"};
  app.set_version_flag("--version", std::string("tpu-migrate ") + std::string(tpu::reports::tool_version()));
  app.require_subcommand(1);
  int exit_code = kExitOk;
  add_scan_command(app, exit_code);
  add_explain_command(app, exit_code);
  add_rules_command(app, exit_code);
  add_ops_command(app, exit_code);
  add_opdb_command(app, exit_code);
  add_report_command(app, exit_code);
  add_rewrite_command(app, exit_code);
  add_trace_command(app, exit_code);
  add_check_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kExitOk : kExitError;
  } catch (const std::exception& error) {
    std::cerr << "tpu-migrate: internal error: " << error.what() << "\n";
    return kExitError;
  }
  return exit_code;
}
