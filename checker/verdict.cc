// SPDX-License-Identifier: Apache-2.0
// The rules, in order (the first that applies decides):
//  1. fail: shape, dtype or kind differ; an integral/bool value differs (msprobe binary
//     consistency); nan/inf where the reference has none or the other way round (msprobe
//     error rule).
//  2. pass: every element within the pass band (torch.testing.assert_close), or the candidate
//     is as accurate as the baseline by msprobe's benchmark method: its RMS error and max
//     absolute error are at most the level's multiple of the baseline's (L0 2x/10x, L1 1.5x/5x,
//     L2 1.2x/2x). msprobe uses the max relative error in the second ratio; near zero that is
//     dominated by noise, so the max absolute error stands in for it here.
//  3. fail: cosine similarity below cosine_min (msprobe: <= 0.99 is an error).
//  4. warn: at most warn_fraction of the elements outside the warn band (msprobe dual-1000),
//     or (when a precision benchmark was run) the candidate's RMS and max errors are within the
//     level's multiples of the benchmark's: the drift the target's own precision explains, by
//     msprobe's ratio method with the benchmark standing in for the GPU.
//  5. fail otherwise.
// Then: a candidate that returned a narrower floating dtype than the program got (float16 for
// float32, float32 for float64) computed in less precision than the program asked for; it
// passes at best as a warning, so the narrowing shows up in the report.
#include "checker/verdict.h"

#include "checker/dtype_info.h"

#include <cmath>
#include <limits>
#include <sstream>


namespace tpu::checker {
namespace {

std::string percent(double fraction) {
  std::ostringstream out;
  out.precision(fraction < 0.01 ? 2 : 3);
  out << fraction * 100 << "%";
  return out.str();
}

std::string number(double value) {
  std::ostringstream out;
  out.precision(3);
  out << value;
  return out.str();
}

double ratio(double candidate, double baseline) {
  if (candidate == 0) return baseline == 0 ? 1.0 : 0.0;
  if (baseline == 0) return std::numeric_limits<double>::infinity();
  return candidate / baseline;
}

}  // namespace

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Pass: return "pass";
    case Status::Warn: return "warn";
    case Status::Fail: return "fail";
    case Status::Skipped: return "skipped";
    case Status::Error: return "error";
  }
  return "error";
}

int severity_rank(Status status) {
  switch (status) {
    case Status::Skipped: return 0;
    case Status::Pass: return 1;
    case Status::Warn: return 2;
    case Status::Error: return 3;
    case Status::Fail: return 4;
  }
  return 0;
}

double badness(const OutputCheck& output) {
  if (!output.structural_error.empty() || output.candidate.nonfinite_mismatch)
    return std::numeric_limits<double>::infinity();
  return output.candidate.nrmse;
}

namespace {

void judge_values(OutputCheck& out, const std::string& baseline_label) {
  const Metrics& m = out.candidate;
  const Tolerance& t = out.tolerance;
  auto decide = [&out](Status verdict, std::string reason) {
    out.verdict = verdict;
    out.reason = std::move(reason);
  };
  if (out.baseline && out.structural_error.empty()) {
    out.rmse_ratio = ratio(m.rmse, out.baseline->rmse);
    out.max_abs_ratio = ratio(m.max_abs_err, out.baseline->max_abs_err);
  }
  if (out.benchmark && out.structural_error.empty()) {
    out.benchmark_rmse_ratio = ratio(m.rmse, out.benchmark->rmse);
    out.benchmark_max_abs_ratio = ratio(m.max_abs_err, out.benchmark->max_abs_err);
  }
  if (!out.structural_error.empty()) return decide(Status::Fail, out.structural_error);
  if (out.exact) {
    if (m.exact_mismatch)
      return decide(Status::Fail, std::to_string(m.exact_mismatch) + " of " + std::to_string(m.numel) +
                                      " values differ (" + out.dtype + " is compared exactly)");
    return decide(Status::Pass, "identical");
  }
  if (m.nonfinite_mismatch)
    return decide(Status::Fail, std::to_string(m.nonfinite_mismatch) +
                                    " elements are nan/inf in one result and not in the other");
  if (m.mismatch_pass == 0)
    return decide(Status::Pass, "within rtol " + number(t.rtol) + ", atol " + number(t.atol));
  if (out.rmse_ratio && out.max_abs_ratio) {
    RatioLimit limit = ratio_limit(out.level);
    if (*out.rmse_ratio <= limit.rmse && *out.max_abs_ratio <= limit.max_abs)
      return decide(Status::Pass, "as accurate as " + baseline_label + " (RMS error x" + number(*out.rmse_ratio) +
                                      ", max error x" + number(*out.max_abs_ratio) + ", " +
                                      std::string(to_string(out.level)) + " limits x" + number(limit.rmse) +
                                      "/x" + number(limit.max_abs) + ")");
  }
  if (m.cosine < t.cosine_min)
    return decide(Status::Fail, "cosine similarity " + number(m.cosine) + " < " + number(t.cosine_min));
  std::string beyond = percent(m.mismatch_pass) + " of elements beyond rtol " + number(t.rtol) + ", atol " +
                       number(t.atol);
  if (m.mismatch_warn <= t.warn_fraction)
    return decide(Status::Warn, beyond + "; within the warn band (rtol " + number(t.warn_rtol) + ")");
  if (out.benchmark_rmse_ratio && out.benchmark_max_abs_ratio) {
    RatioLimit limit = ratio_limit(out.level);
    if (*out.benchmark_rmse_ratio <= limit.rmse && *out.benchmark_max_abs_ratio <= limit.max_abs)
      return decide(Status::Warn, beyond + "; drift the target's precision explains: RMS error x" +
                                      number(*out.benchmark_rmse_ratio) + ", max error x" +
                                      number(*out.benchmark_max_abs_ratio) + " of " + out.benchmark_label + " (" +
                                      std::string(to_string(out.level)) + " limits x" + number(limit.rmse) + "/x" +
                                      number(limit.max_abs) + ")");
  }
  return decide(Status::Fail, percent(m.mismatch_warn) + " of elements beyond the warn band (rtol " +
                                  number(t.warn_rtol) + ", atol " + number(t.warn_atol) + ")");
}

// Fewer significant bits than the dtype the program got.
bool narrower(const std::string& candidate, const std::string& expected) {
  std::optional<DTypeInfo> got = dtype_info(candidate), want = dtype_info(expected);
  return got && want && got->floating && want->floating && got->mantissa_bits < want->mantissa_bits;
}

}  // namespace

void judge_output(OutputCheck& out, const std::string& baseline_label) {
  judge_values(out, baseline_label);
  if (out.candidate_dtype.empty() || out.candidate_dtype == out.dtype || !out.structural_error.empty()) return;
  if (narrower(out.candidate_dtype, out.dtype)) {
    if (out.verdict == Status::Pass) out.verdict = Status::Warn;
    out.reason = "computed in " + out.candidate_dtype + " where the program used " + out.dtype + ": " + out.reason;
  } else {
    out.reason += " (the candidate returned " + out.candidate_dtype + ")";
  }
}

void summarize_sample(SampleCheck& sample) {
  if (sample.status == Status::Skipped || sample.status == Status::Error) {
    sample.score = 0;
    return;
  }
  sample.status = Status::Pass;
  sample.score = 0;
  const OutputCheck* worst = nullptr;
  for (const OutputCheck& output : sample.outputs) {
    double score = badness(output);
    bool worse = !worst || severity_rank(output.verdict) > severity_rank(worst->verdict) ||
                 (output.verdict == worst->verdict && score > sample.score);
    if (worse) {
      worst = &output;
      sample.score = score;
    }
  }
  if (!worst) {
    sample.reason = "no outputs to compare";
    return;
  }
  sample.status = worst->verdict;
  sample.reason = sample.outputs.size() > 1 ? worst->name + ": " + worst->reason : worst->reason;
}

}  // namespace tpu::checker
