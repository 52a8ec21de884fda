// SPDX-License-Identifier: Apache-2.0
// Whether files have uncommitted changes in their git repository (libgit2), so that
// `rewrite --apply` never overwrites work that git could not give back.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

struct git_repository;  // libgit2's handle (global namespace, as git2.h declares it)

namespace tpu::rewriter {

class GitState {
 public:
  /// Opens the repository that contains `path`, if any.
  explicit GitState(const std::filesystem::path& path);
  ~GitState();

  bool in_repository() const { return repository_ != nullptr; }

  /// True when `file` differs from HEAD (modified, staged, or untracked); false outside a
  /// repository and for ignored files.
  bool dirty(const std::filesystem::path& file) const;

 private:
  ::git_repository* repository_ = nullptr;
  std::filesystem::path workdir_;
};

}  // namespace tpu::rewriter
