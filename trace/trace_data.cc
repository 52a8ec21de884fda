// SPDX-License-Identifier: Apache-2.0
// index.json <-> TraceData. nlohmann::json throws on type mismatches; every read goes through
// the helpers below so that a malformed index becomes an error entry, never an exception.
#include "trace/trace_data.h"

#include <array>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tpu::runtime {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::array<std::string_view, 6> kHazardNames = {"host-sync", "host-copy", "dynamic-shape",
                                                          "float64", "shape-churn", "cuda-only"};

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T>
T number(const json& object, const char* key, T fallback = 0) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<T>() : fallback;
}

bool flag(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> strings(const json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const json& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::vector<std::vector<int64_t>> shapes_of(const json& object) {
  std::vector<std::vector<int64_t>> out;
  auto it = object.find("shapes");
  if (it == object.end() || !it->is_array()) return out;
  for (const json& shape : *it) {
    std::vector<int64_t> dims;
    if (shape.is_array())
      for (const json& dim : shape)
        if (dim.is_number_integer()) dims.push_back(dim.get<int64_t>());
    out.push_back(std::move(dims));
  }
  return out;
}

const json& array_at(const json& object, const char* key) {
  static const json kEmpty = json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace

std::string_view to_string(HazardKind kind) { return kHazardNames[static_cast<size_t>(kind)]; }

std::optional<HazardKind> parse_hazard_kind(std::string_view name) {
  for (size_t i = 0; i < kHazardNames.size(); ++i)
    if (kHazardNames[i] == name) return static_cast<HazardKind>(i);
  return std::nullopt;
}

std::string op_overload_name(std::string_view op, std::string_view overload) {
  std::string name(op);
  if (!overload.empty() && overload != "default") name += "." + std::string(overload);
  return name;
}

std::string index_json(const TraceData& trace) {
  ordered_json ops = ordered_json::array();
  for (const TracedOp& op : trace.ops) {
    ordered_json signatures = ordered_json::array();
    for (const CallSignature& s : op.signatures) {
      ordered_json row = {{"dtypes", s.dtypes}, {"shapes", s.shapes}, {"out_dtypes", s.out_dtypes},
                          {"device", s.device}, {"count", s.count}};
      if (!s.out_device.empty()) row["out_device"] = s.out_device;
      signatures.push_back(std::move(row));
    }
    ordered_json sites = ordered_json::array();
    for (const OpSite& site : op.sites)
      sites.push_back({{"path", site.path}, {"line", site.line}, {"count", site.count},
                       {"distinct_shapes", site.distinct_shapes}, {"steps", site.steps},
                       {"late_shapes", site.late_shapes},
                       {"shape_overflow", site.shape_overflow}, {"input_dtypes", site.input_dtypes},
                       {"out_dtypes", site.out_dtypes}, {"host_copies", site.host_copies}});
    ops.push_back({{"name", op.name}, {"op", op.op}, {"overload", op.overload}, {"count", op.count},
                   {"signatures", std::move(signatures)}, {"locations", std::move(sites)}});
  }
  ordered_json hazards = ordered_json::array();
  for (const Hazard& h : trace.hazards)
    hazards.push_back({{"kind", to_string(h.kind)}, {"op", h.op}, {"path", h.path}, {"line", h.line},
                       {"count", h.count}, {"detail", h.detail}});
  ordered_json samples = ordered_json::array();
  for (const SampleRef& s : trace.samples)
    samples.push_back({{"file", s.file}, {"op", s.op}, {"overload", s.overload}, {"dtypes", s.dtypes},
                       {"path", s.path}, {"line", s.line}, {"bytes", s.bytes}, {"omitted", s.omitted}});
  ordered_json processes = ordered_json::array();
  for (const ProcessInfo& p : trace.processes) {
    ordered_json row = {{"pid", p.pid}, {"ppid", p.ppid}, {"rank", nullptr}, {"role", p.role},
                        {"ops", p.ops}, {"complete", p.complete}, {"part", p.part}};
    if (p.rank) row["rank"] = *p.rank;
    processes.push_back(std::move(row));
  }
  ordered_json document = {
      {"schema", trace.schema},
      {"backend", trace.backend},
      {"torch_version", trace.torch_version},
      {"command", trace.command},
      {"cwd", trace.cwd},
      {"cuda_as_cpu", trace.cuda_as_cpu},
      {"exit_code", nullptr},
      {"stopped_by", trace.stopped_by},
      {"wall_seconds", trace.wall_seconds},
      {"total_calls", trace.total_calls},
      {"steps", trace.steps},
      {"processes", std::move(processes)},
      {"ops", std::move(ops)},
      {"hazards", std::move(hazards)},
      {"samples", std::move(samples)},
      {"errors", trace.errors},
  };
  if (trace.exit_code) document["exit_code"] = *trace.exit_code;
  return document.dump(1) + "\n";
}

TraceData parse_index(std::string_view input) {
  TraceData trace;
  json document = json::parse(input.begin(), input.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    trace.errors.push_back("index.json is not valid JSON");
    return trace;
  }
  trace.schema = text(document, "schema");
  if (trace.schema != kIndexSchema) {
    trace.errors.push_back("index.json has schema \"" + trace.schema + "\"; expected " +
                           std::string(kIndexSchema));
    return trace;
  }
  trace.backend = text(document, "backend");
  trace.torch_version = text(document, "torch_version");
  trace.command = strings(document, "command");
  trace.cwd = text(document, "cwd");
  trace.cuda_as_cpu = flag(document, "cuda_as_cpu");
  if (auto it = document.find("exit_code"); it != document.end() && it->is_number_integer())
    trace.exit_code = it->get<int>();
  trace.stopped_by = text(document, "stopped_by");
  trace.wall_seconds = number<double>(document, "wall_seconds");
  trace.total_calls = number<uint64_t>(document, "total_calls");
  trace.steps = number<uint32_t>(document, "steps");
  for (const json& p : array_at(document, "processes")) {
    if (!p.is_object()) continue;
    ProcessInfo info{number<int64_t>(p, "pid"), number<int64_t>(p, "ppid"), std::nullopt,
                     text(p, "role"), number<uint64_t>(p, "ops"), flag(p, "complete"), text(p, "part")};
    if (auto it = p.find("rank"); it != p.end() && it->is_number_integer()) info.rank = it->get<int64_t>();
    trace.processes.push_back(std::move(info));
  }
  for (const json& o : array_at(document, "ops")) {
    if (!o.is_object()) continue;
    TracedOp op{text(o, "name"), text(o, "op"), text(o, "overload"), number<uint64_t>(o, "count"), {}, {}};
    for (const json& s : array_at(o, "signatures"))
      if (s.is_object())
        op.signatures.push_back({strings(s, "dtypes"), shapes_of(s), strings(s, "out_dtypes"),
                                 text(s, "device"), text(s, "out_device"), number<uint64_t>(s, "count")});
    for (const json& s : array_at(o, "locations"))
      if (s.is_object()) {
        OpSite site{text(s, "path"), number<uint32_t>(s, "line"), number<uint64_t>(s, "count"),
                    number<uint32_t>(s, "distinct_shapes"), number<uint32_t>(s, "steps"),
                    number<uint32_t>(s, "late_shapes"), flag(s, "shape_overflow"), {}, strings(s, "out_dtypes"),
                    number<uint64_t>(s, "host_copies")};
        for (const json& list : array_at(s, "input_dtypes"))
          if (list.is_array()) {
            std::vector<std::string> dtypes;
            for (const json& d : list)
              if (d.is_string()) dtypes.push_back(d.get<std::string>());
            site.input_dtypes.push_back(std::move(dtypes));
          }
        op.sites.push_back(std::move(site));
      }
    trace.ops.push_back(std::move(op));
  }
  for (const json& h : array_at(document, "hazards")) {
    if (!h.is_object()) continue;
    std::optional<HazardKind> kind = parse_hazard_kind(text(h, "kind"));
    if (!kind) continue;  // a newer writer's kind: skipped, the rest still merges
    trace.hazards.push_back({*kind, text(h, "op"), text(h, "path"), number<uint32_t>(h, "line"),
                             number<uint64_t>(h, "count"), text(h, "detail")});
  }
  for (const json& s : array_at(document, "samples"))
    if (s.is_object())
      trace.samples.push_back({text(s, "file"), text(s, "op"), text(s, "overload"), strings(s, "dtypes"),
                               text(s, "path"), number<uint32_t>(s, "line"), number<uint64_t>(s, "bytes"),
                               strings(s, "omitted")});
  trace.errors = strings(document, "errors");
  return trace;
}

TraceData load_trace(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path index = std::filesystem::is_directory(path, ec) ? path / "index.json" : path;
  std::ifstream in(index, std::ios::binary);
  if (!in) {
    TraceData trace;
    trace.errors.push_back(index.string() + ": cannot read the trace index");
    return trace;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  TraceData trace = parse_index(buffer.str());
  for (std::string& error : trace.errors)
    if (error.starts_with("index.json")) error = index.string() + error.substr(10);
  return trace;
}

}  // namespace tpu::runtime
