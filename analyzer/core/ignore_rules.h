// SPDX-License-Identifier: Apache-2.0
// .gitignore / .ignore semantics: nested files, negation, anchoring, directory-only
// patterns; the last matching pattern wins and deeper files win over shallower ones.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tpu {

class IgnoreRules {
 public:
  /// Adds the patterns of one ignore file located in `base_dir` (relative to the scan
  /// root, "" for the root itself). Later calls take precedence over earlier ones.
  void add_file(std::string_view base_dir, std::string_view contents);

  /// True when `relative_path` is ignored. `is_dir` enables directory-only patterns.
  bool ignored(std::string_view relative_path, bool is_dir) const;

  /// Removes the patterns added for `base_dir` and anything below it (used when the
  /// directory walk leaves a folder).
  void pop_below(std::string_view base_dir);

  bool empty() const { return patterns_.empty(); }

 private:
  /// How a pattern is matched: most .gitignore lines are a plain name (`build`) or a star
  /// and a plain suffix (`*.pyc`), which need no glob matcher.
  enum class Shape { Literal, StarSuffix, Glob };
  struct Pattern {
    std::string base_dir;
    std::string glob;
    bool negated = false;
    bool dir_only = false;
    bool anchored = false;
    Shape shape = Shape::Glob;
  };
  std::vector<Pattern> patterns_;
};

}  // namespace tpu
