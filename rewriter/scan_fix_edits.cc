// SPDX-License-Identifier: Apache-2.0
#include "rewriter/scan_fix_edits.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <variant>

#include "analyzer/core/discovery.h"

namespace tpu::rewriter {

void attach_scan_fix_edits(std::vector<Finding>& findings, const std::filesystem::path& base,
                           const FixOptions& options, const ReadLimits& limits, unsigned jobs) {
  // The findings of each file that has a fix site, by their index in the scan's list.
  std::map<std::string, std::vector<size_t>> by_file;
  for (size_t i = 0; i < findings.size(); ++i)
    if (findings[i].fix && findings[i].fix->site) by_file[findings[i].location.path].push_back(i);
  std::vector<const std::pair<const std::string, std::vector<size_t>>*> files;
  for (const auto& entry : by_file) files.push_back(&entry);

  auto attach_file = [&](const std::string& path, const std::vector<size_t>& indices) {
    auto read = SourceFile::read(base / raw_path(path), path, limits);
    if (std::holds_alternative<InputError>(read)) return;
    std::vector<Finding> own;
    own.reserve(indices.size());
    for (size_t index : indices) own.push_back(std::move(findings[index]));
    attach_fix_edits(std::get<SourceFile>(read), own, options);
    for (size_t k = 0; k < indices.size(); ++k) findings[indices[k]] = std::move(own[k]);
  };
  unsigned threads = jobs != 0 ? jobs : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, files.size()));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k = next++; k < files.size(); k = next++) attach_file(files[k]->first, files[k]->second);
  };
  if (threads <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> pool;
  for (unsigned j = 0; j < threads; ++j) pool.emplace_back(worker);
}

}  // namespace tpu::rewriter
