// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/source_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace tpu {

SourceFile::SourceFile(std::string relative_path, std::string text)
    : path_(std::move(relative_path)), text_(std::move(text)) {
  // Sized for lines of 32 bytes, so that the index is one or two allocations rather than a
  // doubling series (each large allocation makes glibc consolidate the parser's freed nodes).
  line_starts_.reserve(1 + text_.size() / 32);
  line_starts_.push_back(0);
  // find() is a memchr: the newlines of a large file are found a word at a time.
  for (size_t at = text_.find('\n'); at != std::string::npos; at = text_.find('\n', at + 1))
    line_starts_.push_back(static_cast<uint32_t>(at + 1));
  continuations_before_block_.reserve(1 + text_.size() / kBlock);
  uint32_t continuations = 0;
  for (size_t block = 0; block < text_.size(); block += kBlock) {
    continuations_before_block_.push_back(continuations);
    size_t end = std::min(text_.size(), block + kBlock);
    for (size_t i = block; i < end; ++i)  // a branch-free count the compiler vectorises
      continuations += (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80;
  }
}

uint32_t SourceFile::continuations_before(uint32_t byte) const {
  byte = std::min<uint32_t>(byte, static_cast<uint32_t>(text_.size()));
  uint32_t block = byte / kBlock;
  if (block >= continuations_before_block_.size()) {
    if (continuations_before_block_.empty()) return 0;
    block = static_cast<uint32_t>(continuations_before_block_.size() - 1);
  }
  uint32_t count = continuations_before_block_[block];
  for (uint32_t i = block * kBlock; i < byte; ++i)
    count += (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80;
  return count;
}

size_t utf8_sequence_length(std::string_view text, size_t at) {
  auto c = static_cast<unsigned char>(text[at]);
  if (c < 0x80) return 1;
  size_t length = 0;
  uint32_t min_code = 0;
  if ((c & 0xE0) == 0xC0) { length = 2; min_code = 0x80; }
  else if ((c & 0xF0) == 0xE0) { length = 3; min_code = 0x800; }
  else if ((c & 0xF8) == 0xF0) { length = 4; min_code = 0x10000; }
  else return 0;
  if (at + length > text.size()) return 0;
  uint32_t code = c & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and out-of-range code points are invalid too.
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

uint32_t first_invalid_utf8_line(std::string_view text) {
  // Every file of a scan passes through here: ASCII runs are skipped 32 bytes at a time, and
  // lines are counted only when there is an error to place.
  auto line_at = [&](size_t offset) {
    return 1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + offset, '\n'));
  };
  size_t i = 0;
  while (i < text.size()) {
    if (i + 32 <= text.size()) {
      // Four words at once: source code is nearly all ASCII, and this is the whole cost of a
      // cached re-scan's check of each file.
      uint64_t words[4];
      std::memcpy(words, text.data() + i, sizeof words);
      if (((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ull) == 0) {
        i += 32;
        continue;
      }
    }
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    size_t length = utf8_sequence_length(text, i);
    if (length == 0) return line_at(i);
    i += length;
  }
  return 0;
}

std::optional<std::string_view> utf16_encoding(std::string_view head) {
  if (head.starts_with("\xFF\xFE") && !head.starts_with(std::string_view("\xFF\xFE\0\0", 4)))
    return "UTF-16LE";
  if (head.starts_with("\xFE\xFF")) return "UTF-16BE";
  // Without a byte-order mark: text of ASCII characters has a NUL in every other byte, and
  // nowhere else (binary files have NULs at random).
  head = head.substr(0, std::min<size_t>(head.size(), 8192) & ~size_t{1});
  if (head.size() < 8 || std::memchr(head.data(), '\0', head.size()) == nullptr) return std::nullopt;
  bool even_nul = true, odd_nul = true, even_text = true, odd_text = true;
  for (size_t i = 0; i < head.size(); i += 2) {
    even_nul = even_nul && head[i] == '\0';
    odd_nul = odd_nul && head[i + 1] == '\0';
    even_text = even_text && head[i] != '\0';
    odd_text = odd_text && head[i + 1] != '\0';
  }
  if (odd_nul && even_text) return "UTF-16LE";
  if (even_nul && odd_text) return "UTF-16BE";
  return std::nullopt;
}

std::variant<SourceFile, InputError> SourceFile::read(const std::filesystem::path& absolute,
                                                      std::string relative_path,
                                                      const ReadLimits& limits) {
  auto text = read_text(absolute, relative_path, limits);
  if (auto* error = std::get_if<InputError>(&text)) return std::move(*error);
  return SourceFile(std::move(relative_path), std::move(std::get<std::string>(text)));
}

std::variant<std::string, InputError> SourceFile::read_text(const std::filesystem::path& absolute,
                                                            const std::string& relative_path,
                                                            const ReadLimits& limits) {
  std::error_code ec;
  auto size = std::filesystem::file_size(absolute, ec);
  if (ec) return InputError{relative_path, 0, "cannot read: " + ec.message()};
  if (size > limits.max_bytes)
    return InputError{relative_path, 0,
                      "file is " + std::to_string(size / (1024 * 1024)) +
                          " MiB, over the " + std::to_string(limits.max_bytes / (1024 * 1024)) +
                          " MiB limit (--max-file-size); not scanned"};
  std::ifstream in(absolute, std::ios::binary);
  if (!in) return InputError{relative_path, 0, std::string("cannot read: ") + std::strerror(errno)};
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad() || static_cast<uint64_t>(in.gcount()) != size)
    return InputError{relative_path, 0, "cannot read: read error"};
  if (auto encoding = utf16_encoding(text))
    return InputError{relative_path, 0,
                      std::string(*encoding) + " text; not analysed (convert it to UTF-8 to scan it)"};
  // Git's heuristic: a NUL byte in the first 8 KiB means binary.
  if (std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 8192)) != nullptr)
    return InputError{relative_path, 0, "binary file; not scanned"};
  if (uint32_t bad_line = first_invalid_utf8_line(text))
    return InputError{relative_path, bad_line, "invalid UTF-8; not scanned"};
  return text;
}

uint32_t SourceFile::line_of(uint32_t byte) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte);
  return static_cast<uint32_t>(it - line_starts_.begin());
}

uint32_t SourceFile::column_of(uint32_t byte) const { return column_in_line(byte, line_of(byte)); }

uint32_t SourceFile::column_in_line(uint32_t byte, uint32_t line) const {
  uint32_t start = line_starts_[line - 1];
  byte = std::min<uint32_t>(byte, static_cast<uint32_t>(text_.size()));
  if (byte <= start) return 1;
  return 1 + (byte - start) - (continuations_before(byte) - continuations_before(start));
}

Location SourceFile::location(uint32_t begin_byte, uint32_t end_byte) const {
  // Each end's line is looked up once; most ranges end on the line they begin on.
  uint32_t line = line_of(begin_byte);
  uint32_t end_line = line;
  if (line >= line_starts_.size() || end_byte >= line_starts_[line]) end_line = line_of(end_byte);
  return Location{path_,    line, column_in_line(begin_byte, line), end_line,
                  column_in_line(end_byte, end_line), begin_byte, end_byte};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : text_.size();
  std::string_view view(text_.data() + begin, end - begin);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view.remove_suffix(1);
  return view;
}

}  // namespace tpu
