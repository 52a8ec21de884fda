// SPDX-License-Identifier: Apache-2.0
#include "reports/json_text.h"

#include <charconv>

namespace tpu::reports::json_text {

void append_break(std::string& out, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(2 * depth), ' ');
}

void append_string(std::string& out, std::string_view value) {
  // Paths, names and messages are nearly always printable ASCII without a quote or a
  // backslash: those are copied. Anything else is escaped by nlohmann itself, so that control
  // characters, non-ASCII text and invalid UTF-8 come out exactly as the rest of the report.
  for (char c : value) {
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      out += nlohmann::ordered_json(std::string(value)).dump(-1, ' ', false,
                                                              nlohmann::ordered_json::error_handler_t::replace);
      return;
    }
  }
  out.push_back('"');
  out.append(value);
  out.push_back('"');
}

void append_uint(std::string& out, uint64_t value) {
  char digits[20];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_value(std::string& out, const nlohmann::ordered_json& value, int depth) {
  std::string text = value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // A dumped string never holds a raw line break (it is escaped), so every one is a line of
  // the layout, to be indented by the depth the value stands at.
  size_t begin = 0;
  for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', begin)) {
    out.append(text, begin, end - begin);
    append_break(out, depth);
    begin = end + 1;
  }
  out.append(text, begin, std::string::npos);
}

}  // namespace tpu::reports::json_text
