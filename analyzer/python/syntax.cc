// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/syntax.h"

#include <vector>

extern "C" const TSLanguage* tree_sitter_python();

namespace tpu::python {

TreePtr parse_python(std::string_view source) {
  // One parser per thread, reused from file to file (a scan parses thousands).
  thread_local std::unique_ptr<TSParser, decltype(&ts_parser_delete)> parser = [] {
    std::unique_ptr<TSParser, decltype(&ts_parser_delete)> made(ts_parser_new(), ts_parser_delete);
    ts_parser_set_language(made.get(), tree_sitter_python());
    return made;
  }();
  ts_parser_reset(parser.get());
  return TreePtr(ts_parser_parse_string(parser.get(), nullptr, source.data(),
                                        static_cast<uint32_t>(source.size())));
}

const std::vector<std::string_view>& python_symbol_names() {
  static const std::vector<std::string_view> kNames = [] {
    const TSLanguage* language = tree_sitter_python();
    std::vector<std::string_view> names(ts_language_symbol_count(language));
    for (TSSymbol symbol = 0; symbol < names.size(); ++symbol)
      if (const char* name = ts_language_symbol_name(language, symbol)) names[symbol] = name;
    return names;
  }();
  return kNames;
}

TSFieldId python_field_id(std::string_view name) {
  struct Field {
    std::string_view name;
    TSFieldId id;
  };
  // About 30 fields, bucketed by the name's length: a lookup compares one or two names.
  static constexpr size_t kLongest = 32;
  static const std::vector<std::vector<Field>> kByLength = [] {
    std::vector<std::vector<Field>> by_length(kLongest + 1);
    const TSLanguage* language = tree_sitter_python();
    for (TSFieldId id = 1; id <= ts_language_field_count(language); ++id)
      if (const char* field_name = ts_language_field_name_for_id(language, id)) {
        std::string_view spelled(field_name);
        if (spelled.size() <= kLongest) by_length[spelled.size()].push_back(Field{spelled, id});
      }
    return by_length;
  }();
  if (name.size() > kLongest) return 0;
  for (const Field& field : kByLength[name.size()])
    if (field.name == name) return field.id;
  return 0;
}

TSNode unparenthesize(TSNode node) {
  while (is(node, "parenthesized_expression") && ts_node_named_child_count(node) == 1)
    node = ts_node_named_child(node, 0);
  return node;
}

namespace {

// Walks the children of a `string` node, collecting literal content until `stop_at_
// interpolation` hits an interpolation. Returns nullopt for non-strings.
std::optional<std::string> collect_string(TSNode node, std::string_view source,
                                          bool stop_at_interpolation, bool& interpolated) {
  node = unparenthesize(node);
  interpolated = false;
  if (is(node, "concatenated_string")) {
    std::string joined;
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      bool inner_interpolated = false;
      auto part = collect_string(ts_node_named_child(node, i), source, stop_at_interpolation,
                                 inner_interpolated);
      if (!part) return std::nullopt;
      joined += *part;
      if (inner_interpolated) {
        interpolated = true;
        if (stop_at_interpolation) break;
      }
    }
    return joined;
  }
  if (!is(node, "string")) return std::nullopt;
  std::string value;
  uint32_t count = ts_node_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_child(node, i);
    std::string_view type = kind(child);
    if (type == "string_content" || type == "escape_sequence") {
      value += text(child, source);
    } else if (type == "interpolation") {
      interpolated = true;
      if (stop_at_interpolation) break;
    }
  }
  return value;
}

}  // namespace

std::optional<std::string> string_value(TSNode node, std::string_view source) {
  bool interpolated = false;
  auto value = collect_string(node, source, false, interpolated);
  if (interpolated) return std::nullopt;
  return value;
}

std::optional<std::string> string_prefix(TSNode node, std::string_view source) {
  bool interpolated = false;
  return collect_string(node, source, true, interpolated);
}

uint32_t first_syntax_error_line(TSNode root) {
  if (!ts_node_has_error(root)) return 0;
  TSNode node = root;
  // Follow the first child that contains an error; iterative, so deep trees are fine.
  for (;;) {
    if (is(node, "ERROR") || ts_node_is_missing(node)) return ts_node_start_point(node).row + 1;
    uint32_t count = ts_node_child_count(node);
    bool descended = false;
    for (uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_child(node, i);
      if (ts_node_has_error(child) || ts_node_is_missing(child)) {
        node = child;
        descended = true;
        break;
      }
    }
    if (!descended) return ts_node_start_point(node).row + 1;
  }
}

std::string dotted_name(TSNode node, std::string_view source) {
  node = unparenthesize(node);
  if (is(node, "identifier")) return std::string(text(node, source));
  if (is(node, "attribute")) {
    std::string object = dotted_name(field(node, "object"), source);
    if (object.empty()) return {};
    return object + "." + std::string(text(field(node, "attribute"), source));
  }
  return {};
}

}  // namespace tpu::python
