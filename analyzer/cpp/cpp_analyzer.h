// SPDX-License-Identifier: Apache-2.0
// Analyses one C++/CUDA file once its tree (if any) has been read: builds the view, runs
// every C++ rule family, applies the file's `// tpu-migrate: ignore[…]` comments, and
// extracts the facts the repository-wide inventory needs.
#pragma once

#include <string>
#include <vector>

#include "analyzer/core/source_file.h"
#include "analyzer/cpp/ast_facts.h"
#include "analyzer/cpp/cpp_facts.h"

namespace tpu::cpp {

struct CppAnalysis {
  std::vector<Finding> findings;  ///< suppressions applied, in source order
  CppFileFacts facts;
  std::vector<InputError> errors;  ///< bad input the lexer read past (unterminated comment, literal, #if)
};

/// `ast.available` false means there is no tree; `no_tree` then says why, for the notes of
/// the findings that rest on tokens alone. `macros` may be null.
CppAnalysis analyze_cpp(const SourceFile& file, AstFacts ast, std::string no_tree, bool deep,
                        const AttributeMacros* macros = nullptr);

}  // namespace tpu::cpp
