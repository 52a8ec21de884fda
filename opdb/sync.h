// SPDX-License-Identifier: Apache-2.0
// `opdb sync`: asks the dispatcher of the user's own torch (and torch_xla) which operators have a
// kernel for a dispatch key, by running a probe script (compiled in) with the user's interpreter.
// The result is a status table for user_tables.h; this file runs and parses, it writes nothing.
#pragma once

#include <string>
#include <vector>

#include "opdb/synced_table.h"

namespace tpu::opdb {

struct SyncRequest {
  std::string python = "python3";      ///< interpreter: a path, or a name looked up on PATH
  std::string dispatch_key;            ///< empty: the target's key (torchtpu -> PrivateUse1), else XLA;
                                       ///< "CPU" exercises the same path without a backend package
  std::string target;                  ///< empty: the key's ("XLA" -> "xla"), else the default (torchtpu)
  std::vector<std::string> imports;    ///< backend packages to import first; XLA adds torch_xla, and
                                       ///< torchtpu adds torch_tpu when no --import names another
  std::string method = "auto";         ///< probe method: auto | registrations | dump (tests)
  int timeout_seconds = 300;           ///< importing torch_xla can take a while
};

enum class SyncError {
  None,
  BadRequest,        ///< no target for the key, or a target name that cannot be a file name
  PythonNotRunnable, ///< the interpreter could not be started
  TorchMissing,      ///< `import torch` failed
  ModuleMissing,     ///< a backend package (torch_xla) is not installed; `module` names it
  ImportFailed,      ///< a package is installed but raised on import
  BadDispatchKey,    ///< this torch does not know the key
  NoKernels,         ///< no operator has a kernel for the key: the backend did not register
  ProbeFailed,       ///< the probe crashed, timed out or printed something unreadable
};

struct SyncResult {
  SyncError error = SyncError::None;
  std::string message;  ///< one line for the user when error != None
  std::string module;   ///< the missing or failing package (ModuleMissing, ImportFailed)
  std::string detail;   ///< the interpreter's own words (ImportError text, stderr tail)
  std::string target;   ///< canonical target the table answers for
  ProbeOutput probe;    ///< versions and rows as the probe reported them
  SyncedTable table;    ///< ready for write_user_table()
};

/// The target a request's table answers for: its own, else the dispatch key's ("XLA" -> "xla"),
/// else, with neither given, the default target (TorchTPU); empty for another key without a target.
std::string sync_target(const SyncRequest& request);

/// The dispatch key a request asks about: its own, else its target's (torchtpu -> PrivateUse1,
/// xla -> XLA; no target: the default target's, PrivateUse1).
std::string sync_dispatch_key(const SyncRequest& request);

/// How to switch on a target's CPU fallback when its backend raises for ops without a kernel until
/// the program opts in (TorchTPU); empty for backends whose fallback runs by default (torch_xla).
std::string opt_in_cpu_fallback(const std::string& target);

/// Runs the probe in `request.python` and builds the table. Never throws for a user's problem:
/// the result's `error` says what went wrong.
SyncResult sync_from_python(const SyncRequest& request);

}  // namespace tpu::opdb
