// SPDX-License-Identifier: Apache-2.0
// Internal to opdb: one target's statuses, built from layers of status tables. The built-in table
// is the first layer; a table synced from the user's install (opdb/user_tables.h) lies on top and
// wins, except where the built-in data knows something a dispatcher cannot tell (see merge_synced).
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "opdb/opdb.h"

namespace tpu::opdb {

struct StatusEntry {
  Status status = Status::Unknown;
  std::string_view kind, reason, condition, decomposes_into;
  std::string_view provenance;  ///< resolved text, not the table's short key
};

/// One table text and the name its errors are reported under ("status_xla.tsv", a user file path).
struct StatusLayer {
  std::string name;
  std::string_view text;
  bool synced = false;  ///< from `tpu-migrate opdb sync`: merged with merge_synced()
};

/// Parsed on the first lookup for its target (std::call_once), so a scan that asks about one
/// target pays only for that table.
struct StatusTable {
  std::vector<StatusLayer> layers;
  std::once_flag parsed;
  std::vector<std::string> errors;
  std::vector<std::string_view> order;  ///< every overload once, first layer's order then new ones
  std::unordered_map<std::string_view, StatusEntry> by_overload;
  std::deque<std::string> owned;  ///< text composed while merging; deque keeps views stable
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::string_view> joined;

  /// Parses every layer; later layers override earlier ones overload by overload.
  void parse();
  /// `a + sep + b`, stored once per distinct triple (many rows share one provenance pair).
  std::string_view join(std::string_view a, std::string_view sep, std::string_view b);
};

/// The entry a synced row becomes when it replaces `builtin`. The dispatcher only knows whether a
/// kernel is registered, so: a lowered op that the built-in data says always hands off to the CPU
/// (`nonzero`) stays fallback; a lowered op keeps its built-in fallback condition; an op both call
/// composite keeps the built-in answer, refined by what it decomposes into; a structured op the
/// built-in data knows reaches the backend's out= kernel (kind structured_delegate) stays lowered.
StatusEntry merge_synced(const StatusEntry& builtin, const StatusEntry& synced, StatusTable& table);

}  // namespace tpu::opdb
