// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the rule fixture tests: reading a fixture, the `expect:` markers that say
// which findings each of its lines must have, and a finding as its golden lists it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu::testing {

inline std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// line -> the sorted rule codes its marker lists. `marker` is "# expect: " in Python and
/// "// expect: " in C++; a " -- why" comment may follow the codes.
inline std::map<uint32_t, std::vector<std::string>> expectations(const std::string& text,
                                                                 std::string_view marker) {
  std::map<uint32_t, std::vector<std::string>> expected;
  std::istringstream in(text);
  uint32_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    size_t at = line.find(marker);
    if (at == std::string::npos) continue;
    std::string list = line.substr(at + marker.size());
    list = list.substr(0, list.find(" --"));
    std::replace(list.begin(), list.end(), ',', ' ');
    std::istringstream codes(list);
    std::vector<std::string>& into = expected[line_number];
    for (std::string code; codes >> code;) into.push_back(code);
    std::sort(into.begin(), into.end());
  }
  return expected;
}

/// "line:col RULE severity symbol\n": one finding as a rule fixture's golden lists it.
inline std::string golden_line(const Finding& finding) {
  return std::to_string(finding.location.line) + ":" + std::to_string(finding.location.column) + " " +
         finding.rule + " " + std::string(to_string(finding.severity)) + " " + finding.symbol + "\n";
}

/// The target a fixture is analysed for: the value of its `# fixture-target: NAME` line (rules
/// that only one target has, statuses of one target), else `fallback` (the default target).
inline std::string fixture_target(const std::string& text, std::string_view fallback) {
  constexpr std::string_view kMarker = "# fixture-target: ";
  size_t at = text.find(kMarker);
  if (at == std::string::npos) return std::string(fallback);
  size_t begin = at + kMarker.size();
  size_t end = text.find_first_of(" \r\n", begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

}  // namespace tpu::testing
