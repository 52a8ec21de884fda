// SPDX-License-Identifier: Apache-2.0
// Glob matching with the gitignore dialect: `*` and `?` stay inside one path segment,
// `**` spans segments, `[a-z]` / `[!a-z]` classes, `\` escapes.
#pragma once

#include <string_view>

namespace tpu {

/// True when `path` (segments separated by '/') matches `pattern` in full.
bool glob_match(std::string_view pattern, std::string_view path);

/// The include/exclude convention shared with gitignore: a pattern without a '/' matches
/// the last segment at any depth; one with a '/' matches the whole relative path.
bool path_glob_match(std::string_view pattern, std::string_view relative_path);

}  // namespace tpu
