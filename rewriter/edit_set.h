// SPDX-License-Identifier: Apache-2.0
// A set of non-overlapping byte-range edits to one file.
//
// Policy (as ruff and clang-tidy do it): fixes are all-or-nothing groups of edits; they are
// considered in source order (begin, then end), and a fix any of whose edits overlaps an
// edit already accepted is skipped, with a message naming both; the rewriter then re-analyses the
// result and applies it in a later round. Two insertions at one offset do not overlap; an insertion strictly
// inside a replaced range does. Edits that change nothing are dropped.
//
//   text:      x = a.cuda(non_blocking=True)
//   accepted:        [cuda(non_blocking=True)] -> "to(torch_xla.device())"   (TPU101)
//   skipped:              [non_blocking=True]  -> ""                          (TPU801, overlaps)
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu::rewriter {

struct PendingFix {
  std::string rule;        ///< for messages
  uint32_t line = 0;       ///< for messages
  std::vector<Edit> edits;
};

class EditSet {
 public:
  explicit EditSet(std::string_view original) : original_(original) {}

  /// Adds a fix; returns false (and records why) when it overlaps an accepted one.
  bool add(const PendingFix& fix);

  /// Messages for the fixes that were skipped.
  const std::vector<std::string>& skipped() const { return skipped_; }
  size_t accepted_fixes() const { return accepted_fixes_; }
  bool empty() const { return edits_.empty(); }

  /// The original text with every accepted edit applied.
  std::string apply() const;

 private:
  struct Accepted {
    Edit edit;
    std::string rule;
    uint32_t line;
  };
  static bool overlaps(const Edit& a, const Edit& b);
  /// Whether `edit` overlaps an accepted edit, looked up by offset (a file with thousands of
  /// fixes must not compare each with all the others).
  bool overlaps_accepted(const Edit& edit) const;

  std::string_view original_;
  std::vector<Accepted> edits_;
  std::multimap<uint32_t, size_t> by_begin_;  ///< edits_ indices by begin_byte
  std::vector<std::string> skipped_;
  size_t accepted_fixes_ = 0;
};

}  // namespace tpu::rewriter
