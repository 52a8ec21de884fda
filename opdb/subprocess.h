// SPDX-License-Identifier: Apache-2.0
// Runs a program with an argument vector (no shell, so paths with spaces or quotes are safe) and
// captures what it prints. Used by `opdb sync` to run a probe in the user's Python.
#pragma once

#include <string>
#include <vector>

namespace tpu::opdb {

struct ProcessResult {
  bool started = false;    ///< false: the program could not be run (`error` says why)
  bool timed_out = false;  ///< killed after the time limit
  int exit_code = -1;      ///< when it exited normally
  int signal = 0;          ///< when a signal ended it
  std::string out, err;    ///< everything it wrote to stdout / stderr
  std::string error;
};

/// Runs argv[0] (looked up on PATH when it has no slash) with `argv`, stdin from /dev/null, and
/// the caller's environment. Kills it (SIGKILL) after `timeout_seconds`.
ProcessResult run_process(const std::vector<std::string>& argv, int timeout_seconds);

}  // namespace tpu::opdb
