// SPDX-License-Identifier: Apache-2.0
// --no-cache and --cache-dir, shared by scan and rewrite, with their environment twins
// (TPU_MIGRATE_NO_CACHE, TPU_MIGRATE_CACHE_DIR) for CI jobs and test harnesses.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "analyzer/cache/result_cache.h"

namespace tpu::cli {

struct CacheArguments {
  bool no_cache = false;
  std::string cache_dir;
};

void add_cache_options(CLI::App& command, CacheArguments& arguments);

/// The options the library gets: on unless --no-cache or TPU_MIGRATE_NO_CACHE (set and not
/// empty or "0"); the folder from --cache-dir, else TPU_MIGRATE_CACHE_DIR, else the default.
cache::CacheOptions cache_options(const CacheArguments& arguments);

}  // namespace tpu::cli
