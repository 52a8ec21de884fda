// SPDX-License-Identifier: Apache-2.0
// Writing a rendered report to stdout or to --output FILE.
#pragma once

#include <string>

namespace tpu::cli {

/// Writes `text` to `path`, or to stdout when `path` is empty or "-". Returns an error
/// message, empty on success.
std::string write_output(const std::string& path, const std::string& text);

/// True when stdout is a terminal that should get colour (NO_COLOR unset).
bool stdout_wants_color();

}  // namespace tpu::cli
