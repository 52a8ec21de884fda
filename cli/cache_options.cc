// SPDX-License-Identifier: Apache-2.0
#include "cli/cache_options.h"

#include <cstdlib>
#include <string_view>

namespace tpu::cli {

void add_cache_options(CLI::App& command, CacheArguments& arguments) {
  command.add_flag("--no-cache", arguments.no_cache,
                   "Neither read nor write the result cache (also: TPU_MIGRATE_NO_CACHE=1)");
  command.add_option("--cache-dir", arguments.cache_dir,
                     "Keep the result cache in DIR (default: .tpu-migrate-cache in the scanned folder; "
                     "also: TPU_MIGRATE_CACHE_DIR)");
}

cache::CacheOptions cache_options(const CacheArguments& arguments) {
  cache::CacheOptions options;
  const char* no_cache = std::getenv("TPU_MIGRATE_NO_CACHE");
  bool off_by_environment = no_cache != nullptr && *no_cache != '\0' && std::string_view(no_cache) != "0";
  options.enabled = !arguments.no_cache && !off_by_environment;
  if (!arguments.cache_dir.empty()) {
    options.dir = arguments.cache_dir;
  } else if (const char* dir = std::getenv("TPU_MIGRATE_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    options.dir = dir;
  }
  return options;
}

}  // namespace tpu::cli
