// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/lexer.h"

#include <algorithm>
#include <array>
#include <string>

namespace tpu::cpp {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
bool is_ident_char(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Literal prefixes: an identifier spelled like one of these and glued to a quote starts a
// string or character literal; a trailing R makes it raw.
bool is_literal_prefix(std::string_view word) {
  static constexpr std::array<std::string_view, 9> kPrefixes = {"L", "u", "U", "u8", "R",
                                                                "LR", "uR", "UR", "u8R"};
  for (std::string_view prefix : kPrefixes)
    if (word == prefix) return true;
  return false;
}

constexpr std::array<std::string_view, 5> kPunct3 = {"<<<", "<<=", "...", "->*", "<=>"};
// `>>` is deliberately absent: lexing `>` one at a time keeps template argument lists
// balanced (`a<b<c>>`) for the structural pass, which never needs shift operators.
constexpr std::array<std::string_view, 19> kPunct2 = {"::", "->", "++", "--", "<<", "&&", "||",
                                                      "<=", ">=", "==", "!=", "+=", "-=", "*=",
                                                      "/=", "%=", "&=", "|=", "##"};

// A name that selects another accelerator's build (ROCm/HIP, Cambricon MLU, Moore Threads
// MUSA, Ascend NPU, Apple MPS, Intel XPU, DeepLink DIPU): one of its `_`-separated words is
// the platform's (USE_ROCM, __HIP_PLATFORM_AMD__, MMCV_WITH_MLU, __MUSACC__).
bool names_other_accelerator(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "ROCM", "HIP", "HIPCC", "HCC", "MLU", "MUSA", "MUSACC", "NPU", "MPS", "XPU", "DIPU", "ASCEND", "CAMBRICON"};
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view word = name.substr(start, end - start);
    for (std::string_view platform : kWords)
      if (word == platform) return true;
    start = end + 1;
  }
  return false;
}

enum class Accelerator : uint8_t { None, Taken, NotTaken };

// Whether a conditional's first branch is another accelerator's code (`#ifdef USE_ROCM`,
// `#if defined(__HIP_PLATFORM_AMD__) || defined(USE_ROCM)`: Taken) or its #else is
// (`#ifndef USE_ROCM`, `#if !defined(MMCV_WITH_MLU)`: NotTaken). Only conditions that name
// nothing but other platforms count: `defined(WITH_CUDA) || defined(WITH_HIP)` is shared code.
Accelerator other_accelerator(std::string_view condition, DirectiveKind kind) {
  size_t comment = std::min(condition.find("//"), condition.find("/*"));
  condition = condition.substr(0, comment);
  bool negated = kind == DirectiveKind::Ifndef;
  int names = 0, nots = 0;
  for (size_t at = 0; at < condition.size();) {
    unsigned char c = condition[at];
    if (c == '!' && (at + 1 >= condition.size() || condition[at + 1] != '=')) {
      ++nots;
      ++at;
      continue;
    }
    if (!is_ident_start(c)) {
      if (is_digit(c) || c == '<' || c == '>' || c == '=') return Accelerator::None;  // a comparison: not a platform switch
      ++at;
      continue;
    }
    size_t begin = at;
    while (at < condition.size() && is_ident_char(static_cast<unsigned char>(condition[at]))) ++at;
    std::string_view word = condition.substr(begin, at - begin);
    if (word == "defined") continue;
    if (!names_other_accelerator(word)) return Accelerator::None;
    ++names;
  }
  if (names == 0) return Accelerator::None;
  if (nots == 1 && names == 1) negated = !negated;
  else if (nots != 0) return Accelerator::None;
  if (negated) return kind == DirectiveKind::Elif ? Accelerator::None : Accelerator::NotTaken;
  return Accelerator::Taken;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) { out_.text = text; }

  LexedFile run() {
    bool line_start = true;
    while (pos_ < text_.size()) {
      unsigned char c = text_[pos_];
      if (c == '\n') {
        end_directive(pos_);
        line_start = true;
        ++pos_;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
        continue;
      }
      if (c == '\\' && continues_line(pos_)) {  // a line splice is whitespace
        skip_splice();
        continue;
      }
      if (c == '/' && peek(1) == '/') {
        line_comment();
        continue;
      }
      if (c == '/' && peek(1) == '*') {
        block_comment();
        continue;
      }
      if (c == '#' && line_start && current_directive_ < 0) {
        line_start = false;
        directive();
        continue;
      }
      line_start = false;
      token();
    }
    end_directive(text_.size());
    for (const Frame& frame : frames_)  // outermost first, which is source order
      problem(frame.begin, frame.keyword + " with no matching #endif");
    std::stable_sort(out_.problems.begin(), out_.problems.end(),
                     [](const LexProblem& a, const LexProblem& b) { return a.begin < b.begin; });
    return std::move(out_);
  }

 private:
  char peek(size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  bool continues_line(size_t at) const {
    size_t next = at + 1;
    if (next < text_.size() && text_[next] == '\r') ++next;
    return next < text_.size() && text_[next] == '\n';
  }

  void skip_splice() {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    ++pos_;  // the newline: the logical line goes on
  }

  void line_comment() {
    size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n') {
      if (text_[pos_] == '\\' && continues_line(pos_)) {
        skip_splice();
        continue;
      }
      ++pos_;
    }
    out_.comments.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_)});
  }

  void problem(size_t begin, std::string message) {
    out_.problems.push_back({static_cast<uint32_t>(begin), std::move(message)});
  }

  void block_comment() {
    size_t begin = pos_;
    size_t close = text_.find("*/", pos_ + 2);
    if (close == std::string_view::npos)
      problem(begin, "unterminated /* comment; the rest of the file was read as a comment");
    pos_ = close == std::string_view::npos ? text_.size() : close + 2;
    out_.comments.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_)});
  }

  void push(TokenKind kind, size_t begin, size_t end) {
    Token token{kind, branch_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end), current_directive_};
    out_.tokens.push_back(token);
  }

  void quoted(char quote) {  // pos_ is on the opening quote
    size_t begin = pos_;
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\\' && continues_line(pos_)) {  // a splice, CRLF included, continues the literal
        skip_splice();
        continue;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) {
        pos_ += 2;
        continue;
      }
      if (c == '\n') break;  // unterminated: stop at the line end
      ++pos_;
      if (c == quote) return;
    }
    // Skipped code (`#if 0`) and #error/#warning text may hold a lone apostrophe (`don't`):
    // compilers accept both, so only live code is reported.
    bool free_text = current_directive_ >= 0 && out_.directives[current_directive_].kind == DirectiveKind::Other;
    if (branch_ != Branch::Dead && !free_text)
      problem(begin, quote == '"' ? "unterminated string literal" : "unterminated character literal");
  }

  void raw_string() {  // pos_ is on the opening quote of R"delim(…)delim"
    size_t open = text_.find('(', pos_);
    if (open == std::string_view::npos || open - pos_ > 17) {
      quoted('"');
      return;
    }
    std::string closing = ")" + std::string(text_.substr(pos_ + 1, open - pos_ - 1)) + "\"";
    size_t close = text_.find(closing, open);
    if (close == std::string_view::npos)
      problem(pos_, "unterminated raw string literal; the rest of the file was read as the string");
    pos_ = close == std::string_view::npos ? text_.size() : close + closing.size();
  }

  void token() {
    size_t begin = pos_;
    unsigned char c = text_[pos_];
    if (is_ident_start(c)) {
      while (pos_ < text_.size() && is_ident_char(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      std::string_view word = text_.substr(begin, pos_ - begin);
      if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'') && is_literal_prefix(word)) {
        bool is_char = text_[pos_] == '\'';
        if (!is_char && word.back() == 'R') raw_string();
        else quoted(text_[pos_]);
        push(is_char ? TokenKind::Char : TokenKind::String, begin, pos_);
        return;
      }
      push(TokenKind::Identifier, begin, pos_);
      return;
    }
    if (is_digit(c) || (c == '.' && is_digit(static_cast<unsigned char>(peek(1))))) {
      ++pos_;
      while (pos_ < text_.size()) {
        unsigned char d = text_[pos_];
        if ((d == '+' || d == '-') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E' ||
                                       text_[pos_ - 1] == 'p' || text_[pos_ - 1] == 'P')) {
          ++pos_;
        } else if (d == '\'' && pos_ + 1 < text_.size() && is_ident_char(text_[pos_ + 1])) {
          pos_ += 2;  // digit separator
        } else if (is_ident_char(d) || d == '.') {
          ++pos_;
        } else {
          break;
        }
      }
      push(TokenKind::Number, begin, pos_);
      return;
    }
    if (c == '"' || c == '\'') {
      quoted(static_cast<char>(c));
      push(c == '"' ? TokenKind::String : TokenKind::Char, begin, pos_);
      return;
    }
    std::string_view rest = text_.substr(pos_);
    size_t length = 1;
    for (std::string_view p : kPunct3)
      if (rest.starts_with(p)) length = 3;
    if (length == 1)
      for (std::string_view p : kPunct2)
        if (rest.starts_with(p)) length = 2;
    pos_ += length;
    push(TokenKind::Punct, begin, pos_);
  }

  // Reads `# name …`; the rest of the line is lexed as tokens belonging to this directive.
  void directive() {
    Directive d;
    d.begin = static_cast<uint32_t>(pos_);
    d.depth = static_cast<uint16_t>(frames_.size());
    d.branch = branch_;
    ++pos_;
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    size_t word_begin = pos_;
    while (pos_ < text_.size() && is_ident_char(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string_view word = text_.substr(word_begin, pos_ - word_begin);
    if (word == "include" || word == "include_next" || word == "import") d.kind = DirectiveKind::Include;
    else if (word == "define") d.kind = DirectiveKind::Define;
    else if (word == "undef") d.kind = DirectiveKind::Undef;
    else if (word == "if") d.kind = DirectiveKind::If;
    else if (word == "ifdef") d.kind = DirectiveKind::Ifdef;
    else if (word == "ifndef") d.kind = DirectiveKind::Ifndef;
    else if (word == "elif" || word == "elifdef" || word == "elifndef") d.kind = DirectiveKind::Elif;
    else if (word == "else") d.kind = DirectiveKind::Else;
    else if (word == "endif") d.kind = DirectiveKind::Endif;
    else if (word == "pragma") d.kind = DirectiveKind::Pragma;

    // Conditionals change the branch of what follows; the directive line itself keeps the
    // branch it was found in.
    switch (d.kind) {
      case DirectiveKind::If:
      case DirectiveKind::Ifdef:
      case DirectiveKind::Ifndef: {
        Frame frame;
        frame.begin = d.begin;
        frame.keyword = "#" + std::string(word);
        if (d.kind == DirectiveKind::If && condition_is_zero()) frame.dead_mask = 1;
        Accelerator other = other_accelerator(condition_text(), d.kind);
        if (other == Accelerator::Taken) frame.dead_mask |= 1;
        if (other == Accelerator::NotTaken) frame.dead_mask |= 2;  // the #else is theirs
        frames_.push_back(frame);
        break;
      }
      case DirectiveKind::Elif:
        if (!frames_.empty()) {
          Frame& frame = frames_.back();
          ++frame.index;
          if (frame.index < 32 && other_accelerator(condition_text(), d.kind) == Accelerator::Taken)
            frame.dead_mask |= 1u << frame.index;
        }
        break;
      case DirectiveKind::Else:
        if (!frames_.empty()) ++frames_.back().index;
        break;
      case DirectiveKind::Endif:
        if (!frames_.empty()) frames_.pop_back();
        break;
      default:
        break;
    }

    current_directive_ = static_cast<int32_t>(out_.directives.size());
    if (d.kind == DirectiveKind::Include) read_header_name(d);
    out_.directives.push_back(d);
    if (d.kind == DirectiveKind::Define || d.kind == DirectiveKind::Undef ||
        d.kind == DirectiveKind::Ifdef || d.kind == DirectiveKind::Ifndef)
      read_macro_name();
  }

  // The rest of the directive's logical line (the condition), splices included.
  std::string_view condition_text() const {
    size_t end = pos_;
    while (end < text_.size() && text_[end] != '\n') {
      if (text_[end] == '\\' && continues_line(end)) {
        end = text_.find('\n', end);
        if (end == std::string_view::npos) break;
      }
      ++end;
    }
    return text_.substr(pos_, std::min(end, text_.size()) - pos_);
  }

  bool condition_is_zero() const {
    size_t at = pos_;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t')) ++at;
    if (at >= text_.size() || text_[at] != '0') return false;
    ++at;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t' || text_[at] == '\r')) ++at;
    return at >= text_.size() || text_[at] == '\n' || text_[at] == '/';
  }

  void read_header_name(Directive& d) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ >= text_.size() || (text_[pos_] != '<' && text_[pos_] != '"')) return;  // #include MACRO
    char close = text_[pos_] == '<' ? '>' : '"';
    size_t end = pos_ + 1;
    while (end < text_.size() && text_[end] != close && text_[end] != '\n') ++end;
    if (end >= text_.size() || text_[end] != close) return;
    d.angled = close == '>';
    d.name_begin = static_cast<uint32_t>(pos_);
    d.name_end = static_cast<uint32_t>(end + 1);
    d.name = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
  }

  void read_macro_name() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    size_t begin = pos_;
    while (pos_ < text_.size() && is_ident_char(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Directive& d = out_.directives.back();
    d.name = text_.substr(begin, pos_ - begin);
    d.name_begin = static_cast<uint32_t>(begin);
    d.name_end = static_cast<uint32_t>(pos_);
    if (d.kind != DirectiveKind::Define) return;
    if (pos_ < text_.size() && text_[pos_] == '(') {  // function-like: skip the parameters
      d.function_like = true;
      for (size_t at = pos_ + 1; at < text_.size(); ++at) {
        if (text_[at] == ')') {
          d.params = text_.substr(pos_ + 1, at - pos_ - 1);
          pos_ = at + 1;
          break;
        }
        if (text_[at] == '\n' && !(text_[at - 1] == '\\' || (text_[at - 1] == '\r' && text_[at - 2] == '\\')))
          break;  // no closing parenthesis on the logical line: lex the rest as the body
      }
    }
    d.body_first = static_cast<uint32_t>(out_.tokens.size());
    d.body_last = d.body_first;
  }

  void end_directive(size_t at) {
    if (current_directive_ < 0) return;
    Directive& d = out_.directives[current_directive_];
    d.end = static_cast<uint32_t>(at);
    if (d.kind == DirectiveKind::Define) d.body_last = static_cast<uint32_t>(out_.tokens.size());
    current_directive_ = -1;
    update_branch();
  }

  // The branch of the code after the current directive line.
  void update_branch() {
    branch_ = Branch::Active;
    for (const Frame& frame : frames_) {
      if (frame.index < 32 && (frame.dead_mask >> frame.index & 1u) != 0) {
        branch_ = Branch::Dead;
        return;
      }
      int first_live = 0;
      while (first_live < 31 && (frame.dead_mask >> first_live & 1u) != 0) ++first_live;
      if (frame.index > first_live) branch_ = Branch::Alternate;
    }
  }

  struct Frame {
    uint32_t dead_mask = 0;  ///< bit i: branch i is dead (`#if 0`, another accelerator's code)
    int index = 0;           ///< which branch we are in: 0 for #if, then one more per #elif/#else
    uint32_t begin = 0;      ///< where its #if/#ifdef/#ifndef line starts, for an unclosed one
    std::string keyword;     ///< "#if", "#ifdef" or "#ifndef"
  };

  std::string_view text_;
  size_t pos_ = 0;
  LexedFile out_;
  std::vector<Frame> frames_;
  Branch branch_ = Branch::Active;
  int32_t current_directive_ = -1;
};

}  // namespace

LexedFile lex(std::string_view text) { return Lexer(text).run(); }

}  // namespace tpu::cpp
