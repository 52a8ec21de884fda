// SPDX-License-Identifier: Apache-2.0
// Deep mode: real flags and headers, made affordable by sharing a precompiled preamble.
// Files with the same flags form a group (whatever their folder); the group's preamble is the
// union of its files' top-level <…> includes (torch, CUDA, the standard library), built once
// with function bodies skipped, and each file is parsed after it by reparsing one
// translation unit whose main buffer is "preamble ; #line 1 file-text". The tree's offsets
// are shifted back by the preamble's length. Groups run in parallel.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/core/discovery.h"
#include "analyzer/core/source_file.h"
#include "analyzer/cpp/bounded_run.h"
#include "analyzer/cpp/parsed_tree.h"
#include "analyzer/cpp/work_dir.h"

namespace tpu::cpp {

struct DeepOptions {
  std::filesystem::path database;  ///< compile_commands.json, or empty to infer the flags
  std::vector<std::string> include_dirs;
  unsigned jobs = 1;
  std::chrono::milliseconds bound{300000};
};

struct DeepParse {
  std::string flags_source;
  std::vector<InputError> errors;
};

/// Parses every readable file (`sources[i]` non-null) and calls `each(i, tree)` from worker
/// threads as each finishes.
DeepParse parse_deep(const std::vector<DiscoveredFile>& files, const std::vector<const SourceFile*>& sources,
                     const std::filesystem::path& root, const WorkDir& work, const DeepOptions& options,
                     const std::shared_ptr<Stragglers>& stragglers,
                     const std::function<void(size_t, ParsedTree)>& each);

/// The preamble a group of files shares: their top-level `#include <…>` lines, in first-seen
/// order, without duplicates. Exposed for tests.
std::string shared_preamble(const std::vector<const SourceFile*>& members);

}  // namespace tpu::cpp
