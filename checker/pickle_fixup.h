// SPDX-License-Identifier: Apache-2.0
// Makes a pickle stream that Python's torch.save wrote readable by libtorch 1.13's unpickler,
// which lacks two opcodes Python uses for one-element containers and accepts LONG1 integers
// only in 8 bytes:
//   key value SETITEM   (a dict with one item, e.g. the trace's {"dtype": "float32"})
//                       -> MARK key value SETITEMS
//   item APPEND         (a list with one item, e.g. a call that returned one tensor)
//                       -> MARK item APPENDS
//   LONG1 n<8 bytes     (an int beyond 32 bits, e.g. 2**40) -> LONG1 8 bytes, sign-extended
#pragma once

#include <string>
#include <string_view>

namespace tpu::checker {

/// The rewritten stream, or the input unchanged when nothing needs rewriting. Protocol 2
/// streams (torch.save's) have no frames or byte offsets, so inserting opcodes is safe. An
/// opcode this walker does not know stops the rewrite: the input comes back unchanged and
/// `error` says why (the unpickler will then report its own error).
std::string fix_pickle_for_libtorch(std::string_view pickle, std::string* error = nullptr);

}  // namespace tpu::checker
