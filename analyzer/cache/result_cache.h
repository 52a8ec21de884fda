// SPDX-License-Identifier: Apache-2.0
// The content-hash result cache (as ruff's .ruff_cache): a file's results are stored under the
// hash of its path and content, in a space keyed by the tool build, the op-database tables in
// use and the settings the results depend on. What a file's results do not depend on (rule
// selection, applied afterwards; findings linking several files, recomputed each run from
// the cached per-file facts) is not part of the key, so such results stay valid.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/cache/content_hash.h"
#include "analyzer/cache/entry_store.h"
#include "analyzer/cache/python_analysis_codec.h"
#include "analyzer/core/rule_filter.h"
#include "analyzer/python/python_analyzer.h"

namespace tpu::cache {

struct CacheOptions {
  bool enabled = false;
  std::filesystem::path dir;  ///< empty: default_cache_dir(the scan root)
};

/// The key of one file's results: its path (results name it, and module names come from it)
/// and its content.
Hash128 file_key(std::string_view relative_path, std::string_view content);

/// The space of a kind of results: the tool build, the cache format, the user's synced op
/// tables, and `settings` (what else the results depend on).
Hash128 result_space(std::string_view kind, std::initializer_list<std::string_view> settings);

/// The store `options` ask for under `root`, or null when the cache is off.
std::unique_ptr<EntryStore> open_store(const CacheOptions& options, const std::filesystem::path& root,
                                       std::string_view kind, const Hash128& space);

/// The rules `filter` enables, as one text ("TPU101,TPU102,…"), whatever words chose them.
std::string enabled_rules(const RuleFilter& filter);

/// Per-file Python analyses, for one op-database target; and the linked Python side of a
/// whole scan of one root, under the hash of every file's key and the rules enabled.
class PythonAnalysisCache {
 public:
  /// `options.enabled` must be true.
  PythonAnalysisCache(const CacheOptions& options, const std::filesystem::path& root, const std::string& target);

  std::optional<python::PythonAnalysis> load(const std::string& path, const Hash128& key) const;
  void store(const std::string& path, const Hash128& key, const python::PythonAnalysis& analysis);

  std::optional<LinkedPython> load_linked(const std::string& rules, const Hash128& tree) const;
  void store_linked(const std::string& rules, const Hash128& tree, const LinkedPython& linked);

  std::string warning() const { return store_->warning(); }

 private:
  // One linked entry per root and rule set, overwritten as the tree changes.
  Hash128 linked_name(const std::string& rules) const;

  std::unique_ptr<EntryStore> store_;
  std::string root_;
};

}  // namespace tpu::cache
