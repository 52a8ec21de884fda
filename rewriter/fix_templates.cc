// SPDX-License-Identifier: Apache-2.0
#include "rewriter/fix_templates.h"

#include <cctype>
#include <map>
#include <tuple>

#include "opdb/embedded_tables.h"

namespace tpu::rewriter {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // key, target, style

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  for (std::string_view item : split(text, separator))
    if (!item.empty()) items.emplace_back(item);
  return items;
}

const std::map<Key, FixTemplate>& table() {
  static const std::map<Key, FixTemplate> kTable = [] {
    std::map<Key, FixTemplate> rows;
    for (std::string_view line : split(opdb::embedded::kRewriteMap, '\n')) {
      if (line.empty() || line.front() == '#') continue;
      auto cells = split(line, '\t');
      if (cells.size() != 8) continue;  // a malformed row is caught by the table test
      FixTemplate entry;
      entry.replacement = std::string(cells[3]);
      entry.imports = split_list(cells[4], ';');
      entry.helpers = split_list(cells[5], ',');
      entry.applicability = cells[6] == "unsafe" ? Applicability::Unsafe : Applicability::Safe;
      entry.title = std::string(cells[7]);
      rows.emplace(Key{std::string(cells[0]), std::string(cells[1]), std::string(cells[2])},
                   std::move(entry));
    }
    return rows;
  }();
  return kTable;
}

}  // namespace

std::optional<FixTemplate> find_template(std::string_view key, std::string_view target, Style style) {
  const std::string style_name = style == Style::Portable ? "portable" : "direct";
  // The most specific row wins: exact target and style, then wildcards.
  for (const std::string& t : {std::string(target), std::string("*")}) {
    for (const std::string& s : {style_name, std::string("*")}) {
      auto it = table().find(Key{std::string(key), t, s});
      if (it != table().end()) return it->second;
    }
  }
  return std::nullopt;
}

std::optional<std::string> substitute(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i + 1])) &&
        pattern[i + 2] == '}') {
      size_t index = static_cast<size_t>(pattern[i + 1] - '0');
      if (index >= args.size()) return std::nullopt;
      out += args[index];
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace tpu::rewriter
