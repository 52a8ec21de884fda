// SPDX-License-Identifier: Apache-2.0
// A stack walk over the opcodes: each stack slot remembers the offset where the opcodes that
// built it begin. At SETITEM the key is the slot below the top, so a MARK inserted at the key's
// offset turns `key value SETITEM` into `MARK key value SETITEMS`, which libtorch reads; APPEND
// likewise with the item on top. The edits are collected, then applied in one pass.
//
// Worked example, pickle.dumps({"a": 1}, protocol=2):
//   \x80\x02 } q\x00 X\x01\x00\x00\x00a q\x01 K\x01 s .
//   the key "a" starts at offset 5, so the result is
//   \x80\x02 } q\x00 ( X\x01\x00\x00\x00a q\x01 K\x01 u .
#include "checker/pickle_fixup.h"

#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace tpu::checker {
namespace {

struct Slot {
  size_t start;
  bool mark;
};

// Replace `length` bytes at `at` with `text` (length 0: insert).
struct Edit {
  size_t at, length;
  std::string text;
};

// LONG1 with n < 8 little-endian two's-complement bytes, widened to the 8 libtorch wants.
std::string widened_long1(std::string_view payload) {
  const bool negative = !payload.empty() && (static_cast<uint8_t>(payload.back()) & 0x80);
  std::string out(1, static_cast<char>(0x8a));
  out.push_back(8);
  out.append(payload);
  out.append(8 - payload.size(), negative ? static_cast<char>(0xff) : '\0');
  return out;
}

uint32_t read_le(std::string_view data, size_t at, size_t width) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(data[at + i])) << (8 * i);
  return value;
}

}  // namespace

std::string fix_pickle_for_libtorch(std::string_view data, std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return std::string(data);
  };
  std::vector<Slot> stack;
  std::vector<Edit> edits;
  auto pop = [&stack](size_t n) -> bool {
    if (stack.size() < n) return false;
    stack.resize(stack.size() - n);
    return true;
  };
  auto pop_to_mark = [&stack]() -> std::optional<size_t> {
    while (!stack.empty()) {
      Slot slot = stack.back();
      stack.pop_back();
      if (slot.mark) return slot.start;
    }
    return std::nullopt;
  };
  size_t pos = 0;
  bool stopped = false;
  while (pos < data.size() && !stopped) {
    const size_t at = pos;
    const auto op = static_cast<uint8_t>(data[pos++]);
    auto need = [&](size_t n) { return pos + n <= data.size(); };
    auto skip_line = [&]() -> bool {
      const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
      if (!nl) return false;
      pos = static_cast<const char*>(nl) - data.data() + 1;
      return true;
    };
    switch (op) {
      case 0x80: pos += 1; break;                    // PROTO
      case '.': stopped = true; break;               // STOP
      case '(': stack.push_back({at, true}); break;  // MARK
      case ')': case ']': case '}': case 'N': case 0x88: case 0x89:  // empty containers, None, bools
        stack.push_back({at, false});
        break;
      case 'K': pos += 1; stack.push_back({at, false}); break;  // BININT1
      case 'M': pos += 2; stack.push_back({at, false}); break;  // BININT2
      case 'J': pos += 4; stack.push_back({at, false}); break;  // BININT
      case 'G': pos += 8; stack.push_back({at, false}); break;  // BINFLOAT
      case 0x8a: case 'U': case 'C': case 0x8c: {               // LONG1, SHORT_BINSTRING/BYTES/UNICODE
        if (!need(1)) return fail("truncated pickle");
        const size_t length = static_cast<uint8_t>(data[pos]);
        if (op == 0x8a && length < 8 && need(1 + length))
          edits.push_back({at, 2 + length, widened_long1(data.substr(pos + 1, length))});
        pos += 1 + length;
        stack.push_back({at, false});
        break;
      }
      case 0x8b: case 'X': case 'T': case 'B':  // LONG4, BINUNICODE, BINSTRING, BINBYTES
        if (!need(4)) return fail("truncated pickle");
        pos += 4 + read_le(data, pos, 4);
        stack.push_back({at, false});
        break;
      case 'c':  // GLOBAL module\nname\n
        if (!skip_line() || !skip_line()) return fail("truncated GLOBAL");
        stack.push_back({at, false});
        break;
      case 'q': pos += 1; break;  // BINPUT
      case 'r': pos += 4; break;  // LONG_BINPUT
      case 'p': if (!skip_line()) return fail("truncated PUT"); break;
      case 'h': pos += 1; stack.push_back({at, false}); break;  // BINGET
      case 'j': pos += 4; stack.push_back({at, false}); break;  // LONG_BINGET
      case 'g': if (!skip_line()) return fail("truncated GET"); stack.push_back({at, false}); break;
      case 'a':  // APPEND: list item
        if (stack.size() < 2) return fail("stack underflow at APPEND");
        edits.push_back({stack.back().start, 0, "("});
        edits.push_back({at, 1, "e"});
        pop(1);
        break;
      case 'b': if (!pop(1)) return fail("stack underflow at BUILD"); break;
      case '0': if (!pop(1)) return fail("stack underflow at POP"); break;
      case 'e': case 'u': case '1':  // APPENDS, SETITEMS, POP_MARK
        if (!pop_to_mark()) return fail("no MARK");
        break;
      case 's': {  // SETITEM: dict key value
        if (stack.size() < 3) return fail("stack underflow at SETITEM");
        edits.push_back({stack[stack.size() - 2].start, 0, "("});
        edits.push_back({at, 1, "u"});
        pop(2);
        break;
      }
      case 't': {  // TUPLE
        auto start = pop_to_mark();
        if (!start) return fail("no MARK");
        stack.push_back({*start, false});
        break;
      }
      case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
        size_t n = op - 0x84;
        if (stack.size() < n) return fail("stack underflow at TUPLEn");
        size_t start = stack[stack.size() - n].start;
        pop(n);
        stack.push_back({start, false});
        break;
      }
      case 'R': case 0x81: {  // REDUCE, NEWOBJ: callable/class and its arguments
        if (stack.size() < 2) return fail("stack underflow at REDUCE");
        size_t start = stack[stack.size() - 2].start;
        pop(2);
        stack.push_back({start, false});
        break;
      }
      case 'Q': case '2': {  // BINPERSID replaces the top; DUP copies it
        if (stack.empty()) return fail("stack underflow");
        if (op == '2') stack.push_back(stack.back());
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        return fail(std::string("unknown pickle opcode ") + hex + " at offset " + std::to_string(at));
      }
    }
    if (pos > data.size()) return fail("truncated pickle");
  }
  if (edits.empty()) return std::string(data);

  // Insertions first at a shared offset: a MARK goes before the item that starts there.
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.at != b.at ? a.at < b.at : a.length < b.length; });
  std::string out;
  out.reserve(data.size() + edits.size() * 8);
  size_t copied = 0;
  for (const Edit& edit : edits) {
    out.append(data.substr(copied, edit.at - copied));
    out.append(edit.text);
    copied = edit.at + edit.length;
  }
  out.append(data.substr(copied));
  return out;
}

}  // namespace tpu::checker
