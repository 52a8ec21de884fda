// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/device_values.h"

namespace tpu::python {
namespace {

constexpr int kMaxDepth = 12;  // assignment chains longer than this are not followed

bool names_cuda(std::string_view value) {
  return value == "cuda" || value.starts_with("cuda:");
}

// `--local-rank` -> "local_rank"; an explicit dest= wins.
std::string argparse_dest(const Call& call, std::string_view source) {
  if (auto dest = string_value(call.keyword("dest"), source)) return *dest;
  std::string best;
  for (TSNode argument : call.positional) {
    auto flag = string_value(argument, source);
    if (!flag) continue;
    std::string name = *flag;
    bool long_option = name.starts_with("--");
    while (!name.empty() && name.front() == '-') name.erase(0, 1);
    for (char& c : name)
      if (c == '-') c = '_';
    if (long_option || best.empty()) best = name;
    if (long_option) break;
  }
  return best;
}

}  // namespace

DeviceTracker::DeviceTracker(const ModuleView& view) : view_(view) {
  for (const Call& call : view.calls()) {
    if (call.method == "add_argument" || call.method == "add_option") {
      TSNode value = call.keyword("default");
      if (!is_null(value)) argparse_defaults_[argparse_dest(call, view.source())] = value;
    }
  }
  for (const Assignment& assignment : view.assignments()) {
    TSNode left = assignment.left;
    if (is(left, "attribute") && view.text(field(left, "object")) == "self")
      self_attributes_[std::string(view.text(field(left, "attribute")))] = assignment.right;
  }
}

bool DeviceTracker::is_cuda_literal(TSNode node) const {
  auto prefix = string_prefix(node, view_.source());
  if (!prefix) return false;
  // f"cuda:{rank}" has the prefix "cuda:"; f"{dev}" has an empty one and is not a literal.
  return names_cuda(*prefix) || (prefix->starts_with("cuda") && prefix->size() == 4);
}

std::optional<DeviceValue> DeviceTracker::evaluate(TSNode expression,
                                                   const Context& context) const {
  return evaluate(expression, context, 0);
}

std::optional<DeviceValue> DeviceTracker::evaluate_key(TSNode container, std::string_view key,
                                                       const Context& context, uint32_t at,
                                                       int depth) const {
  container = unparenthesize(container);
  if (is(container, "identifier")) {
    TSNode value = view_.assigned_value(view_.text(container), context, at);
    if (is_null(value)) return std::nullopt;
    container = unparenthesize(value);
  }
  if (is(container, "dictionary")) {
    uint32_t count = ts_node_named_child_count(container);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode pair = ts_node_named_child(container, i);
      if (!is(pair, "pair")) continue;
      if (string_value(field(pair, "key"), view_.source()) == key)
        return evaluate(field(pair, "value"), context, depth + 1);
    }
  } else if (is(container, "call") && view_.text(field(container, "function")) == "dict") {
    TSNode arguments = field(container, "arguments");
    uint32_t count = ts_node_named_child_count(arguments);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode argument = ts_node_named_child(arguments, i);
      if (is(argument, "keyword_argument") && view_.text(field(argument, "name")) == key)
        return evaluate(field(argument, "value"), context, depth + 1);
    }
  }
  return std::nullopt;
}

std::optional<DeviceValue> DeviceTracker::evaluate(TSNode expression, const Context& context,
                                                   int depth) const {
  if (depth > kMaxDepth || is_null(expression)) return std::nullopt;
  expression = unparenthesize(expression);
  std::string_view type = kind(expression);
  uint32_t at = ts_node_start_byte(expression);

  if (type == "string" || type == "concatenated_string") {
    if (!is_cuda_literal(expression)) return std::nullopt;
    return DeviceValue{ts_node_start_point(expression).row + 1,
                       std::string(view_.text(expression)), false};
  }
  if (type == "identifier") {
    TSNode value = view_.assigned_value(view_.text(expression), context, at);
    return evaluate(value, context, depth + 1);
  }
  if (type == "conditional_expression") {
    // `"cuda" if torch.cuda.is_available() else "cpu"`: on a TPU host this picks the CPU.
    uint32_t count = ts_node_named_child_count(expression);
    for (uint32_t i = 0; i < count; i += 2) {  // value, condition, value
      if (auto value = evaluate(ts_node_named_child(expression, i), context, depth + 1)) {
        value->conditional = true;
        return value;
      }
    }
    return std::nullopt;
  }
  if (type == "boolean_operator") {  // `os.environ.get("DEVICE") or "cuda"`
    for (const char* side : {"left", "right"})
      if (auto value = evaluate(field(expression, side), context, depth + 1)) return value;
    return std::nullopt;
  }
  if (type == "attribute") {
    TSNode object = unparenthesize(field(expression, "object"));
    std::string attribute(view_.text(field(expression, "attribute")));
    // `device.type` of a CUDA device is "cuda".
    if (attribute == "type") return evaluate(object, context, depth + 1);
    if (view_.text(object) == "self") {
      auto it = self_attributes_.find(attribute);
      if (it != self_attributes_.end()) return evaluate(it->second, context, depth + 1);
      return std::nullopt;
    }
    if (is(object, "identifier")) {
      // `args.device` where args = parser.parse_args() and --device defaults to "cuda".
      TSNode source = unparenthesize(view_.assigned_value(view_.text(object), context, at));
      if (is(source, "subscript")) source = unparenthesize(field(source, "value"));
      if (is(source, "call")) {
        std::string_view callee = view_.text(field(source, "function"));
        if (callee.ends_with("parse_args") || callee.ends_with("parse_known_args")) {
          auto it = argparse_defaults_.find(attribute);
          if (it != argparse_defaults_.end()) return evaluate(it->second, context, depth + 1);
        }
      }
      return evaluate_key(object, attribute, context, at, depth);
    }
    return std::nullopt;
  }
  if (type == "subscript") {
    auto key = string_value(field(expression, "subscript"), view_.source());
    if (!key) return std::nullopt;
    return evaluate_key(field(expression, "value"), *key, context, at, depth);
  }
  if (type == "call") {
    TSNode function = field(expression, "function");
    std::string qualified = view_.qualify(function);
    TSNode arguments = field(expression, "arguments");
    auto argument = [&](uint32_t index) {
      uint32_t seen = 0, count = ts_node_named_child_count(arguments);
      for (uint32_t i = 0; i < count; ++i) {
        TSNode child = ts_node_named_child(arguments, i);
        if (is(child, "keyword_argument") || is(child, "comment")) continue;
        if (seen++ == index) return child;
      }
      return TSNode{};
    };
    if (qualified == "torch.device") return evaluate(argument(0), context, depth + 1);
    if (qualified == "os.getenv" || qualified == "os.environ.get")
      return evaluate(argument(1), context, depth + 1);
    if (is(function, "attribute") && view_.text(field(function, "attribute")) == "get") {
      auto key = string_value(argument(0), view_.source());
      if (key) {
        if (auto value = evaluate_key(field(function, "object"), *key, context, at, depth))
          return value;
      }
      return evaluate(argument(1), context, depth + 1);
    }
  }
  return std::nullopt;
}

}  // namespace tpu::python
