// SPDX-License-Identifier: Apache-2.0
#include "opdb/rewrite_map.h"

#include <map>
#include <tuple>

#include "opdb/embedded_tables.h"

namespace tpu::opdb {
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

const std::map<Key, RewriteRow, std::less<>>& table() {
  static const std::map<Key, RewriteRow, std::less<>> kTable = [] {
    std::map<Key, RewriteRow, std::less<>> rows;
    for (std::string_view line : split(embedded::kRewriteMap, '\n')) {
      if (line.empty() || line.front() == '#') continue;
      auto cells = split(line, '\t');
      if (cells.size() != 8) continue;  // a malformed row is caught by the table test
      RewriteRow row;
      row.replacement = std::string(cells[3]);
      row.imports = split_list(cells[4], ';');
      row.helpers = split_list(cells[5], ',');
      row.unsafe = cells[6] == "unsafe";
      row.title = std::string(cells[7]);
      rows.emplace(Key{std::string(cells[0]), std::string(cells[1]), std::string(cells[2])}, std::move(row));
    }
    return rows;
  }();
  return kTable;
}

}  // namespace

const RewriteRow* find_rewrite(std::string_view key, std::string_view target, std::string_view style) {
  for (std::string_view t : {target, std::string_view("*")}) {
    for (std::string_view s : {style, std::string_view("*")}) {
      auto it = table().find(Key{std::string(key), std::string(t), std::string(s)});
      if (it != table().end()) return &it->second;
    }
  }
  return nullptr;
}

std::vector<RewriteEntry> all_rewrites() {
  std::vector<RewriteEntry> entries;
  for (const auto& [key, row] : table())
    entries.push_back(RewriteEntry{std::get<0>(key), std::get<1>(key), std::get<2>(key), &row});
  return entries;
}

}  // namespace tpu::opdb
