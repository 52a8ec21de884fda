// SPDX-License-Identifier: Apache-2.0
// `check` settings: [tool.tpu-migrate.check] in pyproject.toml, or [check] in a
// tpu-migrate.toml, from the nearest such file (docs/check.md, "Configuration").
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "checker/tolerances.h"

namespace tpu::checker {

struct CheckConfig {
  ToleranceTable tolerances = ToleranceTable::defaults();
  /// The file's `target` (the one scan and rewrite read): whose precision defaults
  /// `--emulate tpu` follows when no --target is given. Unset: opdb::kDefaultTarget.
  std::optional<std::string> target;
  std::filesystem::path source;  ///< the file read; empty when none was found
};

struct ConfigResult {
  std::optional<CheckConfig> config;  ///< nullopt: the file has no tpu-migrate table at all
  std::string error;                  ///< "file:line: what is wrong"; empty when fine
};

/// Parses one file. Unknown keys are errors: a misspelt tolerance must not pass silently.
ConfigResult parse_check_config(const std::filesystem::path& file);
/// Parses TOML text as if read from `file` (which decides pyproject.toml or tpu-migrate.toml).
ConfigResult parse_check_config_text(std::string_view text, const std::filesystem::path& file);

/// The nearest configuration at or above `start` (tpu-migrate.toml first, then a pyproject.toml
/// with a [tool.tpu-migrate] table, in each folder); the built-in defaults when none exists.
ConfigResult load_check_config(const std::filesystem::path& start);

}  // namespace tpu::checker
