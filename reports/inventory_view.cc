// SPDX-License-Identifier: Apache-2.0
#include "reports/inventory_view.h"

#include "analyzer/cpp/inventory_json.h"

namespace tpu::reports {
namespace {

using nlohmann::ordered_json;

std::string text_of(const ordered_json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

InventoryPlace place_of(const ordered_json& object) {
  InventoryPlace place{text_of(object, "path"), 0};
  auto line = object.find("line");
  if (line != object.end() && line->is_number_unsigned()) place.line = line->get<uint32_t>();
  return place;
}

}  // namespace

ordered_json inventory_of(const Report& report) {
  if (!report.scan.inventory.mode.empty()) return cpp::inventory_json(report.scan.inventory);
  for (const auto& [key, text] : report.carried_fields)
    if (key == "inventory") return ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  return {};
}

std::vector<InventoryRow> inventory_rows(const ordered_json& inventory) {
  std::vector<InventoryRow> rows;
  if (!inventory.is_object()) return rows;
  auto ops = inventory.find("ops");
  if (ops == inventory.end() || !ops->is_array()) return rows;
  for (const ordered_json& op : *ops) {
    if (!op.is_object()) continue;
    InventoryRow row;
    row.op = text_of(op, "module") + "." + text_of(op, "name");
    row.defined_at = place_of(op);
    row.verdict = text_of(op, "verdict");
    row.blocks = text_of(op, "severity") == "blocker";
    if (auto implementations = op.find("implementations"); implementations != op.end() && implementations->is_array())
      for (const ordered_json& implementation : *implementations) {
        row.backends.insert(text_of(implementation, "backend"));
        // What the op's implementations run: its kernels and the NVIDIA libraries they call.
        for (const char* key : {"kernels", "libraries"})
          if (auto names = implementation.find(key); names != implementation.end() && names->is_array())
            for (const ordered_json& name : *names)
              if (name.is_string()) row.kernels.insert(name.get<std::string>());
      }
    if (auto calls = op.find("python_calls"); calls != op.end() && calls->is_array())
      for (const ordered_json& call : *calls) row.callers.push_back(place_of(call));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string place_text(const InventoryPlace& place) {
  if (place.path.empty()) return {};
  return place.line != 0 ? place.path + ":" + std::to_string(place.line) : place.path;
}

std::string join_names(const std::set<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

}  // namespace tpu::reports
