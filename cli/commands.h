// SPDX-License-Identifier: Apache-2.0
// Each subcommand registers itself on the CLI11 app and, when it runs, stores the process
// exit code: 0 done, 1 the CI gate failed, 2 usage or fatal error.
#pragma once

#include <CLI/CLI.hpp>

namespace tpu::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitGateFailed = 1;
inline constexpr int kExitError = 2;

void add_scan_command(CLI::App& app, int& exit_code);
void add_explain_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_ops_command(CLI::App& app, int& exit_code);
void add_opdb_command(CLI::App& app, int& exit_code);     // opdb/: sync user status tables
void add_report_command(CLI::App& app, int& exit_code);   // reports/: render a saved report
void add_rewrite_command(CLI::App& app, int& exit_code);  // rewriter/: mechanical fixes
void add_trace_command(CLI::App& app, int& exit_code);    // trace/: run and trace
void add_check_command(CLI::App& app, int& exit_code);    // checker/: numerics on a device

}  // namespace tpu::cli
