// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/glob.h"

namespace tpu {
namespace {

// Matches one `[...]` class at pattern[p] against `c`; sets `next` past the class.
// Returns false with next = npos for a malformed class (then `[` is a literal).
bool match_class(std::string_view pattern, size_t p, char c, size_t& next) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char low = pattern[i];
    if (low == '\\' && i + 1 < pattern.size()) low = pattern[++i];
    char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      high = pattern[i + 2];
      i += 2;
    }
    if (c >= low && c <= high) matched = true;
    ++i;
  }
  if (i >= pattern.size()) {
    next = std::string_view::npos;
    return false;
  }
  next = i + 1;
  return matched != negate;
}

bool match_from(std::string_view pattern, size_t p, std::string_view path, size_t s) {
  while (p < pattern.size()) {
    char pc = pattern[p];
    if (pc == '*') {
      bool double_star = p + 1 < pattern.size() && pattern[p + 1] == '*';
      if (double_star) {
        // `**/` matches zero or more whole segments; a trailing `**` matches everything.
        size_t after = p + 2;
        bool slash_after = after < pattern.size() && pattern[after] == '/';
        if (after >= pattern.size()) return true;
        if (slash_after) {
          for (size_t t = s;; ) {
            if (match_from(pattern, after + 1, path, t)) return true;
            size_t slash = path.find('/', t);
            if (slash == std::string_view::npos) return false;
            t = slash + 1;
          }
        }
        for (size_t t = s; t <= path.size(); ++t)
          if (match_from(pattern, after, path, t)) return true;
        return false;
      }
      for (size_t t = s; t <= path.size(); ++t) {
        if (match_from(pattern, p + 1, path, t)) return true;
        if (t < path.size() && path[t] == '/') return false;
      }
      return false;
    }
    if (s >= path.size()) return false;
    if (pc == '?') {
      if (path[s] == '/') return false;
      ++p, ++s;
      continue;
    }
    if (pc == '[') {
      size_t next;
      bool matched = match_class(pattern, p, path[s], next);
      if (next != std::string_view::npos) {
        if (!matched || path[s] == '/') return false;
        p = next, ++s;
        continue;
      }
    }
    if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
    if (pc != path[s]) return false;
    ++p, ++s;
  }
  return s == path.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_from(pattern, 0, path, 0);
}

bool path_glob_match(std::string_view pattern, std::string_view relative_path) {
  if (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  if (pattern.find('/') == std::string_view::npos) {
    size_t slash = relative_path.rfind('/');
    std::string_view name =
        slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
    return glob_match(pattern, name);
  }
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  return glob_match(pattern, relative_path);
}

}  // namespace tpu
