// SPDX-License-Identifier: Apache-2.0
// Escaping for XML and HTML text and attributes, shared by the JUnit and HTML renderers.
#pragma once

#include <string>
#include <string_view>

namespace tpu::reports {

/// Escapes & < > " ' and drops control characters XML 1.0 forbids; invalid UTF-8 bytes
/// become U+FFFD so that the document always parses.
std::string xml_escape(std::string_view text);

}  // namespace tpu::reports
