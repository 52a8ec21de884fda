// SPDX-License-Identifier: Apache-2.0
// Fast mode: no header is read. The parser runs in single-file mode (every #include is
// skipped, and a conditional on a macro it cannot know keeps all its branches), over a
// precompiled stand-in for the CUDA, standard-library and torch declarations. About a
// millisecond or two per file, and the same structure whatever the machine has installed.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "analyzer/cpp/ast_facts.h"
#include "analyzer/cpp/libclang.h"
#include "analyzer/cpp/work_dir.h"

namespace tpu::cpp {

/// The stand-in header's text (analyzer/cpp/standin/tpu_standin.h, embedded at build time).
std::string_view standin_header();

class FastParser {
 public:
  explicit FastParser(const WorkDir& work) : work_(work) {}

  /// Builds the precompiled stand-in for CUDA or C++ once; returns an error message or "".
  std::string prepare(bool cuda);

  /// The parser arguments for a file of that language (after prepare() succeeded).
  std::vector<std::string> arguments(bool cuda) const;
  static unsigned options();

 private:
  const WorkDir& work_;
  std::mutex mutex_;
  bool tried_[2] = {false, false};
  std::string error_[2];
  std::string pch_[2];
  std::filesystem::path header_;  ///< the stand-in header both PCHs are built from
};

/// Declarations fast mode puts before a file's text: one variadic `__global__` template per
/// kernel the file launches but does not declare (its header is not read), so that the
/// launch parses instead of breaking the tree around it.
std::string launched_kernel_declarations(std::string_view text);

/// Parses `text` as `path` with `arguments` and reads the tree's facts for the bytes after
/// the first `prefix` (which the caller put before the file's own text). On failure the
/// facts are unavailable and `problem` says why.
AstFacts parse_and_collect(CXIndex index, const std::string& path, const std::string& text,
                           const std::vector<std::string>& arguments, unsigned options,
                           std::string& problem, uint32_t prefix = 0);

}  // namespace tpu::cpp
