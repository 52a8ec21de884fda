// SPDX-License-Identifier: Apache-2.0
// The custom-op inventory as the reports for people show it (the HTML panel, the Markdown
// section): one row per op a C++/CUDA extension exposes. Read from the inventory's JSON form
// (analyzer/cpp/inventory_json.h), which a fresh scan builds and a saved report carries.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reports/report.h"

namespace tpu::reports {

/// A place in the scanned sources; `line` is 0 when the inventory gives none.
struct InventoryPlace {
  std::string path;
  uint32_t line = 0;
};

/// "path:line", "path", or "" for a place without a path.
std::string place_text(const InventoryPlace& place);

struct InventoryRow {
  std::string op;             ///< "module.name"
  InventoryPlace defined_at;  ///< the m.def
  std::string verdict;        ///< cuda-only | accelerator-only | cpu-fallback | composite | xla | unknown
  bool blocks = false;        ///< the op cannot run on a TPU as it is (severity blocker)
  std::set<std::string> backends;
  std::set<std::string> kernels;        ///< kernels and NVIDIA libraries its implementations reach
  std::vector<InventoryPlace> callers;  ///< each Python call
};

/// The report's inventory in its JSON form: built from a fresh scan's model, or the one a
/// saved report carries; null when there is none.
nlohmann::ordered_json inventory_of(const Report& report);

/// One row per op, in the inventory's order; none when the inventory lists no op.
std::vector<InventoryRow> inventory_rows(const nlohmann::ordered_json& inventory);

/// ", "-joined items, in order.
std::string join_names(const std::set<std::string>& items);

}  // namespace tpu::reports
