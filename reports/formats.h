// SPDX-License-Identifier: Apache-2.0
// Every output format by name, its file name under --output-dir, and one entry point
// that renders a Report in it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "reports/report.h"

namespace tpu::reports {

enum class Format : uint8_t { Terminal, Json, Sarif, Junit, Github, Markdown, Html };

/// Every format, in the order `--help` lists them.
std::span<const Format> all_formats();
std::string_view to_string(Format format);
std::optional<Format> parse_format(std::string_view name);

/// "report.json", "report.sarif", ...: the file a format gets under --output-dir.
std::string_view file_name(Format format);

struct RenderOptions {
  bool color = false;       ///< terminal only
  std::string link_base;    ///< markdown: "https://github.com/o/r/blob/SHA" makes links
};

std::string render(const Report& report, Format format, const RenderOptions& options);

}  // namespace tpu::reports
