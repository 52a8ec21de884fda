// SPDX-License-Identifier: Apache-2.0
// JSON text written straight into a string, byte for byte as nlohmann's
// dump(2, ' ', false, error_handler_t::replace) writes it, for the parts of a report too large
// to build as a json value first: a large repository has tens of thousands of op call sites,
// and building, printing and freeing a json object for each was most of a cached scan.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tpu::reports::json_text {

/// A line break and the indentation of nesting `depth` (two spaces a level).
void append_break(std::string& out, int depth);
/// A quoted, escaped string (invalid UTF-8 replaced, as nlohmann does).
void append_string(std::string& out, std::string_view value);
void append_uint(std::string& out, uint64_t value);
/// `value` as it stands at nesting `depth` of an indented document.
void append_value(std::string& out, const nlohmann::ordered_json& value, int depth);

}  // namespace tpu::reports::json_text
