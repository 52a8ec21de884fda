// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the unit tests: temporary folders and analysing inline Python.
#pragma once

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "analyzer/python/python_analyzer.h"

namespace tpu::testing {

/// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("tpu-migrate-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

  /// Writes `text` to `relative` (creating folders) and returns its full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

/// Analyses `code` as the file `path` and returns "line:col RULE" for each finding.
inline std::vector<std::string> findings_of(const std::string& code,
                                            const std::string& path = "example.py") {
  SourceFile file(path, code);
  python::PythonAnalysis analysis = python::analyze_python(file);
  std::vector<std::string> lines;
  for (const Finding& finding : analysis.findings)
    lines.push_back(std::to_string(finding.location.line) + ":" +
                    std::to_string(finding.location.column) + " " + finding.rule);
  return lines;
}

/// Only the rule codes, in order.
inline std::vector<std::string> rules_of(const std::string& code) {
  std::vector<std::string> rules;
  for (const std::string& line : findings_of(code)) rules.push_back(line.substr(line.find(' ') + 1));
  return rules;
}

}  // namespace tpu::testing
