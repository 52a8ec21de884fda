// SPDX-License-Identifier: Apache-2.0
// The HTML report's style sheet and script, inlined into every page so that the file is
// self-contained and opens offline.
#pragma once

#include <string_view>

namespace tpu::reports {

std::string_view html_style();

/// Sorting, filtering and chart-to-table links for the findings table; vanilla JS with no
/// dependencies. Sets `document.body.dataset.ready` when it has run, which tests check.
std::string_view html_script();

}  // namespace tpu::reports
