// SPDX-License-Identifier: Apache-2.0
// Merging part files. A part keeps exact shapes per (op, source line); the merge unions them
// across processes to count distinct shapes exactly, then buckets shapes for the index so
// that it stays small however many shapes a program runs.
#include "trace/trace_parts.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "trace/trace_hazards.h"

namespace fs = std::filesystem;

namespace tpu::runtime {
namespace {

using nlohmann::json;

struct SiteAccumulator {
  OpSite site;
  std::set<std::string> exact_shapes;
  std::set<std::vector<std::string>> input_dtypes;
  std::set<std::string> out_dtypes;
};

struct OpAccumulator {
  TracedOp op;
  std::map<std::string, CallSignature> signatures;  // bucketed signature key -> row
  std::map<std::pair<std::string, uint32_t>, SiteAccumulator> sites;
};

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T>
T num(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<T>() : T{};
}

std::vector<std::string> strs(const json& object, const char* key) {
  std::vector<std::string> out;
  if (auto it = object.find(key); it != object.end() && it->is_array())
    for (const json& item : *it)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::vector<std::vector<int64_t>> shapes(const json& object) {
  std::vector<std::vector<int64_t>> out;
  if (auto it = object.find("shapes"); it != object.end() && it->is_array())
    for (const json& shape : *it) {
      std::vector<int64_t> dims;
      if (shape.is_array())
        for (const json& d : shape)
          if (d.is_number_integer()) dims.push_back(d.get<int64_t>());
      out.push_back(std::move(dims));
    }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += item + ",";
  return out;
}

std::string shape_text(const std::vector<std::vector<int64_t>>& list) {
  std::string out;
  for (const auto& shape : list) {
    out += "[";
    for (int64_t d : shape) out += std::to_string(d) + ",";
    out += "]";
  }
  return out;
}

bool is_cpu(const std::string& device) { return device.empty() || device.starts_with("cpu"); }

// profiler::_record_function_enter and friends: bookkeeping of torch.profiler, not compute.
bool ignored_op(const std::string& op) { return op.starts_with("profiler::"); }

void merge_call(OpAccumulator& acc, SiteAccumulator& site, const json& call) {
  CallSignature signature{strs(call, "dtypes"), shapes(call), strs(call, "out_dtypes"),
                          str(call, "device"), str(call, "out_device"), num<uint64_t>(call, "count")};
  acc.op.count += signature.count;
  site.site.count += signature.count;
  site.exact_shapes.insert(join(signature.dtypes) + shape_text(signature.shapes));
  site.input_dtypes.insert(signature.dtypes);
  site.out_dtypes.insert(signature.out_dtypes.begin(), signature.out_dtypes.end());
  if (!is_cpu(signature.device) && !signature.out_device.empty() && is_cpu(signature.out_device))
    site.site.host_copies += signature.count;
  for (auto& shape : signature.shapes)
    for (int64_t& d : shape) d = shape_bucket(d);
  std::string key = join(signature.dtypes) + shape_text(signature.shapes) + "|" +
                    join(signature.out_dtypes) + "|" + signature.device + "|" + signature.out_device;
  auto [it, inserted] = acc.signatures.try_emplace(key, signature);
  if (!inserted) it->second.count += signature.count;
}

void merge_part(const json& part, const fs::path& file, std::map<std::string, OpAccumulator>& ops,
                TraceData& trace, const RunFacts& run) {
  int64_t pid = num<int64_t>(part, "pid");
  ProcessInfo process{pid, num<int64_t>(part, "ppid"), std::nullopt, str(part, "role"),
                      num<uint64_t>(part, "ops_total"), false, "parts/" + file.filename().string()};
  if (auto it = part.find("complete"); it != part.end() && it->is_boolean()) process.complete = it->get<bool>();
  if (auto it = part.find("rank"); it != part.end() && it->is_number_integer()) process.rank = it->get<int64_t>();
  // Every fresh interpreter calls itself "main"; only the one the runner started is.
  if (process.role == "main" && run.main_pid != 0 && pid != run.main_pid) process.role = "spawned";
  if (process.role == "main" || trace.torch_version.empty()) trace.torch_version = str(part, "torch");
  if (process.role == "main" || trace.backend.empty()) trace.backend = str(part, "backend");
  trace.total_calls += process.ops;
  trace.steps = std::max(trace.steps, num<uint32_t>(part, "steps"));
  trace.processes.push_back(process);

  if (auto sites = part.find("sites"); sites != part.end() && sites->is_array())
    for (const json& site : *sites) {
      if (!site.is_object()) continue;
      std::string op = str(site, "op");
      if (op.empty() || ignored_op(op)) continue;
      std::string overload = str(site, "overload");
      std::string name = op_overload_name(op, overload);
      OpAccumulator& acc = ops[name];
      acc.op.name = name;
      acc.op.op = op;
      acc.op.overload = overload.empty() ? "default" : overload;
      std::pair<std::string, uint32_t> where{str(site, "path"), num<uint32_t>(site, "line")};
      SiteAccumulator& at = acc.sites[where];
      at.site.path = where.first;
      at.site.line = where.second;
      at.site.steps = std::max(at.site.steps, num<uint32_t>(site, "steps"));
      at.site.late_shapes = std::max(at.site.late_shapes, num<uint32_t>(site, "late_shapes"));
      if (auto it = site.find("shape_overflow"); it != site.end() && it->is_boolean() && it->get<bool>())
        at.site.shape_overflow = true;
      if (auto calls = site.find("calls"); calls != site.end() && calls->is_array())
        for (const json& call : *calls)
          if (call.is_object()) merge_call(acc, at, call);
    }
  if (auto events = part.find("events"); events != part.end() && events->is_array())
    for (const json& event : *events) {
      if (!event.is_object()) continue;
      std::optional<HazardKind> kind = parse_hazard_kind(str(event, "kind"));
      if (kind != HazardKind::HostCopy && kind != HazardKind::CudaOnly) continue;
      trace.hazards.push_back({*kind, str(event, "what"), str(event, "path"),
                               num<uint32_t>(event, "line"), num<uint64_t>(event, "count"),
                               /*detail=*/""});  // find_hazards() words it with the group's ops
    }
  if (auto samples = part.find("samples"); samples != part.end() && samples->is_array())
    for (const json& s : *samples)
      if (s.is_object())
        trace.samples.push_back({str(s, "file"), str(s, "op"), str(s, "overload"), strs(s, "dtypes"),
                                 str(s, "path"), num<uint32_t>(s, "line"), num<uint64_t>(s, "bytes"),
                                 strs(s, "omitted")});
  for (const std::string& error : strs(part, "errors"))
    trace.errors.push_back("process " + std::to_string(pid) + ": " + error);
}

TracedOp finish(OpAccumulator& acc) {
  TracedOp op = std::move(acc.op);
  for (auto& [key, signature] : acc.signatures) op.signatures.push_back(std::move(signature));
  std::stable_sort(op.signatures.begin(), op.signatures.end(),
                   [](const CallSignature& a, const CallSignature& b) { return a.count > b.count; });
  for (auto& [where, at] : acc.sites) {
    at.site.distinct_shapes = static_cast<uint32_t>(at.exact_shapes.size());
    at.site.input_dtypes.assign(at.input_dtypes.begin(), at.input_dtypes.end());
    at.site.out_dtypes.assign(at.out_dtypes.begin(), at.out_dtypes.end());
    op.sites.push_back(std::move(at.site));
  }
  std::stable_sort(op.sites.begin(), op.sites.end(),
                   [](const OpSite& a, const OpSite& b) { return a.count > b.count; });
  return op;
}

}  // namespace

int64_t shape_bucket(int64_t dimension) {
  if (dimension <= 1) return dimension;
  int64_t bucket = 1;
  while (bucket < dimension) bucket <<= 1;
  return bucket;
}

TraceData merge_parts(const fs::path& trace_dir, const RunFacts& run) {
  TraceData trace;
  trace.command = run.command;
  trace.cwd = run.cwd;
  trace.cuda_as_cpu = run.cuda_as_cpu;
  trace.exit_code = run.exit_code;
  trace.stopped_by = run.stopped_by;
  trace.wall_seconds = run.wall_seconds;

  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(trace_dir / "parts", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  if (files.empty()) trace.errors.push_back("no process wrote a trace part (did the program import torch?)");

  std::map<std::string, OpAccumulator> ops;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    json part = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
    if (part.is_discarded() || !part.is_object() || str(part, "schema") != kPartSchema) {
      trace.errors.push_back(file.filename().string() + ": not a readable trace part; skipped");
      continue;
    }
    merge_part(part, file, ops, trace, run);
  }
  for (auto& [name, acc] : ops) trace.ops.push_back(finish(acc));
  std::sort(trace.samples.begin(), trace.samples.end(),
            [](const SampleRef& a, const SampleRef& b) { return a.file < b.file; });
  std::sort(trace.processes.begin(), trace.processes.end(),
            [](const ProcessInfo& a, const ProcessInfo& b) { return a.pid < b.pid; });
  trace.hazards = find_hazards(trace);
  return trace;
}

std::optional<std::string> write_index(const fs::path& trace_dir, const TraceData& trace) {
  fs::path index = trace_dir / "index.json";
  fs::path temporary = trace_dir / "index.json.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << index_json(trace);
    if (!out.flush()) return temporary.string() + ": cannot write";
  }
  std::error_code ec;
  fs::rename(temporary, index, ec);
  if (ec) return index.string() + ": " + ec.message();
  return std::nullopt;
}

}  // namespace tpu::runtime
