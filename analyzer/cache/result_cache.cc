// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/result_cache.h"

#include "analyzer/cache/build_identity.h"
#include "analyzer/cache/python_analysis_codec.h"
#include "analyzer/rule_registry.h"
#include "opdb/user_tables.h"

namespace fs = std::filesystem;

namespace tpu::cache {
namespace {

// Bumped when an entry's encoding changes (the build identity changes with every build anyway).
constexpr std::string_view kFormat = "1";

// The synced op tables change op statuses and their reasons, which per-file results hold.
Hash128 user_tables_hash() {
  KeyHasher hasher;
  if (auto dir = opdb::user_data_dir()) {
    std::vector<std::string> errors;
    for (const opdb::UserTable& table : opdb::read_user_tables(*dir, errors)) hasher.add(table.target).add(table.text);
  }
  return hasher.digest();
}

}  // namespace

Hash128 file_key(std::string_view relative_path, std::string_view content) {
  return KeyHasher().add(relative_path).add(content_hash(content)).digest();
}

Hash128 result_space(std::string_view kind, std::initializer_list<std::string_view> settings) {
  static const Hash128 tables = user_tables_hash();
  KeyHasher hasher;
  hasher.add(kind).add(kFormat).add(build_identity()).add(tables);
  for (std::string_view setting : settings) hasher.add(setting);
  return hasher.digest();
}

std::unique_ptr<EntryStore> open_store(const CacheOptions& options, const fs::path& root, std::string_view kind,
                                       const Hash128& space) {
  if (!options.enabled) return nullptr;
  return std::make_unique<EntryStore>(options.dir.empty() ? default_cache_dir(root) : options.dir, kind, space);
}

std::string enabled_rules(const RuleFilter& filter) {
  std::string codes;
  for (const RuleMeta* rule : all_rules())
    if (filter.enabled(*rule)) codes.append(rule->code).push_back(',');
  return codes;
}

PythonAnalysisCache::PythonAnalysisCache(const CacheOptions& options, const fs::path& root, const std::string& target)
    : store_(open_store(options, root, "python", result_space("python", {target}))) {
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec);
  root_ = (ec ? root : absolute).lexically_normal().string();
}

Hash128 PythonAnalysisCache::linked_name(const std::string& rules) const {
  return KeyHasher().add("linked").add(root_).add(rules).digest();
}

// The payload: the tree's hash in hex (32 bytes), then the linked side.
std::optional<LinkedPython> PythonAnalysisCache::load_linked(const std::string& rules, const Hash128& tree) const {
  auto payload = store_->load(linked_name(rules));
  std::string expected = tree.hex();
  if (!payload || !payload->starts_with(expected)) return std::nullopt;
  return decode_linked_python(std::string_view(*payload).substr(expected.size()));
}

void PythonAnalysisCache::store_linked(const std::string& rules, const Hash128& tree, const LinkedPython& linked) {
  store_->store(linked_name(rules), tree.hex() + encode_linked_python(linked));
}

std::optional<python::PythonAnalysis> PythonAnalysisCache::load(const std::string& path, const Hash128& key) const {
  auto payload = store_->load(key);
  if (!payload) return std::nullopt;
  return decode_python_analysis(*payload, path);
}

void PythonAnalysisCache::store(const std::string& path, const Hash128& key, const python::PythonAnalysis& analysis) {
  store_->store(key, encode_python_analysis(analysis, path));
}

}  // namespace tpu::cache
