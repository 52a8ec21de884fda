// SPDX-License-Identifier: Apache-2.0
// Asks CPython itself whether a text parses (`python3 -c 'import ast; ast.parse(…)'`).
//
// Only for the files where the tree-sitter grammar and CPython can disagree the other way:
// the grammar reports an ERROR node on some valid code (`return a, *rest` in a tuple, newer
// syntax than the grammar). Those are a few files in a thousand; each costs one interpreter
// start (~20-30 ms). Every other file is judged by the tree check (validity.h) alone.
#pragma once

#include <optional>
#include <string_view>

namespace tpu::rewriter {

/// True when `python3` (found on PATH) parses `source`, false when it raises SyntaxError;
/// nullopt when no interpreter could be run.
std::optional<bool> cpython_parses(std::string_view source);

}  // namespace tpu::rewriter
