// SPDX-License-Identifier: Apache-2.0
// Is this Python as CPython would compile it? tree-sitter's grammar recovers where CPython
// stops: it accepts an empty block (`try:` followed by `except`), a dedent that matches no
// outer level, and tabs and spaces mixed ambiguously. The rewriter must neither edit a file
// CPython cannot read nor hand such a file back, so it checks both sides with this.
//
// Why a check over the tree and not `python3 -c 'import ast'`: the library runs no external
// program (the scan and the rewrite work where no interpreter is installed, and a user's
// python3 may be older than the code), and one interpreter start costs ~20 ms per file, the
// whole rewrite of a file ~1 ms. The benchmark (bench/rewrite_realworld.sh) cross-checks these
// rules against CPython on real repositories.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <tree_sitter/api.h>

namespace tpu::rewriter {

struct SyntaxProblem {
  uint32_t line = 0;  ///< 1-based
  std::string message;
};

/// The first place CPython would refuse `source` (a syntax error, a block with no statement,
/// an inconsistent indentation); nullopt when there is none.
std::optional<SyntaxProblem> strict_syntax_problem(std::string_view source);
/// The same over `source`'s tree, when the caller has parsed it already.
std::optional<SyntaxProblem> strict_syntax_problem(TSNode root, std::string_view source);

/// Names that `after` uses and `before` did not, and that `after` neither binds (import, def,
/// class, assignment, parameter…) nor gets from the builtins: a fix that introduced them
/// would raise NameError.
std::set<std::string> unbound_new_names(std::string_view before, std::string_view after);
/// What unbound_new_names compares, for callers that check pieces of a text: the names `root`
/// reads, the names it binds, and whether a name is a builtin.
std::set<std::string> names_used(TSNode root, std::string_view source);
std::set<std::string> names_bound(TSNode root, std::string_view source);
bool is_builtin_name(std::string_view name);
std::set<std::string> unbound_new_names(TSNode before_root, std::string_view before, TSNode after_root,
                                        std::string_view after);

}  // namespace tpu::rewriter
