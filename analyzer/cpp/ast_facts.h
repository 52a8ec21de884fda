// SPDX-License-Identifier: Apache-2.0
// What the syntax tree of one file tells beyond its tokens: which bodies are functions and
// with which CUDA attributes (macros resolved), which calls are kernel launches and of which
// kernel, what each call resolves to, and — in deep mode, where the types are real — the
// class or namespace a CUDA method or function belongs to.
#pragma once

#include <clang-c/Index.h>

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/cpp/structure.h"

namespace tpu::cpp {

struct AstBody {
  uint32_t open = 0, close = 0;  ///< the body's `{` and end, in the file
  uint32_t name_begin = 0, name_end = 0;
  std::string name, qualified;
  CodeKind code = CodeKind::Host;
  bool lambda = false;
  bool is_template = false;
};

struct AstLaunch {
  uint32_t chevron = UINT32_MAX;  ///< where `<<<` is spelled, when in this file
  uint32_t begin = 0;             ///< where the launch is in this file (macro expansion site)
  std::string kernel;             ///< the kernel's name
};

struct AstCall {
  uint32_t at = 0;
  std::string callee;
};

/// A reference the tree resolves into a CUDA namespace or class (deep mode).
struct AstTypedReference {
  uint32_t begin = 0, end = 0;
  std::string qualified;  ///< "c10::cuda::CUDAStream::synchronize"
  bool is_call = false;
};

struct AstFacts {
  bool available = false;
  std::vector<AstBody> bodies;
  std::vector<AstLaunch> launches;
  std::vector<AstCall> calls;
  std::vector<AstTypedReference> typed;
};

/// Reads the facts of `unit`'s main file. Offsets are shifted by `prefix` (the bytes the
/// deep mode puts before the file's text) and limited to [0, size).
AstFacts collect_ast_facts(CXTranslationUnit unit, uint32_t prefix, uint32_t size, bool typed);

}  // namespace tpu::cpp
