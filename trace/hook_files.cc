// SPDX-License-Identifier: Apache-2.0
// Writing the embedded hook to disk.
#include "trace/hook_files.h"

#include <fstream>

namespace tpu::runtime {

std::optional<std::string> install_hook(const std::filesystem::path& dir) {
  for (const HookFile& file : hook_files()) {
    std::filesystem::path target = dir / std::string(file.path);
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return target.parent_path().string() + ": " + ec.message();
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
    if (!out.flush()) return target.string() + ": cannot write";
  }
  return std::nullopt;
}

}  // namespace tpu::runtime
