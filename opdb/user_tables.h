// SPDX-License-Identifier: Apache-2.0
// The user-level status tables that `tpu-migrate opdb sync` writes: where they live, reading and
// writing them. OpDb::builtin() lays them over the built-in tables (see opdb.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpu::opdb {

/// The folder of the user's synced tables: $TPU_MIGRATE_DATA_DIR if set and not empty (tests point
/// it at a temporary folder), else $XDG_DATA_HOME/tpu-migrate (XDG Base Directory spec: only an
/// absolute XDG_DATA_HOME counts), else $HOME/.local/share/tpu-migrate; nullopt without a HOME.
std::optional<std::filesystem::path> user_data_dir();

/// `<dir>/status_<target>.tsv`.
std::filesystem::path user_table_path(const std::filesystem::path& dir, std::string_view target);

/// A target name becomes part of a file name: 1 to 40 of [a-z0-9_-], starting with a letter.
bool valid_target_name(std::string_view target);

/// One synced table, read whole.
struct UserTable {
  std::string target;  ///< from the file name
  std::filesystem::path path;
  std::string text;
};

/// Every `status_<target>.tsv` in `dir`, sorted by target. A missing folder gives none; a file
/// that cannot be read, or whose name is no valid target, is skipped and named in `errors`.
std::vector<UserTable> read_user_tables(const std::filesystem::path& dir, std::vector<std::string>& errors);

/// Writes the table atomically (a temporary file in `dir`, then rename), creating `dir`.
/// Returns false and sets `error` on failure.
bool write_user_table(const std::filesystem::path& dir, std::string_view target, std::string_view text,
                      std::string& error);

/// The `#synced<TAB>key<TAB>value` header lines of a synced table, in order:
/// ("torch", "1.13.0a0"), ("module", "torch_xla 2.5.0"), ("dispatch_key", "XLA"), ...
std::vector<std::pair<std::string, std::string>> synced_header(std::string_view text);

}  // namespace tpu::opdb
