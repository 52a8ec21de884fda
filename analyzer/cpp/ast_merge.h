// SPDX-License-Identifier: Apache-2.0
// Merges what the syntax tree knows into the token-level structure. A body the tree also
// has (same `{`) is confirmed and takes the tree's CUDA attributes (macros resolved); a
// function only the tree has (defined through a macro) is added; a launch only the tree has
// (through a macro from another file) is added; what the tree lacks stays, unconfirmed, so
// that nothing the tokens show is lost when the tree is broken.
#pragma once

#include "analyzer/cpp/ast_facts.h"
#include "analyzer/cpp/structure.h"

namespace tpu::cpp {

void merge_ast(Structure& structure, const AstFacts& facts, const LexedFile& lexed);

/// Sorts blocks by `{`, recomputes parents and remaps every index that points at a block.
void finalize_blocks(Structure& structure);

}  // namespace tpu::cpp
