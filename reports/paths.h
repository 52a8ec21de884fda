// SPDX-License-Identifier: Apache-2.0
// Finding paths are relative to the scan root; CI annotations and links want them relative
// to where the tool ran (the repository root, in CI).
#pragma once

#include <string>
#include <string_view>

#include "reports/report.h"

namespace tpu::reports {

/// `path` prefixed with the report's root ("src" + "a.py" -> "src/a.py"). A root that
/// names the file itself ("src/a.py" scanned alone, path "a.py") gives the root.
std::string joined_path(const Report& report, std::string_view path);

/// Like joined_path() for a relative root; for an absolute root, `path` unchanged, since
/// an absolute path means nothing in a link to a repository host.
std::string link_path(const Report& report, std::string_view path);

/// `path` with the bytes a URI cannot hold as such (space, '#', '%', non-ASCII, ...)
/// percent-encoded; '/' stays.
std::string uri_encode_path(std::string_view path);

/// True when the report's root is an absolute path.
bool root_is_absolute(const Report& report);

}  // namespace tpu::reports
