// SPDX-License-Identifier: Apache-2.0
#include "rewriter/edit_set.h"

#include <algorithm>
#include <tuple>

namespace tpu::rewriter {

bool EditSet::overlaps(const Edit& a, const Edit& b) {
  bool a_insert = a.begin_byte == a.end_byte, b_insert = b.begin_byte == b.end_byte;
  if (a_insert && b_insert) return false;
  if (a_insert) return a.begin_byte > b.begin_byte && a.begin_byte < b.end_byte;
  if (b_insert) return b.begin_byte > a.begin_byte && b.begin_byte < a.end_byte;
  return a.begin_byte < b.end_byte && b.begin_byte < a.end_byte;
}

bool EditSet::overlaps_accepted(const Edit& edit) const {
  // Accepted edits do not overlap one another: by begin, the replacements' ends ascend too, so
  // walking back from the first edit at or past `edit`'s end can stop at a replacement that ends
  // before `edit` begins (insertions there end before it as well).
  for (auto it = by_begin_.lower_bound(edit.end_byte); it != by_begin_.begin();) {
    const Edit& accepted = edits_[(--it)->second].edit;
    if (overlaps(edit, accepted)) return true;
    if (accepted.begin_byte != accepted.end_byte && accepted.end_byte <= edit.begin_byte) break;
  }
  return false;
}

bool EditSet::add(const PendingFix& fix) {
  std::vector<Edit> changes;
  for (const Edit& edit : fix.edits) {
    if (edit.end_byte > original_.size() || edit.begin_byte > edit.end_byte) return false;
    std::string_view current = original_.substr(edit.begin_byte, edit.end_byte - edit.begin_byte);
    if (current != edit.replacement) changes.push_back(edit);
  }
  if (changes.empty()) return true;  // already in the wanted state: nothing to do
  for (const Edit& edit : changes) {
    if (!overlaps_accepted(edit)) continue;
    // The first accepted fix it overlaps, in the order they came, is the one the message names.
    for (const Accepted& accepted : edits_) {
      if (!overlaps(edit, accepted.edit)) continue;
      skipped_.push_back(fix.rule + " at line " + std::to_string(fix.line) +
                         " overlaps the fix of " + accepted.rule + " at line " +
                         std::to_string(accepted.line) + "; skipped");
      return false;
    }
  }
  for (Edit& edit : changes) {
    by_begin_.emplace(edit.begin_byte, edits_.size());
    edits_.push_back(Accepted{std::move(edit), fix.rule, fix.line});
  }
  ++accepted_fixes_;
  return true;
}

std::string EditSet::apply() const {
  std::vector<const Accepted*> ordered;
  for (const Accepted& accepted : edits_) ordered.push_back(&accepted);
  // By offset; at one offset insertions go before a replacement that starts there, and
  // insertions keep the order they were added in (stable).
  std::stable_sort(ordered.begin(), ordered.end(), [](const Accepted* a, const Accepted* b) {
    bool a_insert = a->edit.begin_byte == a->edit.end_byte;
    bool b_insert = b->edit.begin_byte == b->edit.end_byte;
    return std::tie(a->edit.begin_byte, b_insert) < std::tie(b->edit.begin_byte, a_insert);
  });
  std::string out;
  out.reserve(original_.size());
  uint32_t at = 0;
  for (const Accepted* accepted : ordered) {
    const Edit& edit = accepted->edit;
    out.append(original_.substr(at, edit.begin_byte - at));
    out.append(edit.replacement);
    at = edit.end_byte;
  }
  out.append(original_.substr(at));
  return out;
}

}  // namespace tpu::rewriter
