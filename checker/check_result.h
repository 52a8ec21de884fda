// SPDX-License-Identifier: Apache-2.0
// What `check` finds: per output, per sampled call, per op and for a whole model. Plain data,
// filled by the replay engine and the verdict rules, read by the JSON and table renderers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/metrics.h"
#include "checker/tolerances.h"

namespace tpu::checker {

/// Worst first when compared: Fail > Error > Warn > Pass > Skipped.
enum class Status { Pass, Warn, Fail, Skipped, Error };
std::string_view to_string(Status status);  ///< "pass", "warn", "fail", "skipped", "error"
int severity_rank(Status status);           ///< higher is worse; sorts reports

/// One output tensor (or scalar) of a call, candidate against the float64 reference.
struct OutputCheck {
  std::string name;  ///< "out[0]", "out[1][2]"
  std::string dtype;
  std::string candidate_dtype;  ///< what the candidate returned, when it differs from `dtype`
  std::vector<int64_t> shape;
  bool exact = false;            ///< integral/bool: compared bit for bit
  std::string structural_error;  ///< shape, dtype or kind differ: fails without metrics
  Metrics candidate;
  std::optional<Metrics> baseline;  ///< the baseline (source output or CPU) vs the reference
  std::optional<double> rmse_ratio, max_abs_ratio;  ///< candidate error / baseline error
  /// The precision benchmark (whole models on a reduced-precision target): the largest RMS and
  /// max errors of runs whose matrix-unit operands carry random noise of the target's rounding
  /// size, against the reference: the drift that precision alone explains.
  std::optional<Metrics> benchmark;
  std::optional<double> benchmark_rmse_ratio, benchmark_max_abs_ratio;  ///< candidate / benchmark
  std::string benchmark_label;  ///< "bfloat16-rounding noise (3 runs)"
  Tolerance tolerance;
  Level level = Level::L0;
  Status verdict = Status::Pass;
  std::string reason;
};

/// One sampled call (a samples/<file>.pt of the trace) replayed.
struct SampleCheck {
  std::string file;  ///< relative to the trace folder
  std::string op, overload;
  std::vector<std::string> dtypes;  ///< input dtypes, from the trace index
  std::string path;                 ///< user source line that ran it
  uint32_t line = 0;
  std::string baseline;  ///< "source (cuda:0)", "cpu float32", or empty when none
  Status status = Status::Pass;
  std::string reason;
  std::vector<OutputCheck> outputs;
  double reference_seconds = 0, candidate_seconds = 0, total_seconds = 0;
  double score = 0;  ///< how badly it fails: sorts within a status (higher is worse)
};

struct Location {
  std::string path;
  uint32_t line = 0;
  uint64_t samples = 0;
  bool operator==(const Location&) const = default;
};

/// Every sample of one op overload, summarised by its worst.
struct OpCheck {
  std::string name;  ///< "aten::add.Tensor"
  std::string op, overload;
  Status status = Status::Pass;
  double score = 0;
  std::vector<std::string> dtypes;  ///< input dtype signatures seen, "float32,float32"
  std::vector<Location> locations;
  std::vector<SampleCheck> samples;  ///< worst first
};

/// A named tensor of a whole-model run: a module's output or a parameter's gradient.
struct LayerCheck {
  std::string name;  ///< "encoder.layers.0.attn" or "encoder.layers.0.attn.q.weight"
  std::string kind;  ///< "output", "grad", "loss"
  OutputCheck result;
};

struct ModelCheck {
  std::string model;   ///< as given: "model.pt" or "pkg.module:build"
  std::string loader;  ///< "torchscript" or "python"
  std::string runner;  ///< where it ran: "cpu via /usr/bin/python3 (torch 1.13.0)"
  std::vector<std::string> inputs;
  Status status = Status::Pass;
  std::string reason;
  std::string first_divergence;       ///< the first module output (forward order) that fails
  std::string first_grad_divergence;  ///< the first gradient (backward order) that fails
  std::vector<LayerCheck> layers;     ///< forward order, then gradients in backward order
  std::vector<std::string> notes;     ///< limits hit: hooks not available, ...
  double seconds = 0;
};

struct CandidateInfo {
  std::string device;     ///< "cpu", "xla", "perturb-test"
  std::string executor;   ///< "libtorch", "python-worker", "emulate-tpu", "perturb-test"
  std::string precision;  ///< "default", "high", "highest"
  std::string description;  ///< "xla:0 via /usr/bin/python3 (torch 2.4.0, torch_xla 2.4.0)"
};

struct CheckSummary {
  uint64_t ops = 0, samples = 0;
  uint64_t pass = 0, warn = 0, fail = 0, skipped = 0, error = 0;  ///< counted per op
  double seconds = 0;
  double replay_seconds_per_sample = 0;
};

struct CheckReport {
  std::string trace;  ///< the folder given
  std::string source_device;  ///< what the trace ran on: "cuda:0", "cpu (cuda-as-cpu)"
  std::string project_root;   ///< paths below are relative to it when inside
  CandidateInfo candidate;
  /// With --emulate tpu: the TPU target whose precision defaults the emulation follows
  /// ("torchtpu" or "xla") and its setting in that target's words (precision_defaults.h).
  /// Empty for the other executors.
  std::string emulated_target, precision_defaults;
  std::string config;  ///< the configuration file used, empty when none
  CheckSummary summary;
  std::vector<OpCheck> ops;  ///< worst first
  std::optional<ModelCheck> model;
  std::vector<std::string> errors;  ///< problems that did not stop the run
};

}  // namespace tpu::checker
