// SPDX-License-Identifier: Apache-2.0
// A C++/CUDA lexer over one file's bytes. It is the token level that never depends on
// headers or on the parser: every reference finding comes from these tokens, so a missing
// header, a broken tree or a parse that ran out of time loses none of them.
//
// Preprocessor lines are kept apart: #include names are read whole, #define bodies are
// tokens of their own (a macro's body is a reference where it is written, as HIPIFY counts
// it), and conditional blocks are tracked so that the structural pass can follow one branch
// and skip `#if 0` and other accelerators' branches (ROCm/HIP, MLU, MUSA, NPU, MPS, XPU, DIPU):
// code for those platforms is not a CUDA tie, even where it mentions CUDA-like names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::cpp {

enum class TokenKind : uint8_t { Identifier, Number, String, Char, Punct };

/// Where a token sits with respect to conditional compilation.
enum class Branch : uint8_t {
  Active,    ///< not in a conditional, or in the first branch of one
  Alternate, ///< in an #elif/#else branch (references count; structure follows the first branch)
  Dead,      ///< under `#if 0`, or another accelerator's branch (`#ifdef USE_ROCM`): no findings
};

struct Token {
  TokenKind kind;
  Branch branch = Branch::Active;
  uint32_t begin = 0, end = 0;  ///< byte range
  int32_t directive = -1;       ///< index of the directive line it belongs to, or -1
};

enum class DirectiveKind : uint8_t { Include, Define, Undef, If, Ifdef, Ifndef, Elif, Else, Endif, Pragma, Other };

struct Directive {
  DirectiveKind kind = DirectiveKind::Other;
  uint32_t begin = 0, end = 0;       ///< the whole logical line, continuations included
  std::string_view name;             ///< macro name (#define/#undef/#ifdef) or header name
  uint32_t name_begin = 0, name_end = 0;  ///< for #include: the `<…>` or `"…"` span
  bool angled = false;               ///< #include <…>
  bool function_like = false;        ///< #define NAME(…)
  std::string_view params;           ///< a function-like macro's parameter list, without parentheses
  uint32_t body_first = 0, body_last = 0;  ///< token index range [first, last) of a #define body
  uint16_t depth = 0;                ///< conditional nesting depth at this line
  Branch branch = Branch::Active;
};

struct Comment {
  uint32_t begin = 0, end = 0;
};

/// Bad input the lexer read past: an unterminated comment, literal or conditional. Lexing
/// goes on (a literal ends at its line, a comment or raw string at the end of the file), so
/// the file keeps its findings; the scan reports each problem as an input error.
struct LexProblem {
  uint32_t begin = 0;    ///< byte where the unterminated construct starts
  std::string message;   ///< e.g. "unterminated /* comment"
};

struct LexedFile {
  std::string_view text;
  std::vector<Token> tokens;
  std::vector<Directive> directives;
  std::vector<Comment> comments;
  std::vector<LexProblem> problems;  ///< in source order

  std::string_view spelling(const Token& token) const {
    return text.substr(token.begin, token.end - token.begin);
  }
  bool is(size_t index, std::string_view spelled) const {
    return index < tokens.size() && spelling(tokens[index]) == spelled;
  }
};

/// Lexes `text` (which must outlive the result).
LexedFile lex(std::string_view text);

}  // namespace tpu::cpp
