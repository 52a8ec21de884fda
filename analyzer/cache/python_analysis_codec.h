// SPDX-License-Identifier: Apache-2.0
// A Python file's analysis (findings before --select/--ignore, errors, suppressions and the
// facts the repository-wide pass links) in the cache's binary form, so that a cached file's
// results go through the same filtering and linking as a freshly parsed one's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/python/python_analyzer.h"

namespace tpu::cache {

std::string encode_python_analysis(const python::PythonAnalysis& analysis, const std::string& file_path);

/// nullopt when `bytes` is not a whole, well-formed encoding.
std::optional<python::PythonAnalysis> decode_python_analysis(std::string_view bytes,
                                                             const std::string& file_path);

/// The Python side of a whole scan after the repository-wide pass: every file's findings (in
/// discovery order), the files' analysis errors, the ops over all files.
struct LinkedPython {
  std::vector<Finding> findings;
  std::vector<InputError> errors;
  std::vector<OpUse> ops;
};

std::string encode_linked_python(const LinkedPython& linked);
std::optional<LinkedPython> decode_linked_python(std::string_view bytes);

}  // namespace tpu::cache
