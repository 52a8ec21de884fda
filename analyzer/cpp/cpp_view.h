// SPDX-License-Identifier: Apache-2.0
// Everything the C++ rule families read about one file: its tokens, its structure (merged
// with the tree when there is one), every CUDA reference found in the tokens with its
// context, and the CUDA #includes. Built once per file; the families only filter it.
#pragma once

#include <string>
#include <vector>

#include "analyzer/core/source_file.h"
#include "analyzer/cpp/api_table.h"
#include "analyzer/cpp/ast_facts.h"
#include "analyzer/cpp/lexer.h"
#include "analyzer/cpp/structure.h"

namespace tpu::cpp {

/// One reference to a CUDA name, at its own place (HIPIFY counts references this way).
struct Reference {
  ApiMatch match;
  uint32_t begin = 0, end = 0;  ///< the whole qualified name as written
  std::string symbol;           ///< "at::cuda::getCurrentCUDAStream", "threadIdx.x"
  bool is_call = false;
  std::string macro;            ///< the #define whose body holds it, if any
  int block = -1;               ///< innermost block, -1 at namespace scope
  bool device_context = false;  ///< inside device code (or a macro body of a CUDA file)
};

struct IncludeReference {
  ApiMatch match;
  uint32_t begin = 0, end = 0;
  std::string header;
};

/// An identifier in the condition of a live `#if`/`#ifdef`/`#ifndef`/`#elif` line (include
/// guards left out): where build switches and version checks are read.
struct ConditionName {
  uint32_t begin = 0, end = 0;
  std::string_view name;
  int directive = -1;
};

struct CppFileView {
  const SourceFile* file = nullptr;
  LexedFile lexed;
  Structure structure;
  AstFacts ast;            ///< ast.available is false when there is no tree
  std::string no_tree;     ///< why there is no tree ("the parse ran past the time bound")
  bool cuda_source = false;
  bool deep = false;
  std::vector<Reference> references;
  std::vector<IncludeReference> includes;
  std::vector<ConditionName> conditions;  ///< in source order

  /// The note a finding gets when what it claims rests on tokens alone (the tree is
  /// missing, or broken where `block` is); empty when the tree confirms it.
  std::string token_level_note(int block) const;
};

/// True when `path` names a CUDA source (.cu, .cuh) or `text` uses CUDA syntax.
bool is_cuda_source(std::string_view path, std::string_view text);

/// Builds the view: structure from the tokens, merged with `ast` when available, then the
/// references and includes.
/// `macros` (may be null) are the repository's CUDA attribute macros.
CppFileView build_view(const SourceFile& file, AstFacts ast, std::string no_tree, bool deep,
                       const AttributeMacros* macros = nullptr);

}  // namespace tpu::cpp
