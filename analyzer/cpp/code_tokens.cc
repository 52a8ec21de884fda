// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/code_tokens.h"

namespace tpu::cpp {

CodeTokens::CodeTokens(const LexedFile& lexed) : lexed_(lexed) {
  for (uint32_t i = 0; i < lexed.tokens.size(); ++i) {
    const Token& t = lexed.tokens[i];
    if (t.directive < 0 && t.branch == Branch::Active) code_.push_back(i);
  }
  match_.assign(code_.size(), -1);
  std::vector<int> stack;
  for (int k = 0; k < size(); ++k) {
    std::string_view c = s(k);
    if (c == "(" || c == "[" || c == "{") {
      stack.push_back(k);
    } else if (c == ")" || c == "]" || c == "}") {
      char open = c == ")" ? '(' : c == "]" ? '[' : '{';
      // Pop to the nearest matching opener, if one is close: a stray closer is skipped.
      for (int depth = static_cast<int>(stack.size()) - 1, seen = 0; depth >= 0 && seen < 8; --depth, ++seen) {
        if (s(stack[depth])[0] != open) continue;
        match_[stack[depth]] = k;
        match_[k] = stack[depth];
        stack.resize(depth);
        break;
      }
    }
  }
}

std::vector<std::pair<int, int>> CodeTokens::arguments(int open) const {
  std::vector<std::pair<int, int>> args;
  int close = match(open);
  if (close < 0) return args;
  int start = open + 1, depth = 0;
  for (int k = open + 1; k < close; ++k) {
    std::string_view w = s(k);
    if (w == "(" || w == "[" || w == "{") ++depth;
    else if (w == ")" || w == "]" || w == "}") --depth;
    else if (w == "," && depth == 0) {
      args.emplace_back(start, k);
      start = k + 1;
    }
  }
  if (start < close) args.emplace_back(start, close);
  return args;
}

std::string CodeTokens::joined(std::pair<int, int> range) const {
  std::string text;
  for (int k = range.first; k < range.second; ++k) text += s(k);
  return text;
}

}  // namespace tpu::cpp
