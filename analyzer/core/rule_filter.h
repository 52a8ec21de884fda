// SPDX-License-Identifier: Apache-2.0
// --select / --ignore: each entry is a rule code ("TPU101"), a code prefix ("TPU1"), a rule
// name ("tensor-cuda-call") or a category ("amp"). Ignore wins over select.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "analyzer/core/rule.h"

namespace tpu {

class RuleFilter {
 public:
  RuleFilter() = default;
  RuleFilter(std::vector<std::string> select, std::vector<std::string> ignore)
      : select_(std::move(select)), ignore_(std::move(ignore)) {}

  bool enabled(const RuleMeta& rule) const;

  /// Entries that name none of `rules` (all_rules(), analyzer/rule_registry.h), no code prefix
  /// and no category (for a usage error).
  std::vector<std::string> unknown_entries(std::span<const RuleMeta* const> rules) const;

 private:
  static bool matches(const std::string& entry, const RuleMeta& rule);
  std::vector<std::string> select_, ignore_;
};

}  // namespace tpu
