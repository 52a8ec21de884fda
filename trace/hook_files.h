// SPDX-License-Identifier: Apache-2.0
// The Python hook that `tpu-migrate trace` injects (trace/hook), compiled into the
// binary by embed_hook.cmake.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tpu::runtime {

struct HookFile {
  std::string_view path;     ///< relative: "sitecustomize.py", "tpu_migrate_trace/session.py"
  std::string_view content;
};

/// Every hook file, as committed.
std::span<const HookFile> hook_files();

/// Writes the hook files under `dir` (created if needed); the error message on failure.
std::optional<std::string> install_hook(const std::filesystem::path& dir);

}  // namespace tpu::runtime
