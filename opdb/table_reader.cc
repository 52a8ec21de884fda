// SPDX-License-Identifier: Apache-2.0
// Reads the opdb's tab-separated tables without copying: every field is a view into the text.

#include "opdb/table_reader.h"

namespace tpu::opdb {

int Table::column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

Table read_table(std::string_view text, std::string_view table_name, std::vector<std::string>& errors) {
  Table table;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    if (line.front() == '#') {
      auto fields = split(line, '\t');
      if (fields[0] == "#columns") {
        table.columns.assign(fields.begin() + 1, fields.end());
      } else if (fields[0] == "#provenance" && fields.size() == 3) {
        table.provenance.emplace(fields[1], fields[2]);
      }
      continue;  // any other `#` line is a comment
    }
    auto fields = split(line, '\t');
    if (fields.size() != table.columns.size()) {
      errors.push_back(std::string(table_name) + ":" + std::to_string(line_number) + ": expected " +
                       std::to_string(table.columns.size()) + " fields, found " + std::to_string(fields.size()));
      continue;
    }
    table.rows.push_back(std::move(fields));
  }
  if (table.columns.empty()) errors.push_back(std::string(table_name) + ": no #columns line");
  return table;
}

}  // namespace tpu::opdb
