// SPDX-License-Identifier: Apache-2.0
#include "checker/check_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "checker/verdict.h"

namespace tpu::checker {
namespace {

using nlohmann::ordered_json;

ordered_json number(double value) { return std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr); }

ordered_json metrics_json(const Metrics& m, bool exact) {
  ordered_json out;
  out["numel"] = m.numel;
  out["max_abs_err"] = number(m.max_abs_err);
  if (exact) {
    out["exact_mismatch"] = m.exact_mismatch;
  } else {
    out["max_rel_err"] = number(m.max_rel_err);
    out["mean_rel_err"] = number(m.mean_rel_err);
    out["rmse"] = number(m.rmse);
    out["nrmse"] = number(m.nrmse);
    out["cosine"] = number(m.cosine);
    out["max_ulp"] = number(m.max_ulp);
    out["mean_ulp"] = number(m.mean_ulp);
    out["nonfinite_mismatch"] = m.nonfinite_mismatch;
  }
  out["mismatch_pass"] = number(m.mismatch_pass);
  out["mismatch_warn"] = number(m.mismatch_warn);
  out["worst_index"] = m.worst_index;
  return out;
}

ordered_json output_json(const OutputCheck& o) {
  ordered_json out;
  out["name"] = o.name;
  out["dtype"] = o.dtype;
  out["shape"] = o.shape;
  out["exact"] = o.exact;
  out["status"] = std::string(to_string(o.verdict));
  out["reason"] = o.reason;
  out["metrics"] = o.structural_error.empty() ? metrics_json(o.candidate, o.exact) : ordered_json(nullptr);
  out["baseline_metrics"] = o.baseline ? metrics_json(*o.baseline, o.exact) : ordered_json(nullptr);
  if (o.rmse_ratio && o.max_abs_ratio)
    out["ratio"] = {{"rmse", number(*o.rmse_ratio)}, {"max_abs", number(*o.max_abs_ratio)}};
  else
    out["ratio"] = nullptr;
  if (o.benchmark) {
    out["benchmark"] = {{"what", o.benchmark_label},
                        {"rmse", number(o.benchmark->rmse)},
                        {"max_abs_err", number(o.benchmark->max_abs_err)},
                        {"ratio", {{"rmse", number(o.benchmark_rmse_ratio.value_or(NAN))},
                                   {"max_abs", number(o.benchmark_max_abs_ratio.value_or(NAN))}}}};
  } else {
    out["benchmark"] = nullptr;
  }
  const Tolerance& t = o.tolerance;
  out["tolerance"] = {{"rtol", t.rtol},           {"atol", t.atol},
                      {"warn_rtol", t.warn_rtol}, {"warn_atol", t.warn_atol},
                      {"cosine_min", t.cosine_min}, {"warn_fraction", t.warn_fraction}};
  out["level"] = std::string(to_string(o.level));
  return out;
}

ordered_json sample_json(const SampleCheck& s) {
  ordered_json out;
  out["file"] = s.file;
  out["status"] = std::string(to_string(s.status));
  out["reason"] = s.reason;
  out["path"] = s.path;
  out["line"] = s.line;
  out["dtypes"] = s.dtypes;
  out["baseline"] = s.baseline.empty() ? ordered_json(nullptr) : ordered_json(s.baseline);
  out["score"] = number(s.score);
  out["seconds"] = {{"reference", s.reference_seconds}, {"candidate", s.candidate_seconds}, {"total", s.total_seconds}};
  ordered_json outputs = ordered_json::array();
  for (const OutputCheck& o : s.outputs) outputs.push_back(output_json(o));
  out["outputs"] = std::move(outputs);
  return out;
}

ordered_json model_json(const ModelCheck& m) {
  ordered_json out;
  out["model"] = m.model;
  out["loader"] = m.loader;
  out["runner"] = m.runner;
  out["inputs"] = m.inputs;
  out["status"] = std::string(to_string(m.status));
  out["reason"] = m.reason;
  out["first_divergence"] = m.first_divergence.empty() ? ordered_json(nullptr) : ordered_json(m.first_divergence);
  out["first_grad_divergence"] =
      m.first_grad_divergence.empty() ? ordered_json(nullptr) : ordered_json(m.first_grad_divergence);
  out["seconds"] = m.seconds;
  out["notes"] = m.notes;
  ordered_json layers = ordered_json::array();
  for (const LayerCheck& layer : m.layers) {
    ordered_json entry = output_json(layer.result);
    entry["name"] = layer.name;
    entry["kind"] = layer.kind;
    layers.push_back(std::move(entry));
  }
  out["layers"] = std::move(layers);
  return out;
}

}  // namespace

std::string_view overall_verdict(const CheckReport& report) {
  bool warn = report.summary.warn > 0;
  if (report.summary.fail > 0) return "fail";
  if (report.model) {
    if (report.model->status == Status::Fail) return "fail";
    if (report.model->status == Status::Warn) warn = true;
  }
  return warn ? "warn" : "pass";
}

std::string check_json(const CheckReport& report, std::string_view tool_version) {
  ordered_json out;
  out["schema"] = std::string(kCheckSchema);
  out["tool"] = {{"name", "tpu-migrate"}, {"version", std::string(tool_version)}};
  out["trace"] = report.trace.empty() ? ordered_json(nullptr) : ordered_json(report.trace);
  out["project_root"] = report.project_root.empty() ? ordered_json(nullptr) : ordered_json(report.project_root);
  out["source"] = {{"device", report.source_device}};
  out["reference"] = {{"device", "cpu"}, {"dtype", "float64"}};
  out["candidate"] = {{"device", report.candidate.device},
                      {"executor", report.candidate.executor},
                      {"precision", report.candidate.precision},
                      {"description", report.candidate.description}};
  if (!report.emulated_target.empty()) {
    out["candidate"]["target"] = report.emulated_target;
    out["candidate"]["precision_defaults"] = report.precision_defaults;
  }
  out["config"] = report.config.empty() ? ordered_json(nullptr) : ordered_json(report.config);
  const CheckSummary& s = report.summary;
  out["summary"] = {{"verdict", std::string(overall_verdict(report))},
                    {"ops", s.ops},
                    {"samples", s.samples},
                    {"pass", s.pass},
                    {"warn", s.warn},
                    {"fail", s.fail},
                    {"skipped", s.skipped},
                    {"error", s.error},
                    {"seconds", s.seconds},
                    {"replay_seconds_per_sample", s.replay_seconds_per_sample}};
  ordered_json ops = ordered_json::array();
  for (const OpCheck& op : report.ops) {
    ordered_json entry;
    entry["name"] = op.name;
    entry["op"] = op.op;
    entry["overload"] = op.overload;
    entry["status"] = std::string(to_string(op.status));
    entry["score"] = number(op.score);
    entry["dtypes"] = op.dtypes;
    ordered_json locations = ordered_json::array();
    for (const Location& l : op.locations) locations.push_back({{"path", l.path}, {"line", l.line}, {"samples", l.samples}});
    entry["locations"] = std::move(locations);
    ordered_json samples = ordered_json::array();
    for (const SampleCheck& sample : op.samples) samples.push_back(sample_json(sample));
    entry["samples"] = std::move(samples);
    ops.push_back(std::move(entry));
  }
  out["ops"] = std::move(ops);
  out["model"] = report.model ? model_json(*report.model) : ordered_json(nullptr);
  out["errors"] = report.errors;
  return out.dump(2) + "\n";
}

}  // namespace tpu::checker
