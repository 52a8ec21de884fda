// SPDX-License-Identifier: Apache-2.0
// The cache's files on disk: one entry per key in a folder named for what the entries hold and
// everything they depend on besides their own key (the tool build, the settings). An entry is
// written to a temporary file and renamed into place, so concurrent runs never see half of one;
// one that is truncated, corrupt or from another format fails its checks and reads as missing,
// and is written again. The cache folder holds a `.gitignore` of `*`.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/cache/content_hash.h"

namespace tpu::cache {

/// The folder a scan of `root` (a folder, or a file: its folder) keeps its cache in by default,
/// kResultCacheFolder (analyzer/core/discovery.h, which never walks it).
std::filesystem::path default_cache_dir(const std::filesystem::path& root);

class EntryStore {
 public:
  /// `kind` names what the entries hold ("python", "rewrite"); `space` hashes what they depend on.
  EntryStore(std::filesystem::path dir, std::string_view kind, const Hash128& space);

  /// The payload stored under `key`, or nullopt when there is none or it fails its checks.
  std::optional<std::string> load(const Hash128& key) const;

  /// Stores `payload` under `key`. Thread-safe. A failure is remembered (see warning()) and
  /// stops later writes; the run goes on without them.
  void store(const Hash128& key, std::string_view payload);

  /// Empty, or why the cache could not be written (one sentence, with the folder).
  std::string warning() const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  bool prepare_folder();
  void fail(const std::string& why);

  std::filesystem::path dir_, folder_;
  mutable std::mutex mutex_;
  bool prepared_ = false;
  std::atomic<bool> failed_{false};
  std::string warning_;
};

}  // namespace tpu::cache
