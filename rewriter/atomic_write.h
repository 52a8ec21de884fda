// SPDX-License-Identifier: Apache-2.0
// Replacing a file so that a crash at any moment leaves either the old or the new content:
// write a temporary file in the same folder, fsync it, give it the original's mode (and
// owner), rename it over the original, fsync the folder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tpu::rewriter {

/// Returns an error message, empty on success. `path` must be a regular file.
std::string atomic_replace(const std::filesystem::path& path, std::string_view content);

}  // namespace tpu::rewriter
