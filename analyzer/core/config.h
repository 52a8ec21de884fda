// SPDX-License-Identifier: Apache-2.0
// Project configuration: `[tool.tpu-migrate]` in pyproject.toml or a tpu-migrate.toml,
// the nearest one to the scanned root (the root itself, then its parents).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu {

struct Config {
  std::vector<std::string> select;  ///< rule codes, names or categories; empty = all
  std::vector<std::string> ignore;
  std::vector<std::string> exclude;  ///< path globs
  std::vector<std::string> include;
  std::optional<std::string> target;  ///< "torchtpu" or "xla"; unset: opdb::kDefaultTarget (TorchTPU)
  std::filesystem::path source;       ///< the file it came from; empty when none was found
};

/// Parses one configuration file. For pyproject.toml the table is [tool.tpu-migrate];
/// a pyproject.toml without that table yields nullopt. Errors name the file and line.
std::variant<std::optional<Config>, InputError> parse_config_file(const std::filesystem::path& file);

/// Finds and parses the nearest configuration for `root`; an empty Config when none exists.
std::variant<Config, InputError> load_config(const std::filesystem::path& root);

}  // namespace tpu
