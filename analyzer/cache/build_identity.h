// SPDX-License-Identifier: Apache-2.0
// What identifies the running tool for the cache: its version and the GNU build-id of its
// executable, so that any rebuild (a rule changed without a version bump) starts a fresh cache.
#pragma once

#include <string>

namespace tpu::cache {

/// "0.1.0 build 3f2a…" (or the version and the build time when the executable has no build-id).
const std::string& build_identity();

}  // namespace tpu::cache
