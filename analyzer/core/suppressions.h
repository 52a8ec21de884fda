// SPDX-License-Identifier: Apache-2.0
// In-source suppressions: `# tpu-migrate: ignore` silences every finding on its line,
// `# tpu-migrate: ignore[TPU101, cuda-device-string]` only those rules, and
// `# tpu-migrate: ignore-file[…]` does the same for the whole file, and the lines from
// `# tpu-migrate: ignore-begin` to `# tpu-migrate: ignore-end` are silenced whole (the
// rewriter fences the portable helpers it inserts this way).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu {

class Suppressions {
 public:
  /// Reads one comment (with its leading '#' or '//') found on 1-based `line`.
  void add_comment(uint32_t line, std::string_view comment);

  /// True when a suppression covers `finding` (its first or last line, or the file).
  bool suppresses(const Finding& finding, std::string_view rule_name) const;

  /// What the comments said, as plain data: the result cache stores a file's suppressions
  /// and restores them without reading the file again.
  struct State {
    std::vector<std::pair<uint32_t, std::vector<std::string>>> by_line;  ///< sorted by line
    std::vector<std::string> file_wide;
    bool whole_file = false;
    std::vector<std::pair<uint32_t, uint32_t>> regions;
    uint32_t open_region = 0;
  };
  State state() const;
  static Suppressions from_state(State state);

 private:
  // An empty list means "every rule".
  std::unordered_map<uint32_t, std::vector<std::string>> by_line_;
  std::vector<std::string> file_wide_;
  bool whole_file_ = false;
  std::vector<std::pair<uint32_t, uint32_t>> regions_;  // closed line ranges
  uint32_t open_region_ = 0;                             // begin line of an unclosed region
};

}  // namespace tpu
