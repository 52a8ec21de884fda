// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/cuda_mentions.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace tpu::python {
namespace {

// Each word that starts a mention, as it is spelled in code: CUDA in its three usual cases
// ("cud" also starts cudnn), NCCL, nvcc, nvidia-smi, a ".cu" source, BuildExtension,
// inductor, and pin_memory as a config key.
constexpr std::string_view kNeedles[] = {"cud", "CUD", "Cud", "nccl", "NCCL", "Nccl", "nvcc",
                                         "nvidia-smi", ".cu", "BuildExtension", "inductor",
                                         "pin_memory"};

bool is_string_part(std::string_view type) {
  return type == "string_content" || type == "string_start" || type == "string_end" ||
         type == "escape_sequence";
}

// The innermost function of `view` whose definition holds `byte`, -1 at module level.
class FunctionLocator {
 public:
  explicit FunctionLocator(const ModuleView& view) : view_(view) {
    for (size_t i = 0; i < view.functions().size(); ++i)
      starts_.emplace_back(ts_node_start_byte(view.functions()[i].node), static_cast<int>(i));
    std::sort(starts_.begin(), starts_.end());
  }

  int at(uint32_t byte) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), std::make_pair(byte, INT32_MAX));
    if (it == starts_.begin()) return -1;
    for (int function = std::prev(it)->second; function >= 0;
         function = view_.functions()[function].parent) {
      TSNode node = view_.functions()[function].node;
      if (ts_node_start_byte(node) <= byte && byte < ts_node_end_byte(node)) return function;
    }
    return -1;
  }

 private:
  const ModuleView& view_;
  std::vector<std::pair<uint32_t, int>> starts_;
};

bool message_callee(const ModuleView& view, TSNode callee) {
  std::string_view spelled = view.text(callee);
  std::string_view last = spelled.substr(spelled.rfind('.') + 1);
  if (spelled == "print" || spelled == "format" || spelled.starts_with("logging.") ||
      spelled.starts_with("logger.") || spelled.starts_with("log.") ||
      spelled.starts_with("warnings."))
    return true;
  for (std::string_view name : {"warn", "warning", "info", "debug", "error", "exception",
                                "critical", "log", "print", "write", "format", "print_rank_0",
                                "warning_once", "info_once", "warn_once"})
    if (last == name) return true;
  // Exceptions are classes: `ValueError("…")`, `RuntimeError(f"…")`.
  return last.ends_with("Error") || last.ends_with("Exception") || last.ends_with("Warning");
}

}  // namespace

bool is_prose_string(const ModuleView& view, TSNode string) {
  TSNode node = string;
  for (int hops = 0; hops < 8; ++hops) {
    TSNode parent = ts_node_parent(node);
    if (is_null(parent)) return false;
    std::string_view type = kind(parent);
    if (type == "expression_statement") return true;  // a docstring or a bare string
    if (type == "concatenated_string" || type == "parenthesized_expression" ||
        type == "binary_operator" || type == "interpolation" || type == "string") {
      node = parent;
      continue;
    }
    if (type == "keyword_argument") {
      std::string_view name = view.text(field(parent, "name"));
      return name == "help" || name == "description" || name == "msg" || name == "message" ||
             name == "epilog" || name == "usage" || name == "doc" || name == "reason";
    }
    if (type == "assert_statement") return !ts_node_eq(ts_node_named_child(parent, 0), node);
    if (type == "attribute") {  // "…{}".format(x)
      return view.text(field(parent, "attribute")) == "format";
    }
    if (type == "argument_list") {
      TSNode call = ts_node_parent(parent);
      return is(call, "call") && message_callee(view, field(call, "function"));
    }
    return false;
  }
  return false;
}

CudaMentions::CudaMentions(const ModuleView& view, TSNode root) {
  std::string_view source = view.source();
  // One pass over the bytes: a table of the needles' first bytes, then a prefix compare
  // (one scan instead of one memmem per needle).
  static const std::array<bool, 256> kFirst = [] {
    std::array<bool, 256> first{};
    for (std::string_view needle : kNeedles) first[static_cast<unsigned char>(needle[0])] = true;
    return first;
  }();
  std::vector<uint32_t> hits;
  const size_t size = source.size();
  for (size_t at = 0; at < size; ++at) {
    if (!kFirst[static_cast<unsigned char>(source[at])]) continue;
    std::string_view rest = source.substr(at);
    for (std::string_view needle : kNeedles)
      if (rest.starts_with(needle)) {
        hits.push_back(static_cast<uint32_t>(at));
        break;
      }
  }
  if (hits.empty()) return;
  std::sort(hits.begin(), hits.end());
  FunctionLocator functions(view);
  uint32_t covered_until = 0;  // hits inside the last placed node are that node's
  for (uint32_t byte : hits) {
    if (byte < covered_until) continue;
    TSNode node = ts_node_named_descendant_for_byte_range(root, byte, byte + 1);
    if (is_null(node) || is(node, "comment")) continue;
    while (is_string_part(kind(node))) node = ts_node_parent(node);
    Mention mention;
    if (is(node, "string")) {
      mention.node = node;
      mention.context.function = functions.at(byte);
      // An f-string's interpolations are code: keep looking inside them.
      covered_until = ts_node_end_byte(node);
      if (view.text(node).find('{') == std::string_view::npos || strings_.empty() ||
          !ts_node_eq(strings_.back().node, node))
        strings_.push_back(mention);
      if (view.text(node).find('{') != std::string_view::npos) covered_until = byte + 1;
      continue;
    }
    if (!is(node, "identifier")) continue;
    TSNode parent = ts_node_parent(node);
    // Names inside import statements are the imports' (ModuleView::imports).
    if (is(parent, "dotted_name") || is(parent, "aliased_import")) continue;
    while (is(parent, "attribute")) {
      node = parent;
      parent = ts_node_parent(node);
    }
    covered_until = ts_node_end_byte(node);
    mention.node = node;
    mention.context.function = functions.at(byte);
    mention.callee = is(parent, "call") && ts_node_eq(field(parent, "function"), node);
    mention.assigned = (is(parent, "assignment") || is(parent, "augmented_assignment")) &&
                       ts_node_eq(field(parent, "left"), node);
    names_.push_back(mention);
  }
}

}  // namespace tpu::python
