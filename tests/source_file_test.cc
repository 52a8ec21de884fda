// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <variant>

#include "analyzer/core/source_file.h"
#include "test_support.h"

using namespace tpu;

TEST_CASE("source file: lines and code-point columns") {
  SourceFile file("a.py", "x = 1\ny = \"é\" + z\n");
  CHECK(file.line_of(0) == 1);
  CHECK(file.line_of(6) == 2);
  CHECK(file.column_of(6) == 1);
  // "é" is two bytes but one column.
  uint32_t z = static_cast<uint32_t>(file.text().find('z'));
  CHECK(file.column_of(z) == 11);
  CHECK(file.line_text(2) == "y = \"é\" + z");
}

TEST_CASE("source file: invalid UTF-8 is located by line") {
  CHECK(first_invalid_utf8_line("ok\nstill ok\n") == 0);
  CHECK(first_invalid_utf8_line("ok\n\xff\n") == 2);
  CHECK(first_invalid_utf8_line("a\nb\n\xc3") == 3);            // truncated sequence
  CHECK(first_invalid_utf8_line("\xc0\xaf") == 1);              // overlong
  CHECK(first_invalid_utf8_line("\xed\xa0\x80") == 1);          // surrogate
  CHECK(first_invalid_utf8_line("\xf0\x9f\x98\x80 ok") == 0);   // emoji
  // Long ASCII runs (checked 8 bytes at a time) around the bad byte, at every alignment.
  std::string ascii_lines;
  for (int i = 0; i < 20; ++i) ascii_lines += "import torch  # line of plain ASCII\n";
  for (size_t pad = 0; pad < 9; ++pad) {
    CAPTURE(pad);
    std::string text = ascii_lines + std::string(pad, 'x') + "caf\xc3\xa9 ok\n" + ascii_lines;
    CHECK(first_invalid_utf8_line(text) == 0);
    text = ascii_lines + std::string(pad, 'x') + "\xe2\x82" + ascii_lines;  // truncated euro sign
    CHECK(first_invalid_utf8_line(text) == 21);
  }
}

TEST_CASE("source file: read refuses binary, oversized and non-UTF-8 files") {
  testing::TempDir dir;
  auto binary = dir.write("bin.py", std::string("abc\0def", 7));
  auto big = dir.write("big.py", std::string(2048, 'x'));
  auto latin = dir.write("latin.py", "# caf\xe9\n");
  auto good = dir.write("good.py", "import torch\n");
  ReadLimits limits{1024};
  auto error_of = [&](const std::filesystem::path& path) {
    auto result = SourceFile::read(path, path.filename().string(), limits);
    REQUIRE(std::holds_alternative<InputError>(result));
    return std::get<InputError>(result);
  };
  CHECK(error_of(binary).message.find("binary") != std::string::npos);
  CHECK(error_of(big).message.find("limit") != std::string::npos);
  CHECK(error_of(latin).line == 1);
  CHECK(error_of(dir.path() / "missing.py").message.find("cannot read") != std::string::npos);
  auto ok = SourceFile::read(good, "good.py", limits);
  REQUIRE(std::holds_alternative<SourceFile>(ok));
  CHECK(std::get<SourceFile>(ok).text() == "import torch\n");
}
