// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/ignore_rules.h"

#include "analyzer/core/glob.h"

namespace tpu {
namespace {

std::string_view trim_trailing_spaces(std::string_view line) {
  // Trailing spaces are ignored unless escaped with a backslash (gitignore(5)).
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    if (line.size() >= 2 && line[line.size() - 2] == '\\') break;
    line.remove_suffix(1);
  }
  return line;
}

bool has_glob_syntax(std::string_view text) {
  return text.find_first_of("*?[\\") != std::string_view::npos;
}

bool is_within(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/';
}

}  // namespace

void IgnoreRules::add_file(std::string_view base_dir, std::string_view contents) {
  size_t start = 0;
  while (start <= contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = trim_trailing_spaces(contents.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    Pattern pattern;
    pattern.base_dir = std::string(base_dir);
    if (line.front() == '!') {
      pattern.negated = true;
      line.remove_prefix(1);
    } else if (line.front() == '\\' && line.size() > 1 && (line[1] == '!' || line[1] == '#')) {
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      pattern.dir_only = true;
      line.remove_suffix(1);
    }
    // A separator at the beginning or in the middle anchors the pattern to base_dir.
    pattern.anchored = line.find('/') != std::string_view::npos;
    if (!line.empty() && line.front() == '/') line.remove_prefix(1);
    if (line.empty()) continue;
    pattern.glob = std::string(line);
    if (!has_glob_syntax(line)) pattern.shape = Shape::Literal;
    // `*` stops at a slash, so a star-suffix is only plain for a name without one.
    else if (!pattern.anchored && line.front() == '*' && !has_glob_syntax(line.substr(1)))
      pattern.shape = Shape::StarSuffix;
    patterns_.push_back(std::move(pattern));
  }
}

bool IgnoreRules::ignored(std::string_view relative_path, bool is_dir) const {
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    const Pattern& pattern = *it;
    if (pattern.dir_only && !is_dir) continue;
    if (!is_within(relative_path, pattern.base_dir)) continue;
    std::string_view local = relative_path.substr(
        pattern.base_dir.empty() ? 0 : pattern.base_dir.size() + 1);
    std::string_view subject = local;
    if (!pattern.anchored) {
      size_t slash = local.rfind('/');
      if (slash != std::string_view::npos) subject = local.substr(slash + 1);
    }
    bool matched;
    switch (pattern.shape) {
      case Shape::Literal:
        matched = subject == pattern.glob;
        break;
      case Shape::StarSuffix:
        matched = subject.ends_with(std::string_view(pattern.glob).substr(1));
        break;
      default:
        matched = glob_match(pattern.glob, subject);
        break;
    }
    if (matched) return !pattern.negated;
  }
  return false;
}

void IgnoreRules::pop_below(std::string_view base_dir) {
  std::erase_if(patterns_, [&](const Pattern& pattern) {
    return pattern.base_dir == base_dir || is_within(pattern.base_dir, base_dir);
  });
}

}  // namespace tpu
