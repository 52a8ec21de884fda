// SPDX-License-Identifier: Apache-2.0
#include "rewriter/git_state.h"

#include <git2.h>

namespace tpu::rewriter {

GitState::GitState(const std::filesystem::path& path) {
  git_libgit2_init();
  std::error_code ec;
  std::filesystem::path start = std::filesystem::absolute(path, ec);
  if (git_repository_open_ext(&repository_, start.c_str(), 0, nullptr) != 0) {
    repository_ = nullptr;
    return;
  }
  if (const char* workdir = git_repository_workdir(repository_)) {
    workdir_ = std::filesystem::weakly_canonical(workdir, ec);
  } else {
    git_repository_free(repository_);  // a bare repository has no files to protect
    repository_ = nullptr;
  }
}

GitState::~GitState() {
  if (repository_ != nullptr) git_repository_free(repository_);
  git_libgit2_shutdown();
}

bool GitState::dirty(const std::filesystem::path& file) const {
  if (repository_ == nullptr) return false;
  std::error_code ec;
  std::filesystem::path relative =
      std::filesystem::weakly_canonical(file, ec).lexically_relative(workdir_);
  if (relative.empty() || relative.native().starts_with("..")) return false;
  unsigned int flags = 0;
  if (git_status_file(&flags, repository_, relative.generic_string().c_str()) != 0) return true;
  if (flags & GIT_STATUS_IGNORED) return false;
  return flags != GIT_STATUS_CURRENT;
}

}  // namespace tpu::rewriter
