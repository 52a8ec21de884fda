// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/work_dir.h"

#include <unistd.h>

#include <fstream>
#include <random>

namespace tpu::cpp {

WorkDir::WorkDir() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return;
  std::random_device random;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::filesystem::path candidate =
        base / ("tpu-migrate-cpp-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate, ec) && !ec) {
      path_ = candidate;
      return;
    }
  }
}

WorkDir::~WorkDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path WorkDir::write(const std::string& relative, const std::string& text) const {
  if (path_.empty()) return {};
  std::filesystem::path file = path_ / relative;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  return out ? file : std::filesystem::path();
}

}  // namespace tpu::cpp
