// SPDX-License-Identifier: Apache-2.0
// Analyses a repository's C++/CUDA files: reads them, gathers the CUDA attribute macros of
// the whole tree, parses each file (fast mode: in parallel, one translation unit per file;
// deep mode: in parallel groups that share a precompiled preamble), each under the per-file
// time bound, and runs the rules. A file past the bound is an error entry and keeps its
// token-level findings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/core/discovery.h"
#include "analyzer/core/source_file.h"
#include "analyzer/cpp/cpp_facts.h"

namespace tpu::cpp {

enum class CppMode : uint8_t {
  Auto,  ///< deep when a compile_commands.json is found (-p DIR, the root, build/), else fast
  Fast,  ///< no headers read: the stand-in declarations only
  Deep,  ///< real flags and headers (compile_commands.json, or inferred)
};

struct CppScanOptions {
  CppMode mode = CppMode::Auto;
  std::string compile_commands_dir;   ///< -p DIR: where compile_commands.json is
  uint32_t file_timeout_ms = 0;       ///< 0: 10 s in fast mode, 300 s in deep mode
  std::vector<std::string> include_dirs;  ///< extra include folders for deep mode
  unsigned jobs = 1;
  ReadLimits limits;
  std::function<void()> file_done;    ///< called from worker threads as each file finishes
};

struct CppFileOutcome {
  bool analysed = false;
  std::vector<Finding> findings;  ///< every rule; the scan applies --select/--ignore
  std::vector<InputError> errors;
  CppFileFacts facts;
  uint64_t bytes = 0;
  double parse_ms = 0;            ///< time in libclang for this file (its share, in deep mode)
  bool had_tree = false;
};

struct CppScanOutcome {
  std::string mode;                   ///< "fast" or "deep"
  std::string flags_source;           ///< deep: the compile_commands.json used, or "inferred"
  std::vector<CppFileOutcome> files;  ///< parallel to the input
  std::vector<InputError> errors;     ///< problems of the whole C++ pass
};

/// `files` are the C++ files of a discovery under `root`.
CppScanOutcome scan_cpp(const std::vector<DiscoveredFile>& files, const std::filesystem::path& root,
                        const CppScanOptions& options);

/// The compile_commands.json a scan of `root` would use (-p DIR first, then the root, then
/// build/), or an empty path.
std::filesystem::path find_compile_commands(const std::filesystem::path& root, const std::string& dir);

}  // namespace tpu::cpp
