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
  // Long ASCII runs (checked 32, then 8 bytes at a time) around the bad byte, at every
  // alignment of either block.
  std::string ascii_lines;
  for (int i = 0; i < 20; ++i) ascii_lines += "import torch  # line of plain ASCII\n";
  for (size_t pad = 0; pad < 33; ++pad) {
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

TEST_CASE("source file: columns far along a long line with multi-byte characters") {
  // Blocks of the column index are 256 bytes: characters of 1 to 4 bytes straddle their edges.
  std::string line;
  const char* pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  for (int i = 0; i < 3000; ++i) line += pieces[(i * 7) % 4];
  std::string text = "first line\n" + line + "\nlast\n";
  SourceFile file("long.py", text);
  uint32_t start = static_cast<uint32_t>(text.find('\n') + 1);
  uint32_t column = 1;
  for (uint32_t byte = start; byte < start + line.size(); ++byte) {
    if ((static_cast<unsigned char>(text[byte]) & 0xC0) == 0x80) continue;  // inside a character
    CAPTURE(byte);
    REQUIRE(file.column_of(byte) == column);
    ++column;
  }
  CHECK(file.column_of(static_cast<uint32_t>(start + line.size())) == 3001);  // the line's end
  CHECK(file.location(start + 5, static_cast<uint32_t>(text.size() - 1)).end_column == 5);
}

TEST_CASE("source file: UTF-16 is recognised, with or without a byte-order mark") {
  CHECK(utf16_encoding(std::string("\xff\xfei\0m\0", 6)) == "UTF-16LE");
  CHECK(utf16_encoding(std::string("\xfe\xff\0i\0m", 6)) == "UTF-16BE");
  CHECK(utf16_encoding(std::string("i\0m\0p\0o\0r\0t\0", 12)) == "UTF-16LE");
  CHECK(utf16_encoding(std::string("\0i\0m\0p\0o\0r\0t", 12)) == "UTF-16BE");
  CHECK_FALSE(utf16_encoding("import torch\n").has_value());
  CHECK_FALSE(utf16_encoding(std::string("\x7f" "ELF\2\1\1\0\0\0\0\0", 12)).has_value());  // binary
  CHECK_FALSE(utf16_encoding(std::string("\xff\xfe\0\0i\0\0\0", 8)).has_value());        // UTF-32LE
  testing::TempDir dir;
  auto wide = dir.write("wide.py", std::string("\xff\xfex\0\n\0", 6));
  auto read = SourceFile::read(wide, "wide.py", {});
  REQUIRE(std::holds_alternative<InputError>(read));
  CHECK(std::get<InputError>(read).message == "UTF-16LE text; not analysed (convert it to UTF-8 to scan it)");
}
