// SPDX-License-Identifier: Apache-2.0
// Unified diffs between two versions of a file (libgit2's buffer diff), in the format
// `git apply` and `patch -p1` read.
#pragma once

#include <string>
#include <string_view>

namespace tpu::rewriter {

/// "--- a/PATH\n+++ b/PATH\n@@ …" with 3 lines of context; empty when the texts are equal.
std::string unified_diff(std::string_view path, std::string_view before, std::string_view after);

}  // namespace tpu::rewriter
