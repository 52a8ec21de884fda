// SPDX-License-Identifier: Apache-2.0
// Reads the opdb's tab-separated tables: `#columns` and `#provenance` header lines, then rows.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tpu::opdb {

/// One parsed table. Every view points into the text it was parsed from (no copies).
struct Table {
  std::vector<std::string_view> columns;
  std::unordered_map<std::string_view, std::string_view> provenance;  ///< key -> text
  std::vector<std::vector<std::string_view>> rows;                     ///< each has columns.size() fields

  /// Index of column `name`, or -1.
  int column(std::string_view name) const;
};

/// Parses `text`. Lines whose field count differs from `#columns` are skipped and reported in
/// `errors` as "<table_name>:<line>: ..." (1-based line numbers).
Table read_table(std::string_view text, std::string_view table_name, std::vector<std::string>& errors);

/// Splits `text` on `sep`; an empty text gives no parts.
std::vector<std::string_view> split(std::string_view text, char sep);

}  // namespace tpu::opdb
