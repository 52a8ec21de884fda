// SPDX-License-Identifier: Apache-2.0
// Scaffolding while `tpu-migrate check` is being written (replaced before it lands).
#include <iostream>

#include "cli/commands.h"

namespace tpu::cli {

void add_check_command(CLI::App& app, int& exit_code) {
  CLI::App* command = app.add_subcommand("check", "(in progress)");
  command->allow_extras();
  command->callback([&exit_code] {
    std::cerr << "tpu-migrate: check is not available in this build\n";
    exit_code = kExitError;
  });
}

}  // namespace tpu::cli
