// SPDX-License-Identifier: Apache-2.0
// The run file (written by the worker's model command):
//   {"format": "tpu-migrate/model-run@1", "loader": "python" | "torchscript", "notes": [str],
//    "layers": [{"name": str, "kind": "output" | "loss" | "grad",
//                "reference": Tensor (float64, CPU), "candidate": Tensor (on the CPU),
//                "baseline": Tensor | None (the model's own dtype on the CPU),
//                "scale": Tensor (the loss layer only: sum |w * y| of the reference),
//                "benchmarks": [Tensor] (precision benchmark runs, when the target's precision
//                is reduced: docs/check.md, "Whole model")}],
//    "benchmark": str (what the benchmark runs were, when there are any)}
// Layers come in forward order (the order module forward hooks fired), then the loss, then
// parameter gradients in the order backward produced them.
#include "checker/torch/model_compare.h"

#include <cmath>
#include <optional>
#include <sstream>

#include "checker/torch/compare.h"
#include "checker/torch/dtype_names.h"
#include "checker/torch/pt_file.h"
#include "checker/verdict.h"

namespace tpu::checker {
namespace {

std::string text(const c10::impl::GenericDict& dict, const char* key) {
  auto it = dict.find(key);
  return it != dict.end() && it->value().isString() ? it->value().toStringRef() : std::string();
}

std::optional<at::Tensor> tensor(const c10::impl::GenericDict& dict, const char* key) {
  auto it = dict.find(key);
  if (it == dict.end() || !it->value().isTensor()) return std::nullopt;
  return it->value().toTensor();
}

// The loss is sum(w * y) over the outputs with random weights w: its terms cancel, so |loss| can
// be far below the size of the terms, and its relative error says nothing about the arithmetic.
// Its error is judged against the scale sum |w * y| (the reference's), the bound a sum's
// rounding obeys; the outputs themselves are judged element by element as their own layers.
void judge_loss_by_its_scale(const at::Tensor& reference, const at::Tensor& candidate,
                             const std::optional<at::Tensor>& scale, OutputCheck& result) {
  if (!scale || result.verdict == Status::Pass || !result.structural_error.empty()) return;
  double s = scale->item<double>();
  double error = std::abs(candidate.to(at::kDouble).item<double>() - reference.to(at::kDouble).item<double>());
  if (!std::isfinite(error) || !(s > 0)) return;
  const Tolerance& tolerance = result.tolerance;
  Status verdict = error <= tolerance.atol + tolerance.rtol * s              ? Status::Pass
                   : error <= tolerance.warn_atol + tolerance.warn_rtol * s ? Status::Warn
                                                                             : Status::Fail;
  // At equal severity the scale's reason wins: it is the loss's own bound, not a comparison.
  if (severity_rank(verdict) > severity_rank(result.verdict)) return;
  std::ostringstream reason;
  reason << "error " << error << " is " << error / s << " of the loss's scale sum|w*y| = " << s
         << " (its terms cancel: |loss| = " << std::abs(reference.to(at::kDouble).item<double>()) << ")";
  result.verdict = verdict;
  result.reason = reason.str();
}

}  // namespace

void compare_model_run(const std::filesystem::path& run_file, const ToleranceTable& tolerances, ModelCheck& model) {
  c10::IValue run = load_pt_file(run_file);
  if (!run.isGenericDict()) throw std::runtime_error("the model run file is not a dict");
  auto dict = run.toGenericDict();
  if (text(dict, "format") != "tpu-migrate/model-run@1") throw std::runtime_error("unknown model run format");
  model.loader = text(dict, "loader");
  if (auto notes = dict.find("notes"); notes != dict.end() && notes->value().isList())
    for (const c10::IValue& note : notes->value().toListRef())
      if (note.isString()) model.notes.push_back(note.toStringRef());
  const std::string benchmark_label = text(dict, "benchmark");
  auto layers = dict.find("layers");
  if (layers == dict.end() || !layers->value().isList()) throw std::runtime_error("the model run has no layers");

  model.status = Status::Pass;
  for (const c10::IValue& entry : layers->value().toListRef()) {
    if (!entry.isGenericDict()) continue;
    auto layer = entry.toGenericDict();
    auto reference = tensor(layer, "reference");
    auto candidate = tensor(layer, "candidate");
    if (!reference) continue;
    auto baseline = tensor(layer, "baseline");
    LayerCheck check;
    check.name = text(layer, "name");
    check.kind = text(layer, "kind");
    FlatValue ref{check.name, *reference};
    std::optional<FlatValue> cand, base;
    if (candidate) cand = FlatValue{check.name, *candidate};
    if (baseline) base = FlatValue{check.name, *baseline};
    CompareSpec spec;
    spec.expected = baseline ? baseline->scalar_type() : candidate ? candidate->scalar_type() : reference->scalar_type();
    std::string dtype = scalar_type_name(spec.expected);
    spec.tolerance = tolerances.resolve("", "", dtype);
    spec.level = Level::L0;
    spec.baseline_label = "the CPU in " + dtype;
    if (auto runs = layer.find("benchmarks"); runs != layer.end() && runs->value().isList())
      for (const c10::IValue& run : runs->value().toListRef())
        if (run.isTensor()) spec.benchmarks.push_back(run.toTensor());
    spec.benchmark_label = benchmark_label;
    check.result = compare_output(ref, cand ? &*cand : nullptr, base ? &*base : nullptr, spec);
    check.result.name = check.name;
    if (check.kind == "loss" && candidate) judge_loss_by_its_scale(*reference, *candidate, tensor(layer, "scale"), check.result);
    if (check.result.verdict == Status::Fail) {
      if (check.kind == "grad" && model.first_grad_divergence.empty()) model.first_grad_divergence = check.name;
      if (check.kind != "grad" && model.first_divergence.empty()) model.first_divergence = check.name;
    }
    if (severity_rank(check.result.verdict) > severity_rank(model.status)) model.status = check.result.verdict;
    model.layers.push_back(std::move(check));
  }
  if (!model.first_divergence.empty())
    model.reason = "first diverging layer: " + model.first_divergence;
  else if (!model.first_grad_divergence.empty())
    model.reason = "outputs agree; first diverging gradient: " + model.first_grad_divergence;
  else if (model.status == Status::Warn)
    model.reason = "drift within the warn bands or the target precision's benchmark; no layer diverges";
  else
    model.reason = "every layer and gradient agrees";
}

}  // namespace tpu::checker
