// SPDX-License-Identifier: Apache-2.0
// The C++/CUDA lexer: the token level every reference finding rests on.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analyzer/cpp/lexer.h"

using namespace tpu::cpp;

namespace {

std::vector<std::string> spellings(const LexedFile& lexed, bool code_only = true) {
  std::vector<std::string> out;
  for (const Token& token : lexed.tokens)
    if (!code_only || token.directive < 0) out.emplace_back(lexed.spelling(token));
  return out;
}

}  // namespace

TEST_CASE("cpp lexer: comments, strings and raw strings hide their contents") {
  std::string text =
      "a /* threadIdx */ b // cudaMalloc\n"
      "c \"__syncthreads()\" d R\"x(atomicAdd)\" )x\" e u8\"s\" 'q' 1'000'000 0x1p-3f\n";
  LexedFile lexed = lex(text);
  CHECK(spellings(lexed) == std::vector<std::string>{"a", "b", "c", "\"__syncthreads()\"", "d",
                                                     "R\"x(atomicAdd)\" )x\"", "e", "u8\"s\"", "'q'",
                                                     "1'000'000", "0x1p-3f"});
  CHECK(lexed.comments.size() == 2);
}

TEST_CASE("cpp lexer: launches, templates and shifts") {
  LexedFile lexed = lex("k<T><<<g, b>>>(x); a<b<c>> d; x <<= 1; y << 2;");
  std::vector<std::string> s = spellings(lexed);
  CHECK(s[4] == "<<<");
  CHECK(std::count(s.begin(), s.end(), ">") == 6);  // `>>>` and `>>` split, one at a time
  CHECK(std::count(s.begin(), s.end(), "<<=") == 1);
  CHECK(std::count(s.begin(), s.end(), "<<") == 1);
}

TEST_CASE("cpp lexer: directives, include names, macro bodies and line splices") {
  std::string text =
      "#include <cub/cub.cuh>\n"
      "  #  include \"local.h\"\n"
      "#define LAUNCH(k, n) \\\n"
      "  k<<<n, 32>>>()\n"
      "int after;\n";
  LexedFile lexed = lex(text);
  REQUIRE(lexed.directives.size() == 3);
  CHECK(lexed.directives[0].kind == DirectiveKind::Include);
  CHECK(lexed.directives[0].name == "cub/cub.cuh");
  CHECK(lexed.directives[0].angled);
  CHECK(text.substr(lexed.directives[0].name_begin, lexed.directives[0].name_end - lexed.directives[0].name_begin) ==
        "<cub/cub.cuh>");
  CHECK(lexed.directives[1].name == "local.h");
  CHECK(!lexed.directives[1].angled);
  const Directive& define = lexed.directives[2];
  CHECK(define.kind == DirectiveKind::Define);
  CHECK(define.name == "LAUNCH");
  CHECK(define.function_like);
  CHECK(define.params == "k, n");
  std::vector<std::string> body;
  for (uint32_t t = define.body_first; t < define.body_last; ++t) body.emplace_back(lexed.spelling(lexed.tokens[t]));
  CHECK(body == std::vector<std::string>{"k", "<<<", "n", ",", "32", ">", ">", ">", "(", ")"});
  CHECK(spellings(lexed) == std::vector<std::string>{"int", "after", ";"});
}

TEST_CASE("cpp lexer: conditional branches") {
  std::string text =
      "#if 0\n dead1\n#else\n live1\n#endif\n"
      "#ifdef WITH_CUDA\n first\n#elif defined(X)\n second\n#else\n third\n#endif\n"
      "#ifndef GUARD_H\n#define GUARD_H\n guarded\n#endif\n";
  LexedFile lexed = lex(text);
  auto branch_of = [&](std::string_view word) {
    for (const Token& token : lexed.tokens)
      if (lexed.spelling(token) == word) return token.branch;
    FAIL("no token " << word);
    return Branch::Dead;
  };
  CHECK(branch_of("dead1") == Branch::Dead);
  CHECK(branch_of("live1") == Branch::Active);
  CHECK(branch_of("first") == Branch::Active);
  CHECK(branch_of("second") == Branch::Alternate);
  CHECK(branch_of("third") == Branch::Alternate);
  CHECK(branch_of("guarded") == Branch::Active);
}

TEST_CASE("cpp lexer: other accelerators' branches are dead, shared and CUDA ones are not") {
  std::string text =
      "#ifdef USE_ROCM\n rocm1\n#else\n cuda1\n#endif\n"
      "#ifndef __HIP_PLATFORM_AMD__\n cuda2\n#else\n hip2\n#endif\n"
      "#if defined(MMCV_WITH_CUDA)\n cuda3\n#elif defined(MMCV_WITH_MLU)\n mlu3\n#elif defined(MMCV_WITH_MPS)\n"
      " mps3\n#else\n cpu3\n#endif\n"
      "#if !defined(USE_ROCM)\n cuda4\n#else\n rocm4\n#endif\n"
      "#if defined(WITH_CUDA) || defined(WITH_HIP)\n shared5\n#endif\n"
      "#if defined(__HIP_PLATFORM_AMD__) || defined(USE_ROCM)  // AMD\n hip6\n#endif\n"
      "#if HIP_VERSION >= 50000\n versioned7\n#endif\n"
      "#ifdef SHIPPING_BUILD\n shipping8\n#endif\n";
  LexedFile lexed = lex(text);
  auto branch_of = [&](std::string_view word) {
    for (const Token& token : lexed.tokens)
      if (lexed.spelling(token) == word) return token.branch;
    FAIL("no token " << word);
    return Branch::Dead;
  };
  CHECK(branch_of("rocm1") == Branch::Dead);
  CHECK(branch_of("cuda1") == Branch::Active);  // the structure follows the CUDA branch
  CHECK(branch_of("cuda2") == Branch::Active);
  CHECK(branch_of("hip2") == Branch::Dead);
  CHECK(branch_of("cuda3") == Branch::Active);
  CHECK(branch_of("mlu3") == Branch::Dead);
  CHECK(branch_of("mps3") == Branch::Dead);
  CHECK(branch_of("cpu3") == Branch::Alternate);
  CHECK(branch_of("cuda4") == Branch::Active);
  CHECK(branch_of("rocm4") == Branch::Dead);
  CHECK(branch_of("shared5") == Branch::Active);
  CHECK(branch_of("hip6") == Branch::Dead);
  CHECK(branch_of("versioned7") == Branch::Active);
  CHECK(branch_of("shipping8") == Branch::Active);
}

namespace {

// "line: message" for each problem, so that a check names both the construct and where it starts.
std::vector<std::string> problems(std::string_view text) {
  LexedFile lexed = lex(text);
  std::vector<std::string> out;
  for (const LexProblem& problem : lexed.problems) {
    uint32_t line = 1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + problem.begin, '\n'));
    out.push_back(std::to_string(line) + ": " + problem.message);
  }
  return out;
}

bool starts_with(const std::vector<std::string>& found, std::string_view prefix) {
  return found.size() == 1 && found[0].starts_with(prefix);
}

}  // namespace

TEST_CASE("cpp lexer: unterminated constructs are problems with the line they start on") {
  SUBCASE("block comment") {
    CHECK(starts_with(problems("int a;\nint b; /* never\nclosed\n"), "2: unterminated /* comment"));
  }
  SUBCASE("string literal: the token ends at the line, the next line lexes normally") {
    std::string text = "x = 1;\ns = \"open\ncudaMalloc(p);\n";
    CHECK(problems(text) == std::vector<std::string>{"2: unterminated string literal"});
    CHECK(spellings(lex(text)).back() == ";");
    CHECK(std::ranges::count(spellings(lex(text)), "cudaMalloc") == 1);
  }
  SUBCASE("character literal") {
    CHECK(problems("\n\nchar c = 'x;\n") == std::vector<std::string>{"3: unterminated character literal"});
  }
  SUBCASE("raw string") {
    CHECK(starts_with(problems("a;\nb;\nauto s = R\"d(text )\" still open\n"), "3: unterminated raw string literal"));
  }
  SUBCASE("conditionals without #endif, innermost and outermost") {
    CHECK(problems("#ifdef USE_CUDA\nint a;\n#if X\n#endif\n#ifndef Y\n") ==
          std::vector<std::string>{"1: #ifdef with no matching #endif", "5: #ifndef with no matching #endif"});
  }
}

TEST_CASE("cpp lexer: look-alikes of unterminated constructs are not problems") {
  CHECK(problems("const char* s = \"a */ b /* c\";\n").empty());        // comment marks inside a string
  CHECK(problems("/* it's a \" quote */ int a; // don't\n").empty());   // quotes inside comments
  CHECK(problems("const char* s = \"one \\\ntwo\";\nint b;\n").empty());  // a line continuation in a string
  CHECK(problems("const char* s = \"one \\\r\ntwo\";\r\nint b;\r\n").empty());  // ... with CRLF
  CHECK(problems("char q = '\\'';\nauto r = R\"x(a \" ) \")x\";\n").empty());
  CHECK(problems("#if A\n#ifdef B\n#else\n#endif\n#elif C\n#endif\n").empty());  // nested #ifs that close
  CHECK(problems("#if 0\ndon't\n#endif\n#error can't build\n").empty());  // skipped code and #error text
  CHECK(problems("int n = 1'000'000;\n").empty());                          // digit separators
}
