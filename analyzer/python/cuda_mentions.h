// SPDX-License-Identifier: Apache-2.0
// Where a file's code (not its comments) names CUDA outside a call the rules already index:
// string literals such as "nccl", "cuda:0" or "kernel.cu", and names such as `x.is_cuda`,
// `torch.cuda.FloatTensor`, `torch.version.cuda`, `CUDA_HOME`, `cudnn.benchmark` read as a
// value. Found by a byte search for the few words that can start such a mention, then placed
// in the tree the parser built: no second walk of the file, and no work on files that never
// mention CUDA.
#pragma once

#include <tree_sitter/api.h>

#include <vector>

#include "analyzer/python/module_view.h"

namespace tpu::python {

struct Mention {
  TSNode node{};        ///< a string literal, or the outermost attribute/identifier expression
  Context context;      ///< its enclosing function (loop depth is not known here: 0)
  bool callee = false;  ///< a name that is the function of a call (the call rules own those)
  bool assigned = false;  ///< a name on the left of an assignment
};

class CudaMentions {
 public:
  CudaMentions(const ModuleView& view, TSNode root);

  /// String literals, in source order, each once.
  const std::vector<Mention>& strings() const { return strings_; }
  /// Name expressions (identifiers and attribute chains), in source order, each once.
  const std::vector<Mention>& names() const { return names_; }

 private:
  std::vector<Mention> strings_;
  std::vector<Mention> names_;
};

/// True when `string` is a docstring, a message (print, logging, warnings, exceptions,
/// asserts) or argparse help text: words there are prose, not configuration.
bool is_prose_string(const ModuleView& view, TSNode string);

}  // namespace tpu::python
