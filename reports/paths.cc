// SPDX-License-Identifier: Apache-2.0
#include "reports/paths.h"

#include <cstdio>
#include <filesystem>

namespace tpu::reports {

bool root_is_absolute(const Report& report) { return !report.root.empty() && report.root.front() == '/'; }

std::string joined_path(const Report& report, std::string_view path) {
  std::string root = report.root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty() || root == ".") return std::string(path);
  // Scanning one file makes its name the finding path: the root already says it all.
  if (root == path || (root.size() > path.size() && root.ends_with(path) &&
                       root[root.size() - path.size() - 1] == '/'))
    return std::filesystem::path(root).lexically_normal().generic_string();
  return (std::filesystem::path(root) / std::string(path)).lexically_normal().generic_string();
}

std::string uri_encode_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string link_path(const Report& report, std::string_view path) {
  if (root_is_absolute(report)) return std::string(path);
  return joined_path(report, path);
}

}  // namespace tpu::reports
