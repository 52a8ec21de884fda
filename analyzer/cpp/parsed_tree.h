// SPDX-License-Identifier: Apache-2.0
// What a parse of one file left: the tree's facts, or why there are none.
#pragma once

#include <string>

#include "analyzer/cpp/ast_facts.h"

namespace tpu::cpp {

struct ParsedTree {
  AstFacts facts;        ///< facts.available is false when there is no tree
  std::string problem;   ///< why there is no tree
  double ms = 0;         ///< time spent parsing (and reading the tree)
  bool timed_out = false;
};

}  // namespace tpu::cpp
