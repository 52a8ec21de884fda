// SPDX-License-Identifier: Apache-2.0
// `rewrite`'s use of the result cache: a file's planned rewrite (its new text when it changes,
// its notes, and the findings left unfixed) under the hash of its path and content, in a
// space keyed by the target, the style, --unsafe-fixes and the rules enabled.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/cache/result_cache.h"
#include "rewriter/rewrite.h"

namespace tpu::rewriter {

class RewriteCache {
 public:
  /// `options.cache.enabled` must be true.
  RewriteCache(const std::filesystem::path& root, const RewriteOptions& options);

  struct Entry {
    FileRewrite file;
    std::vector<Unfixed> unfixed;
  };
  /// The cached rewrite of `path` whose content is `text` (and whose key is `key`).
  std::optional<Entry> load(const std::string& path, const std::string& text, const cache::Hash128& key) const;
  void store(const cache::Hash128& key, const FileRewrite& file, const std::vector<Unfixed>& unfixed);
  std::string warning() const { return store_->warning(); }

 private:
  std::unique_ptr<cache::EntryStore> store_;
};

}  // namespace tpu::rewriter
