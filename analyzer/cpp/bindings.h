// SPDX-License-Identifier: Apache-2.0
// The binding blocks of a file (PYBIND11_MODULE, TORCH_LIBRARY*) and the ops they bind.
#pragma once

#include <vector>

#include "analyzer/cpp/code_tokens.h"
#include "analyzer/cpp/structure.h"

namespace tpu::cpp {

/// A binding macro whose body is block `block`: its name token and its `(` (code indices).
struct BindingOpener {
  int block = -1;
  int name = -1;
  int paren = -1;
};

/// Adds to `out` the modules and bindings of each opener. `brace_of_block[b]` is the code
/// index of block b's `{`.
void find_bindings(const CodeTokens& ct, const std::vector<int>& brace_of_block,
                   const std::vector<BindingOpener>& openers, Structure& out);

}  // namespace tpu::cpp
