// SPDX-License-Identifier: Apache-2.0
// Hazards per source line. The op database supplies PyTorch's own tags (data_dependent_output:
// `.item()`; dynamic_output_shape: nonzero, unique, masked_select...), so the list follows the
// torch version the database was generated from instead of a hand-kept list here.
#include "trace/trace_hazards.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "analyzer/trace_rules.h"
#include "opdb/opdb.h"

namespace tpu::runtime {
namespace {

struct Group {
  Hazard hazard;
  std::map<std::string, uint64_t> ops;  // op -> calls (or distinct shapes for shape-churn)
};

using Key = std::tuple<std::string, uint32_t, HazardKind>;

// Adds `count` occurrences at path:line to the kind's group there, `weight` to the op's share.
void add(std::map<Key, Group>& groups, HazardKind kind, const std::string& op, const std::string& path,
         uint32_t line, uint64_t count, uint64_t weight) {
  Group& group = groups[{path, line, kind}];
  group.hazard.kind = kind;
  group.hazard.path = path;
  group.hazard.line = line;
  group.hazard.count += count;
  group.ops[op] += weight;
}

void add(std::map<Key, Group>& groups, HazardKind kind, const std::string& op, const OpSite& site,
         uint64_t count, uint64_t weight) {
  add(groups, kind, op, site.path, site.line, count, weight);
}

bool has_float64(const OpSite& site) {
  auto wide = [](const std::string& dtype) { return dtype == "float64" || dtype == "complex128"; };
  for (const auto& list : site.input_dtypes)
    if (std::any_of(list.begin(), list.end(), wide)) return true;
  return std::any_of(site.out_dtypes.begin(), site.out_dtypes.end(), wide);
}

// x[mask]: aten::index.Tensor with a bool (or legacy uint8) index tensor selects a data-dependent
// number of elements, exactly like nonzero.
bool mask_index(const TracedOp& op, const OpSite& site) {
  if (op.name != "aten::index.Tensor") return false;
  for (const auto& list : site.input_dtypes)
    for (size_t i = 1; i < list.size(); ++i)
      if (list[i] == "bool" || list[i] == "uint8") return true;
  return false;
}

std::string ops_text(const std::map<std::string, uint64_t>& ops, std::string* top) {
  std::vector<std::pair<std::string, uint64_t>> sorted(ops.begin(), ops.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  *top = sorted.empty() ? std::string() : sorted.front().first;
  std::string text;
  for (size_t i = 0; i < sorted.size() && i < 3; ++i) text += (i ? ", " : "") + sorted[i].first;
  if (sorted.size() > 3) text += ", …";
  return text;
}

std::string detail(const Group& group, uint32_t steps, std::string* top) {
  std::string ops = ops_text(group.ops, top);
  switch (group.hazard.kind) {
    case HazardKind::HostSync:
      return ops + " reads a device value on the host (`.item()`, `bool(tensor)`, `.tolist()`): "
                   "the graph is cut and the host waits";
    case HazardKind::HostCopy:
      return ops + " copies tensor data from the device to the host and waits";
    case HazardKind::DynamicShape:
      return ops + " returns a shape that depends on the data: a CPU fallback or a new XLA graph";
    case HazardKind::Float64:
      return ops + " computes in float64, which a TPU does not have (emulated slowly, or rejected)";
    case HazardKind::CudaOnly:
      return ops + " exists only for CUDA: the trace cannot run it on the CPU and a TPU cannot run "
                   "it either (port it to PyTorch ops, or write it for the TPU)";
    case HazardKind::ShapeChurn: {
      uint64_t most = 0;
      for (const auto& [op, distinct] : group.ops) most = std::max(most, distinct);
      return "ran with " + std::to_string(most) + " different input shapes, new ones after its first step" +
             (steps > 1 ? " (" + std::to_string(steps) + " steps)" : std::string()) + " (" + ops +
             "): each new shape is a new XLA compilation";
    }
  }
  return ops;
}

}  // namespace

std::vector<Hazard> find_hazards(const TraceData& trace) {
  const opdb::OpDb& db = opdb::OpDb::builtin();
  std::map<Key, Group> groups;
  std::map<Key, uint32_t> steps;
  // Host copies and CUDA-only calls recorded without an op; several on one line
  // (`x.cpu().numpy()`, or one per DataLoader worker) add up.
  for (const Hazard& known : trace.hazards)
    add(groups, known.kind, known.op, known.path, known.line, known.count, known.count);
  for (const TracedOp& op : trace.ops) {
    opdb::OpInfo info = db.lookup(op.name, "xla");
    for (const OpSite& site : op.sites) {
      if (info.data_dependent_output) add(groups, HazardKind::HostSync, op.name, site, site.count, site.count);
      if (info.dynamic_output_shape || mask_index(op, site))
        add(groups, HazardKind::DynamicShape, op.name, site, site.count, site.count);
      if (site.host_copies) add(groups, HazardKind::HostCopy, op.name, site, site.host_copies, site.host_copies);
      if (has_float64(site)) add(groups, HazardKind::Float64, op.name, site, site.count, site.count);
      if (site.late_shapes >= kShapeChurnThreshold || site.shape_overflow) {
        add(groups, HazardKind::ShapeChurn, op.name, site, site.count, site.distinct_shapes);
        uint32_t& s = steps[{site.path, site.line, HazardKind::ShapeChurn}];
        s = std::max(s, site.steps);
      }
    }
  }
  std::vector<Hazard> hazards;
  for (auto& [key, group] : groups) {
    std::string top;
    std::string text = detail(group, steps[key], &top);
    group.hazard.op = top;
    group.hazard.detail = text;
    hazards.push_back(std::move(group.hazard));
  }
  return hazards;  // std::map order: path, line, kind
}

const RuleMeta& rule_for(HazardKind kind) {
  // trace_rules() is in code order, TPU650 to TPU655, one per kind in the enum's order.
  std::span<const RuleMeta> rules = trace_rules();
  switch (kind) {
    case HazardKind::HostSync: return rules[0];
    case HazardKind::HostCopy: return rules[1];
    case HazardKind::DynamicShape: return rules[2];
    case HazardKind::Float64: return rules[3];
    case HazardKind::ShapeChurn: return rules[4];
    case HazardKind::CudaOnly: return rules[5];
  }
  return rules[0];
}

}  // namespace tpu::runtime
