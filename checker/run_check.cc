// SPDX-License-Identifier: Apache-2.0
#include "checker/run_check.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "checker/verdict.h"

namespace tpu::checker {
namespace {

namespace fs = std::filesystem;

bool selected(const runtime::SampleRef& sample, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  const std::string full = runtime::op_overload_name(sample.op, sample.overload);
  const std::string dotted = sample.op + "." + sample.overload;
  for (const std::string& filter : filters)
    if (filter == sample.op || filter == full || filter == dotted) return true;
  return false;
}

// The device the recorded outputs came from: the op's signature with the same input dtypes.
std::string source_device(const runtime::TraceData& trace, const runtime::SampleRef& sample) {
  const std::string name = runtime::op_overload_name(sample.op, sample.overload);
  for (const runtime::TracedOp& op : trace.ops) {
    if (op.name != name) continue;
    for (const runtime::CallSignature& signature : op.signatures)
      if (signature.dtypes == sample.dtypes) return signature.device;
    if (!op.signatures.empty()) return op.signatures.front().device;
  }
  return "";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

}  // namespace

std::string display_path(const std::string& path, const std::string& root) {
  if (root.empty() || path.empty()) return path;
  fs::path relative = fs::path(path).lexically_relative(root);
  if (relative.empty() || relative.native().starts_with("..")) return path;
  return relative.generic_string();
}

CheckReport run_check(Engine& engine, const runtime::TraceData& trace, const CheckRequest& request,
                      const ToleranceTable& tolerances, const CheckProgress& progress) {
  auto start = std::chrono::steady_clock::now();
  CheckReport report;
  report.trace = request.trace.string();
  report.project_root = trace.cwd;
  report.candidate = engine.candidate();
  for (const std::string& error : trace.errors) report.errors.push_back("trace: " + error);
  if (trace.samples.empty())
    report.errors.push_back("the trace holds no sampled calls (trace again with --samples-per-op 1 or more)");

  std::vector<const runtime::SampleRef*> chosen;
  std::map<std::string, uint64_t> per_op;
  for (const runtime::SampleRef& sample : trace.samples) {
    if (!selected(sample, request.ops)) continue;
    uint64_t& count = per_op[sample.op + "." + sample.overload];
    if (request.max_samples_per_op && count >= request.max_samples_per_op) continue;
    ++count;
    chosen.push_back(&sample);
  }

  if (chosen.empty() && !request.ops.empty() && !trace.samples.empty())
    report.errors.push_back("no sampled call matches --op " + join(request.ops, ", --op "));

  std::vector<SampleCheck> samples;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const runtime::SampleRef& ref = *chosen[i];
    SampleCheck check;
    if (tolerances.skipped(ref.op, ref.overload)) {
      check.file = ref.file;
      check.status = Status::Skipped;
      check.reason = "skipped by the configuration";
    } else {
      SampleJob job;
      job.sample_file = request.trace / ref.file;
      job.file = ref.file;
      job.source_device = source_device(trace, ref);
      if (trace.cuda_as_cpu && !job.source_device.empty()) job.source_device += ", cuda-as-cpu";
      check = engine.replay(job);
    }
    // The index is the authority on what was sampled where; the sample file agrees with it.
    check.op = ref.op;
    check.overload = ref.overload;
    check.dtypes = ref.dtypes;
    if (ref.line) {
      check.path = ref.path;
      check.line = ref.line;
    }
    check.path = display_path(check.path, trace.cwd);
    if (progress) progress(i + 1, chosen.size(), check);
    samples.push_back(std::move(check));
  }
  finish_report(report, std::move(samples));
  report.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::string> devices;
  for (const runtime::TracedOp& op : trace.ops)
    for (const runtime::CallSignature& signature : op.signatures)
      if (!signature.device.empty() && std::find(devices.begin(), devices.end(), signature.device) == devices.end())
        devices.push_back(signature.device);
  report.source_device = join(devices, ", ") + (trace.cuda_as_cpu ? " (cuda-as-cpu)" : "");
  return report;
}

void finish_report(CheckReport& report, std::vector<SampleCheck> samples) {
  std::map<std::string, OpCheck> ops;
  double replay_seconds = 0;
  uint64_t replayed = 0;
  for (SampleCheck& sample : samples) {
    if (sample.status != Status::Skipped) {
      replay_seconds += sample.total_seconds;
      ++replayed;
    }
    const std::string name = runtime::op_overload_name(sample.op, sample.overload);
    OpCheck& op = ops[name];
    if (op.name.empty()) {
      op.name = name;
      op.op = sample.op;
      op.overload = sample.overload;
      op.status = sample.status;
      op.score = sample.score;
    } else if (severity_rank(sample.status) > severity_rank(op.status) ||
               (sample.status == op.status && sample.score > op.score)) {
      op.status = sample.status;
      op.score = sample.score;
    }
    std::string dtypes = join(sample.dtypes, ",");
    if (std::find(op.dtypes.begin(), op.dtypes.end(), dtypes) == op.dtypes.end()) op.dtypes.push_back(dtypes);
    Location where{sample.path, sample.line, 1};
    auto found = std::find_if(op.locations.begin(), op.locations.end(),
                              [&](const Location& l) { return l.path == where.path && l.line == where.line; });
    if (found != op.locations.end()) ++found->samples;
    else if (!where.path.empty()) op.locations.push_back(where);
    op.samples.push_back(std::move(sample));
  }
  report.ops.clear();
  for (auto& [name, op] : ops) {
    std::stable_sort(op.samples.begin(), op.samples.end(), [](const SampleCheck& a, const SampleCheck& b) {
      if (severity_rank(a.status) != severity_rank(b.status)) return severity_rank(a.status) > severity_rank(b.status);
      return a.score > b.score;
    });
    report.ops.push_back(std::move(op));
  }
  std::stable_sort(report.ops.begin(), report.ops.end(), [](const OpCheck& a, const OpCheck& b) {
    if (severity_rank(a.status) != severity_rank(b.status)) return severity_rank(a.status) > severity_rank(b.status);
    if (a.score != b.score) return a.score > b.score;
    return a.name < b.name;
  });
  CheckSummary& summary = report.summary;
  summary = CheckSummary{};
  summary.ops = report.ops.size();
  for (const OpCheck& op : report.ops) {
    summary.samples += op.samples.size();
    switch (op.status) {
      case Status::Pass: ++summary.pass; break;
      case Status::Warn: ++summary.warn; break;
      case Status::Fail: ++summary.fail; break;
      case Status::Skipped: ++summary.skipped; break;
      case Status::Error: ++summary.error; break;
    }
  }
  summary.replay_seconds_per_sample = replayed ? replay_seconds / static_cast<double>(replayed) : 0;
}

}  // namespace tpu::checker
