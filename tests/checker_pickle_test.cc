// SPDX-License-Identifier: Apache-2.0
// The pickle rewrite that lets libtorch 1.13 read what Python's pickle writes for one-item
// dicts and lists and for ints beyond 32 bits. Streams below are pickle.dumps(..., protocol=2).
#include <doctest/doctest.h>

#include <string>

#include "checker/pickle_fixup.h"

using tpu::checker::fix_pickle_for_libtorch;

namespace {
std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}
}  // namespace

TEST_CASE("pickle fixup: SETITEM becomes MARK ... SETITEMS") {
  // pickle.dumps({"a": 1}, protocol=2)
  std::string in = bytes({0x80, 2, '}', 'q', 0, 'X', 1, 0, 0, 0, 'a', 'q', 1, 'K', 1, 's', '.'});
  std::string want = bytes({0x80, 2, '}', 'q', 0, '(', 'X', 1, 0, 0, 0, 'a', 'q', 1, 'K', 1, 'u', '.'});
  CHECK(fix_pickle_for_libtorch(in) == want);
}

TEST_CASE("pickle fixup: APPEND becomes MARK ... APPENDS, nested in a dict") {
  // pickle.dumps({"k": [7]}, protocol=2)
  std::string in = bytes({0x80, 2, '}', 'q', 0, 'X', 1, 0, 0, 0, 'k', 'q', 1, ']', 'q', 2, 'K', 7, 'a', 's', '.'});
  std::string want =
      bytes({0x80, 2, '}', 'q', 0, '(', 'X', 1, 0, 0, 0, 'k', 'q', 1, ']', 'q', 2, '(', 'K', 7, 'e', 'u', '.'});
  CHECK(fix_pickle_for_libtorch(in) == want);
}

TEST_CASE("pickle fixup: short LONG1 is widened to 8 bytes, sign-extended") {
  // pickle.dumps(2**40, protocol=2) and pickle.dumps(-2**40, protocol=2)
  std::string positive = bytes({0x80, 2, 0x8a, 6, 0, 0, 0, 0, 0, 1, '.'});
  CHECK(fix_pickle_for_libtorch(positive) == bytes({0x80, 2, 0x8a, 8, 0, 0, 0, 0, 0, 1, 0, 0, '.'}));
  std::string negative = bytes({0x80, 2, 0x8a, 6, 0, 0, 0, 0, 0, 0xff, '.'});
  CHECK(fix_pickle_for_libtorch(negative) == bytes({0x80, 2, 0x8a, 8, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, '.'}));
}

TEST_CASE("pickle fixup: streams without those opcodes come back unchanged") {
  // pickle.dumps({"a": 1, "b": 2}, protocol=2): SETITEMS already
  std::string in = bytes({0x80, 2, '}', 'q', 0, '(', 'X', 1, 0, 0, 0, 'a', 'q', 1, 'K', 1, 'X', 1, 0, 0, 0, 'b',
                          'q', 2, 'K', 2, 'u', '.'});
  CHECK(fix_pickle_for_libtorch(in) == in);
}

TEST_CASE("pickle fixup: an unknown opcode leaves the stream alone and says why") {
  std::string in = bytes({0x80, 4, 0x95, 1, 0, 0, 0, 0, 0, 0, 0, 'N', '.'});  // protocol 4 FRAME
  std::string error;
  CHECK(fix_pickle_for_libtorch(in, &error) == in);
  CHECK(error.find("unknown pickle opcode 0x95") != std::string::npos);
}
