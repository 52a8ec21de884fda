// SPDX-License-Identifier: Apache-2.0
// A file's text, read with the checks a scan needs, and byte offset -> line/column mapping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu {

struct ReadLimits {
  uint64_t max_bytes = 10u * 1024 * 1024;  ///< larger files are reported, not scanned
};

class SourceFile {
 public:
  SourceFile(std::string relative_path, std::string text);

  /// Reads `absolute`, refusing unreadable, oversized, UTF-16, binary and non-UTF-8 files with
  /// an InputError that names the path (and the line, for invalid UTF-8).
  static std::variant<SourceFile, InputError> read(const std::filesystem::path& absolute,
                                                   std::string relative_path,
                                                   const ReadLimits& limits);
  /// The same checks and text, without the line index (the result cache only hashes it).
  static std::variant<std::string, InputError> read_text(const std::filesystem::path& absolute,
                                                         const std::string& relative_path,
                                                         const ReadLimits& limits);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  /// 1-based line of a byte offset.
  uint32_t line_of(uint32_t byte) const;
  /// 1-based column of a byte offset, counted in Unicode code points.
  uint32_t column_of(uint32_t byte) const;
  /// column_of(byte) when `byte` is known to be on `line`.
  uint32_t column_in_line(uint32_t byte, uint32_t line) const;
  Location location(uint32_t begin_byte, uint32_t end_byte) const;
  /// The text of 1-based `line`, without its line ending.
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  /// UTF-8 continuation bytes before each kBlock-byte boundary: a column is the byte distance
  /// from its line's start minus the continuation bytes between, so that finding the column of
  /// the n-th call on a long line costs a block, not the line (one generated line can hold
  /// thousands of findings).
  static constexpr uint32_t kBlock = 256;
  std::vector<uint32_t> continuations_before_block_;
  uint32_t continuations_before(uint32_t byte) const;
};

/// Returns the 1-based line of the first invalid UTF-8 sequence, or 0 when `text` is valid.
uint32_t first_invalid_utf8_line(std::string_view text);

/// The length of the valid UTF-8 sequence at `text[at]` (1 to 4), or 0 when it is invalid.
size_t utf8_sequence_length(std::string_view text, size_t at);

/// "UTF-16LE" or "UTF-16BE" when a file's first bytes are UTF-16 (a byte-order mark, or ASCII
/// text with a NUL in every other byte), else nullopt.
std::optional<std::string_view> utf16_encoding(std::string_view head);

}  // namespace tpu
