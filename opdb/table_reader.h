// SPDX-License-Identifier: Apache-2.0
// Reads the opdb's tab-separated tables: `#columns` and `#provenance` header lines, then rows.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tpu::opdb {

/// Walks one table row by row without copying: every field is a view into `text`.
/// The header (the leading `#` lines) is read by the constructor, so column() works before next().
/// Later `#` lines and empty lines are skipped.
class TableReader {
 public:
  /// Problems (no `#columns`, rows with the wrong field count) are appended to `errors` as
  /// "<table_name>:<line>: ..." with 1-based line numbers; such rows are skipped.
  TableReader(std::string_view text, std::string table_name, std::vector<std::string>& errors);

  /// Index of column `name`, or -1 when the table has no such column.
  int column(std::string_view name) const;
  /// `#provenance<TAB>key<TAB>text` lines: key -> text.
  const std::unordered_map<std::string_view, std::string_view>& provenance() const { return provenance_; }

  /// Moves to the next data row; false at the end of the table.
  bool next();
  /// Field `index` of the current row (empty for index -1, so a missing column reads as empty).
  std::string_view field(int index) const;

 private:
  bool read_line(std::string_view& line);
  void read_header_line(std::string_view line);

  std::string_view text_;
  std::string table_name_;
  std::vector<std::string>& errors_;
  size_t pos_ = 0;
  size_t line_number_ = 0;
  std::vector<std::string_view> columns_;
  std::unordered_map<std::string_view, std::string_view> provenance_;
  std::vector<std::string_view> fields_;  // reused for every row
};

/// Splits `text` on `sep` into `out` (cleared first); an empty text gives no parts.
void split_into(std::string_view text, char sep, std::vector<std::string_view>& out);

}  // namespace tpu::opdb
