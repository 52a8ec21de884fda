// SPDX-License-Identifier: Apache-2.0
#include "rewriter/rewrite_cache.h"

#include "analyzer/cache/finding_codec.h"

namespace tpu::rewriter {
namespace {

cache::Hash128 space_of(const RewriteOptions& options) {
  return cache::result_space("rewrite", {options.target, options.style == Style::Direct ? "direct" : "portable",
                                         options.unsafe_fixes ? "unsafe" : "safe",
                                         cache::enabled_rules(options.filter), std::to_string(options.max_rounds)});
}

}  // namespace

RewriteCache::RewriteCache(const std::filesystem::path& root, const RewriteOptions& options)
    : store_(cache::open_store(options.cache, root, "rewrite", space_of(options))) {}

std::optional<RewriteCache::Entry> RewriteCache::load(const std::string& path, const std::string& text,
                                                      const cache::Hash128& key) const {
  auto payload = store_->load(key);
  if (!payload) return std::nullopt;
  cache::ByteReader in(*payload);
  Entry entry;
  FileRewrite& file = entry.file;
  file.path = path;
  file.before = text;
  file.fixes = in.u64();
  file.notes = in.strings();
  file.refused = in.boolean();
  file.after = in.boolean() ? in.string() : text;
  entry.unfixed = cache::read_list<Unfixed>(in, [&] {
    Unfixed item;
    item.finding = cache::read_finding(in, path);
    item.reason = in.string();
    return item;
  });
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return entry;
}

void RewriteCache::store(const cache::Hash128& key, const FileRewrite& file, const std::vector<Unfixed>& unfixed) {
  cache::ByteWriter out;
  out.u64(file.fixes);
  out.strings(file.notes);
  out.boolean(file.refused);
  bool changed = file.after != file.before;
  out.boolean(changed);
  if (changed) out.string(file.after);
  cache::write_list(out, unfixed, [&](const Unfixed& item) {
    cache::write_finding(out, item.finding, file.path);
    out.string(item.reason);
  });
  store_->store(key, out.bytes());
}

}  // namespace tpu::rewriter
