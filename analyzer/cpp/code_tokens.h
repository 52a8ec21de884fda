// SPDX-License-Identifier: Apache-2.0
// The code tokens of a file as the structural passes walk them: outside preprocessor lines,
// in the first branch of each conditional, with every bracket matched to its partner (a stray
// closer, common where branches are unbalanced, is skipped rather than breaking the rest).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analyzer/cpp/lexer.h"

namespace tpu::cpp {

class CodeTokens {
 public:
  explicit CodeTokens(const LexedFile& lexed);

  int size() const { return static_cast<int>(code_.size()); }
  /// The spelling of code token k, or "" out of range.
  std::string_view s(int k) const {
    return k < 0 || k >= size() ? std::string_view() : lexed_.spelling(lexed_.tokens[code_[k]]);
  }
  const Token& tok(int k) const { return lexed_.tokens[code_[k]]; }
  bool ident(int k) const { return k >= 0 && k < size() && tok(k).kind == TokenKind::Identifier; }
  /// The partner of the bracket at k, or -1.
  int match(int k) const { return k < 0 || k >= size() ? -1 : match_[k]; }

  /// The arguments of the call whose `(` is at `open`, as [begin, end) ranges split at
  /// top-level commas.
  std::vector<std::pair<int, int>> arguments(int open) const;
  /// The tokens of a range, spelled without spaces.
  std::string joined(std::pair<int, int> range) const;

 private:
  const LexedFile& lexed_;
  std::vector<uint32_t> code_;  ///< token indices
  std::vector<int> match_;
};

}  // namespace tpu::cpp
