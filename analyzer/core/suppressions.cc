// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/suppressions.h"

#include <algorithm>

namespace tpu {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string> split_rules(std::string_view list) {
  std::vector<std::string> rules;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) rules.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return rules;
}

bool covers(const std::vector<std::string>& rules, const Finding& finding, std::string_view name) {
  return rules.empty() || std::find(rules.begin(), rules.end(), finding.rule) != rules.end() ||
         std::find(rules.begin(), rules.end(), name) != rules.end();
}

}  // namespace

void Suppressions::add_comment(uint32_t line, std::string_view comment) {
  constexpr std::string_view kMarker = "tpu-migrate:";
  size_t at = comment.find(kMarker);
  if (at == std::string_view::npos) return;
  std::string_view rest = trim(comment.substr(at + kMarker.size()));
  if (rest.starts_with("ignore-begin")) {
    if (open_region_ == 0) open_region_ = line;
    return;
  }
  if (rest.starts_with("ignore-end")) {
    if (open_region_ != 0) regions_.emplace_back(open_region_, line);
    open_region_ = 0;
    return;
  }
  bool file_wide = rest.starts_with("ignore-file");
  if (!file_wide && !rest.starts_with("ignore")) return;
  rest.remove_prefix(file_wide ? 11 : 6);
  std::vector<std::string> rules;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    rules = split_rules(rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1));
    if (rules.empty()) return;  // `ignore[]` names nothing: suppress nothing
  } else if (!rest.empty() && rest.front() != ' ' && rest.front() != '-' && rest.front() != ':') {
    return;  // e.g. "ignored", not a directive
  }
  if (file_wide) {
    if (rules.empty()) whole_file_ = true;
    file_wide_.insert(file_wide_.end(), rules.begin(), rules.end());
    return;
  }
  auto [it, inserted] = by_line_.try_emplace(line, rules);
  if (!inserted) {
    // Two directives on a line: an unrestricted one wins.
    if (it->second.empty() || rules.empty()) it->second.clear();
    else it->second.insert(it->second.end(), rules.begin(), rules.end());
  }
}

bool Suppressions::suppresses(const Finding& finding, std::string_view rule_name) const {
  if (whole_file_) return true;
  for (const auto& [first, last] : regions_)
    if (finding.location.line >= first && finding.location.line <= last) return true;
  // An unclosed region runs to the end of the file.
  if (open_region_ != 0 && finding.location.line >= open_region_) return true;
  if (!file_wide_.empty() && covers(file_wide_, finding, rule_name)) return true;
  for (uint32_t line : {finding.location.line, finding.location.end_line}) {
    auto it = by_line_.find(line);
    if (it != by_line_.end() && covers(it->second, finding, rule_name)) return true;
  }
  return false;
}

Suppressions::State Suppressions::state() const {
  State state{{by_line_.begin(), by_line_.end()}, file_wide_, whole_file_, regions_, open_region_};
  std::sort(state.by_line.begin(), state.by_line.end());
  return state;
}

Suppressions Suppressions::from_state(State state) {
  Suppressions suppressions;
  for (auto& [line, rules] : state.by_line) suppressions.by_line_.emplace(line, std::move(rules));
  suppressions.file_wide_ = std::move(state.file_wide);
  suppressions.whole_file_ = state.whole_file;
  suppressions.regions_ = std::move(state.regions);
  suppressions.open_region_ = state.open_region;
  return suppressions;
}

}  // namespace tpu
