// SPDX-License-Identifier: Apache-2.0
// A scan's private temporary folder: the stand-in header and its precompiled forms, the
// deep mode's preamble anchors and compatibility headers. Never inside the scanned tree (a
// scan writes no user file); removed when the scan ends.
#pragma once

#include <filesystem>
#include <string>

namespace tpu::cpp {

class WorkDir {
 public:
  WorkDir();
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  /// Empty when no temporary folder could be made (the caller then has no tree to offer).
  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `relative` (creating folders) and returns the absolute path, or an
  /// empty path on failure.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace tpu::cpp
