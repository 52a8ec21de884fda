// SPDX-License-Identifier: Apache-2.0
// Reads the opdb's tab-separated tables without copying: every field is a view into the text.

#include "opdb/table_reader.h"

namespace tpu::opdb {

void split_into(std::string_view text, char sep, std::vector<std::string_view>& out) {
  out.clear();
  if (text.empty()) return;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(text.substr(start));
      return;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

TableReader::TableReader(std::string_view text, std::string table_name, std::vector<std::string>& errors)
    : text_(text), table_name_(std::move(table_name)), errors_(errors) {
  // The header is the run of `#` lines at the top; stop before the first data line.
  while (pos_ < text_.size() && text_[pos_] == '#') {
    std::string_view line;
    read_line(line);
    read_header_line(line);
  }
  if (columns_.empty()) errors_.push_back(table_name_ + ": no #columns line");
  fields_.reserve(columns_.size());
}

bool TableReader::read_line(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(pos_, end - pos_);
  pos_ = end + 1;
  ++line_number_;
  return true;
}

void TableReader::read_header_line(std::string_view line) {
  split_into(line, '\t', fields_);
  if (fields_[0] == "#columns") {
    columns_.assign(fields_.begin() + 1, fields_.end());
  } else if (fields_[0] == "#provenance" && fields_.size() == 3) {
    provenance_.emplace(fields_[1], fields_[2]);
  }  // any other `#` line is a comment
}

int TableReader::column(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool TableReader::next() {
  std::string_view line;
  while (read_line(line)) {
    if (line.empty() || line.front() == '#') continue;
    split_into(line, '\t', fields_);
    if (fields_.size() == columns_.size()) return true;
    errors_.push_back(table_name_ + ":" + std::to_string(line_number_) + ": expected " +
                      std::to_string(columns_.size()) + " fields, found " + std::to_string(fields_.size()));
  }
  return false;
}

std::string_view TableReader::field(int index) const {
  return index >= 0 ? fields_[static_cast<size_t>(index)] : std::string_view{};
}

}  // namespace tpu::opdb
