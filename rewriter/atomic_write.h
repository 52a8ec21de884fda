// SPDX-License-Identifier: Apache-2.0
// Replacing a file so that a crash at any moment leaves either the old or the new content:
// write a temporary file in the same folder, fsync it, give it the original's mode (and
// owner), rename it over the original, fsync the folder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::rewriter {

/// Returns an error message, empty on success. `path` must be a regular file.
std::string atomic_replace(const std::filesystem::path& path, std::string_view content);

/// True for the name of the temporary file atomic_replace writes beside `name`
/// (".<name>.tpu-migrate-XXXXXX"). One that still exists was left by a run killed between
/// creating and renaming it; it never holds the only copy of anything.
bool is_temporary_file_name(std::string_view file_name);

/// Those temporary files in `folder` (not below it).
std::vector<std::filesystem::path> leftover_temporary_files(const std::filesystem::path& folder);

}  // namespace tpu::rewriter
