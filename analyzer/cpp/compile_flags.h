// SPDX-License-Identifier: Apache-2.0
// Deep mode's compiler arguments for each file: from compile_commands.json when there is
// one (nvcc, gcc and clang commands reduced to what a libclang parse needs), inferred
// otherwise (the tree's include folders, the torch headers of Debian's libtorch-dev or of an
// installed torch wheel, Python's headers, the CUDA toolkit). What is not on the machine is
// replaced: no CUDA toolkit means the stand-in's CUDA declarations, no torch headers the
// stand-in's torch declarations.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/core/discovery.h"
#include "analyzer/cpp/work_dir.h"

namespace tpu::cpp {

/// The headers and toolkits found on this machine.
struct Toolchain {
  std::filesystem::path cuda;                 ///< a CUDA toolkit root, or empty
  std::vector<std::filesystem::path> torch;   ///< torch include folders, or empty
  std::filesystem::path python;               ///< the folder with Python.h, or empty
};

/// Looks for the toolkits in the usual places ($CUDA_HOME, /usr/local/cuda, site-packages,
/// /usr/include/torch, …). Reads the file system only; runs nothing.
Toolchain find_toolchain();

class CompileFlags {
 public:
  /// `database` may be empty (then every file's flags are inferred).
  CompileFlags(const std::filesystem::path& root, const std::filesystem::path& database,
               const std::vector<DiscoveredFile>& files, const std::vector<std::string>& include_dirs,
               const WorkDir& work);
  ~CompileFlags();
  CompileFlags(const CompileFlags&) = delete;
  CompileFlags& operator=(const CompileFlags&) = delete;

  /// The arguments to parse `file` with (no file name in them). `cuda` is the file's language.
  std::vector<std::string> arguments(const DiscoveredFile& file, bool cuda) const;

  /// "compile_commands.json at <path>" or "inferred flags (…)".
  std::string source() const;

 private:
  std::optional<std::vector<std::string>> from_database(const std::filesystem::path& file) const;
  std::vector<std::string> inferred(bool cuda) const;
  std::vector<std::string> required(bool cuda) const;

  std::filesystem::path database_;
  void* db_ = nullptr;  ///< CXCompilationDatabase
  Toolchain toolchain_;
  std::vector<std::string> include_dirs_;
  std::filesystem::path compat_;  ///< headers the toolchain lacks (CUDA 13's texture_fetch_functions.h, …)
  std::filesystem::path standin_;
};

}  // namespace tpu::cpp
