// SPDX-License-Identifier: Apache-2.0
// The primitives of the cache's binary entries: LEB128 varints and length-prefixed strings.
// The reader never trusts its input: a truncated or corrupt entry makes it fail (ok() false),
// never read out of bounds or allocate more than the entry's own size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::cache {

class ByteWriter {
 public:
  void u64(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  /// -1 and other small negatives stay short (zigzag).
  void i64(int64_t value) { u64((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63)); }
  void boolean(bool value) { u64(value ? 1 : 0); }
  void string(std::string_view text) {
    u64(text.size());
    out_.append(text);
  }
  void strings(const std::vector<std::string>& texts) {
    u64(texts.size());
    for (const std::string& text : texts) string(text);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  bool at_end() const { return at_ == in_.size(); }
  /// Marks the input bad (a value out of its range); every later read returns zero values.
  void fail() { ok_ = false; }

  uint64_t u64() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!ok_ || at_ >= in_.size()) break;
      uint8_t byte = static_cast<uint8_t>(in_[at_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  int64_t i64() {
    uint64_t value = u64();
    return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
  }
  uint32_t u32() {
    uint64_t value = u64();
    if (value > UINT32_MAX) ok_ = false;
    return ok_ ? static_cast<uint32_t>(value) : 0;
  }
  bool boolean() {
    uint64_t value = u64();
    if (value > 1) ok_ = false;
    return ok_ && value == 1;
  }
  std::string string() {
    uint64_t size = u64();
    if (!ok_ || size > in_.size() - at_) {
      ok_ = false;
      return {};
    }
    std::string text(in_.substr(at_, size));
    at_ += size;
    return text;
  }
  std::vector<std::string> strings() {
    std::vector<std::string> texts(count());
    for (std::string& text : texts) text = string();
    return texts;
  }
  /// The length of a list: each element takes at least one byte, so a count larger than what is
  /// left is corruption (and is never allocated).
  size_t count() {
    uint64_t size = u64();
    if (!ok_ || size > in_.size() - at_) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(size);
  }

 private:
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace tpu::cache
