// SPDX-License-Identifier: Apache-2.0
// Parses a target's status layers into one map; synced layers are merged with merge_synced().

#include "opdb/status_table.h"

#include "opdb/table_reader.h"

namespace tpu::opdb {
namespace {

bool composite(std::string_view kind) { return kind.starts_with("composite_"); }

void parse_layer(const StatusLayer& layer, StatusTable& table) {
  TableReader reader(layer.text, layer.name, table.errors);
  const int overload = reader.column("overload"), status_col = reader.column("status"),
            kind = reader.column("kind"), reason = reader.column("reason"), condition = reader.column("condition"),
            decomposes = reader.column("decomposes_into"), prov = reader.column("provenance");
  if (overload < 0 || status_col < 0) {
    table.errors.push_back(layer.name + ": needs the columns overload and status");
    return;
  }
  // Keys are per table: two layers may both use `torch` for different texts.
  const auto& provenance = reader.provenance();
  while (reader.next()) {
    auto status = status_from_string(reader.field(status_col));
    if (!status) {
      table.errors.push_back(layer.name + ": " + std::string(reader.field(overload)) + ": bad status `" +
                             std::string(reader.field(status_col)) + "`");
      continue;
    }
    auto key = reader.field(prov);
    auto text = provenance.find(key);
    StatusEntry entry{*status,
                      reader.field(kind),
                      reader.field(reason),
                      reader.field(condition),
                      reader.field(decomposes),
                      text != provenance.end() ? text->second : key};
    auto [it, inserted] = table.by_overload.try_emplace(reader.field(overload), entry);
    if (inserted) {
      table.order.push_back(it->first);
    } else {
      it->second = layer.synced ? merge_synced(it->second, entry, table) : entry;
    }
  }
}

}  // namespace

void StatusTable::parse() {
  for (const auto& layer : layers) parse_layer(layer, *this);
}

std::string_view StatusTable::join(std::string_view a, std::string_view sep, std::string_view b) {
  auto [it, inserted] = joined.try_emplace({a, sep, b});
  if (inserted) {
    it->second = owned.emplace_back(std::string(a) + std::string(sep) + std::string(b));
  }
  return it->second;
}

StatusEntry merge_synced(const StatusEntry& builtin, const StatusEntry& synced, StatusTable& table) {
  if (synced.status == Status::Lowered && !builtin.condition.empty()) {
    StatusEntry merged = synced;
    merged.condition = builtin.condition;
    merged.kind = builtin.kind;
    merged.provenance = table.join(synced.provenance, "; condition: ", builtin.provenance);
    if (builtin.kind == "fallback_by_default") {
      // The kernel is registered, but all it does is call the CPU fallback (`nonzero`).
      merged.status = Status::Fallback;
      merged.reason = table.join(builtin.reason, "", " (its kernel is registered in the synced install)");
    }
    return merged;
  }
  if (synced.status == Status::Decomposed && composite(builtin.kind) && composite(synced.kind)) {
    // The dispatcher says "composite" but not what the composite calls; the built-in answer has
    // been refined by its callees (`ctc_loss` -> `_ctc_loss` falls back), so it stays.
    StatusEntry merged = builtin;
    merged.provenance = table.join(builtin.provenance, "; composite confirmed by ", synced.provenance);
    return merged;
  }
  if (synced.status == Status::Decomposed && builtin.kind == "structured_delegate") {
    // The dispatcher sees the generated wrapper (CompositeExplicitAutogradNonFunctional) of a
    // structured op; the built-in answer knows the wrapper calls the backend's out= kernel.
    StatusEntry merged = builtin;
    merged.provenance = table.join(builtin.provenance, "; wrapper confirmed by ", synced.provenance);
    return merged;
  }
  return synced;
}

}  // namespace tpu::opdb
