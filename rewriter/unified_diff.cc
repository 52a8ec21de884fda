// SPDX-License-Identifier: Apache-2.0
#include "rewriter/unified_diff.h"

#include <git2.h>

namespace tpu::rewriter {
namespace {

// libgit2 keeps global state; initialise it once for the process.
void ensure_libgit2() {
  static const int kInitialised = git_libgit2_init();
  (void)kInitialised;
}

int on_hunk(const git_diff_delta*, const git_diff_hunk* hunk, void* payload) {
  static_cast<std::string*>(payload)->append(hunk->header, hunk->header_len);
  return 0;
}

int on_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
  auto* out = static_cast<std::string*>(payload);
  switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT:
    case GIT_DIFF_LINE_ADDITION:
    case GIT_DIFF_LINE_DELETION:
      out->push_back(line->origin);
      out->append(line->content, line->content_len);
      break;
    case GIT_DIFF_LINE_CONTEXT_EOFNL:
    case GIT_DIFF_LINE_ADD_EOFNL:
    case GIT_DIFF_LINE_DEL_EOFNL:
      out->append("\n\\ No newline at end of file\n");
      break;
    default:
      break;
  }
  return 0;
}

}  // namespace

std::string unified_diff(std::string_view path, std::string_view before, std::string_view after) {
  if (before == after) return {};
  ensure_libgit2();
  std::string body;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.context_lines = 3;
  options.flags = GIT_DIFF_FORCE_TEXT;
  std::string old_path = "a/" + std::string(path), new_path = "b/" + std::string(path);
  int error = git_diff_buffers(before.data(), before.size(), old_path.c_str(), after.data(),
                               after.size(), new_path.c_str(), &options, nullptr, nullptr,
                               on_hunk, on_line, &body);
  if (error != 0) return {};
  return "--- " + old_path + "\n+++ " + new_path + "\n" + body;
}

}  // namespace tpu::rewriter
