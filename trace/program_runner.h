// SPDX-License-Identifier: Apache-2.0
// Runs the user's program for `trace`: in its own process group (so a bound can stop every
// process it started), with stdin/stdout/stderr inherited (output passes through untouched),
// and stops it cleanly when a bound is hit: SIGINT, then SIGTERM, then SIGKILL to the group.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tpu::runtime {

struct RunOptions {
  std::vector<std::string> argv;                            ///< argv[0] is looked up on PATH
  std::vector<std::pair<std::string, std::string>> env;    ///< set (overriding) in the child
  double max_seconds = 0;                                   ///< 0: no time bound
  std::filesystem::path stop_file;  ///< when this file appears, stop the program (--limit-ops)
  double grace_seconds = 5;         ///< between SIGINT, SIGTERM and SIGKILL
};

struct RunOutcome {
  bool started = false;
  std::string error;        ///< why the program could not start
  int exit_code = 0;        ///< the program's; 128+N when signal N ended it
  std::string stopped_by;   ///< "", "max-seconds", "limit-ops", "interrupted" (tpu-migrate got a signal)
  double wall_seconds = 0;
  int64_t pid = 0;
};

/// Runs the program to its end (or until a bound stops it) and reaps every process it left in
/// its group. Signals sent to tpu-migrate itself (SIGINT, SIGTERM, SIGHUP) are forwarded to the
/// program's group while it runs.
RunOutcome run_program(const RunOptions& options);

}  // namespace tpu::runtime
