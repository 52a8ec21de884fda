// SPDX-License-Identifier: Apache-2.0
// checker metrics, ULP spacing, tolerances and the verdict rules, on numbers chosen by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "checker/dtype_info.h"
#include "checker/metrics.h"
#include "checker/tolerances.h"
#include "checker/verdict.h"

using namespace tpu::checker;

namespace {

DTypeInfo dtype(const char* name) { return *dtype_info(name); }

OutputCheck output(const std::vector<double>& ref, const std::vector<double>& cand, const char* type = "float32") {
  OutputCheck out;
  out.name = "out[0]";
  out.dtype = type;
  out.tolerance = default_tolerance(type);
  out.candidate = compare_floating(ref, cand, dtype(type), out.tolerance);
  return out;
}

}  // namespace

TEST_CASE("ulp_at: the spacing of each dtype at 1.0, and below the smallest normal") {
  CHECK(ulp_at(1.0, dtype("float32")) == std::ldexp(1.0, -23));
  CHECK(ulp_at(1.0, dtype("bfloat16")) == std::ldexp(1.0, -7));
  CHECK(ulp_at(1.0, dtype("float16")) == std::ldexp(1.0, -10));
  CHECK(ulp_at(-3.0, dtype("float32")) == std::ldexp(1.0, -22));
  CHECK(ulp_at(0.0, dtype("float32")) == std::ldexp(1.0, -149));  // float32's subnormal spacing
  CHECK(ulp_at(1e-6, dtype("float16")) == std::ldexp(1.0, -24));
  CHECK_FALSE(dtype_info("int64")->floating);
  CHECK_FALSE(dtype_info("float8").has_value());
}

TEST_CASE("compare_floating: errors, cosine, ULPs and the two bands") {
  const DTypeInfo f32 = dtype("float32");
  Tolerance t = default_tolerance("float32");
  std::vector<double> ref = {1.0, 2.0, -4.0, 0.5};
  Metrics same = compare_floating(ref, ref, f32, t);
  CHECK(same.max_abs_err == 0);
  CHECK(same.cosine == doctest::Approx(1.0));
  CHECK(same.mismatch_pass == 0);

  std::vector<double> cand = {1.0 + std::ldexp(1.0, -23), 2.0, -4.0, 0.5};  // 1 ULP off at 1.0
  Metrics one_ulp = compare_floating(ref, cand, f32, t);
  CHECK(one_ulp.max_ulp == doctest::Approx(1.0));
  CHECK(one_ulp.mean_ulp == doctest::Approx(0.25));
  CHECK(one_ulp.max_rel_err == doctest::Approx(std::ldexp(1.0, -23)));
  CHECK(one_ulp.worst_index == 0);
  CHECK(one_ulp.mismatch_pass == 0);

  std::vector<double> off = {1.01, 2.0, -4.0, 0.5};  // 1% off: beyond float32, inside bfloat16's band
  Metrics drift = compare_floating(ref, off, f32, t);
  CHECK(drift.mismatch_pass == doctest::Approx(0.25));
  CHECK(drift.mismatch_warn == 0);
  CHECK(drift.max_abs_err == doctest::Approx(0.01));
  CHECK(drift.rmse == doctest::Approx(0.005));

  std::vector<double> flipped = {-1.0, -2.0, 4.0, -0.5};
  CHECK(compare_floating(ref, flipped, f32, t).cosine == doctest::Approx(-1.0));
}

TEST_CASE("compare_floating: nan and inf count as mismatches only when they differ") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Tolerance t = default_tolerance("float32");
  Metrics m = compare_floating(std::vector<double>{nan, inf, 1.0, 2.0}, std::vector<double>{nan, inf, inf, 2.0},
                               dtype("float32"), t);
  CHECK(m.nonfinite_mismatch == 1);
  CHECK(m.max_abs_err == 0);  // the finite pairs agree
}

TEST_CASE("compare_floating: relative errors skip the small-value region") {
  Tolerance t = default_tolerance("float32");
  Metrics m = compare_floating(std::vector<double>{1e-9, 1.0}, std::vector<double>{2e-9, 1.0}, dtype("float32"), t);
  CHECK(m.max_rel_err == 0);  // 1e-9 is below msprobe's 2^-14 bound
  CHECK(m.max_abs_err == doctest::Approx(1e-9));
  CHECK(m.mismatch_pass == 0);  // within atol
}

TEST_CASE("compare_exact: integers and bools are equal or not") {
  Metrics m = compare_exact(std::vector<int64_t>{1, 2, 3, 4}, std::vector<int64_t>{1, 2, 5, 4});
  CHECK(m.exact_mismatch == 1);
  CHECK(m.max_abs_err == 2);
  CHECK(m.worst_index == 2);
  CHECK(m.mismatch_pass == doctest::Approx(0.25));
  CHECK(std::isnan(m.cosine));
}

TEST_CASE("judge_output: the rules in order") {
  SUBCASE("within tolerance passes") {
    OutputCheck o = output({1.0, 2.0}, {1.0, 2.0 + 1e-7});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Pass);
  }
  SUBCASE("bfloat16-level drift warns") {
    OutputCheck o = output({1.0, 2.0, 3.0, 4.0}, {1.004, 2.0, 3.0, 4.0});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Warn);
    CHECK(o.reason.find("warn band") != std::string::npos);
  }
  SUBCASE("beyond the warn band fails") {
    OutputCheck o = output({1.0, 2.0, 3.0, 4.0}, {1.1, 2.0, 3.0, 4.0});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
  }
  SUBCASE("a low cosine fails even inside the band count") {
    OutputCheck o = output({1.0, -1.0}, {-1.0, 1.0});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
    CHECK(o.reason.find("cosine") != std::string::npos);
  }
  SUBCASE("as accurate as the baseline passes (msprobe's ratio method)") {
    OutputCheck o = output({1.0, 2.0, 3.0, 4.0}, {1.01, 2.0, 3.0, 4.0});
    o.baseline = compare_floating(std::vector<double>{1.0, 2.0, 3.0, 4.0}, std::vector<double>{1.009, 2.0, 3.0, 4.0},
                                  dtype("float32"), o.tolerance);
    judge_output(o, "the source device");
    CHECK(o.verdict == Status::Pass);
    CHECK(o.rmse_ratio.value() == doctest::Approx(0.01 / 0.009));
    CHECK(o.reason.find("as accurate as the source device") != std::string::npos);
  }
  SUBCASE("twice as bad as the baseline at level L2 is not enough to pass") {
    OutputCheck o = output({1.0, 2.0, 3.0, 4.0}, {1.01, 2.0, 3.0, 4.0});
    o.level = Level::L2;
    o.baseline = compare_floating(std::vector<double>{1.0, 2.0, 3.0, 4.0}, std::vector<double>{1.005, 2.0, 3.0, 4.0},
                                  dtype("float32"), o.tolerance);
    judge_output(o, "the source device");
    CHECK(o.verdict == Status::Warn);
  }
  SUBCASE("nan where the reference is finite fails") {
    OutputCheck o = output({1.0, 2.0}, {std::numeric_limits<double>::quiet_NaN(), 2.0});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
    CHECK(badness(o) == std::numeric_limits<double>::infinity());
  }
  SUBCASE("a structural difference fails without metrics") {
    OutputCheck o;
    o.structural_error = "shape [2] where the reference has [3]";
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
  }
  SUBCASE("drift the precision benchmark explains warns; drift beyond it fails") {
    // One element in four 0.1 off: beyond the warn band (1.6e-2 of the RMS, 2.7).
    const std::vector<double> ref = {1.0, 2.0, 3.0, 4.0};
    OutputCheck o = output(ref, {1.1, 2.0, 3.0, 4.0});
    OutputCheck same = o;
    o.benchmark = compare_floating(ref, std::vector<double>{1.0, 2.0, 3.0, 4.2}, dtype("float32"), o.tolerance);
    o.benchmark_label = "noise runs";
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Warn);
    CHECK(o.reason.find("precision explains") != std::string::npos);
    CHECK(o.benchmark_rmse_ratio.value() == doctest::Approx(0.5));

    same.benchmark = compare_floating(ref, std::vector<double>{1.0, 2.0, 3.0, 4.001}, dtype("float32"), same.tolerance);
    judge_output(same, "the CPU");  // 100 times the benchmark's error: more than precision explains
    CHECK(same.verdict == Status::Fail);
  }
  SUBCASE("a benchmark does not excuse a low cosine") {
    OutputCheck o = output({1.0, -1.0}, {-1.0, 1.0});
    o.benchmark = o.candidate;
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
  }
  SUBCASE("a candidate in a narrower dtype warns at best") {
    OutputCheck o = output({1.0, 2.0}, {1.0, 2.0});
    o.candidate_dtype = "float16";
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Warn);
    CHECK(o.reason.rfind("computed in float16 where the program used float32", 0) == 0);

    OutputCheck wider = output({1.0, 2.0}, {1.0, 2.0}, "bfloat16");
    wider.candidate_dtype = "float32";
    judge_output(wider, "the CPU");
    CHECK(wider.verdict == Status::Pass);
    CHECK(wider.reason.find("(the candidate returned float32)") != std::string::npos);
  }
  SUBCASE("exact outputs: one differing index fails") {
    OutputCheck o;
    o.exact = true;
    o.dtype = "int64";
    o.candidate = compare_exact(std::vector<int64_t>{0, 1}, std::vector<int64_t>{0, 2});
    judge_output(o, "the CPU");
    CHECK(o.verdict == Status::Fail);
  }
}

TEST_CASE("summarize_sample: the worst output decides") {
  SampleCheck sample;
  OutputCheck good = output({1.0}, {1.0});
  judge_output(good, "x");
  OutputCheck bad = output({1.0, 2.0}, {1.5, 2.0});
  bad.name = "out[1]";
  judge_output(bad, "x");
  sample.outputs = {good, bad};
  summarize_sample(sample);
  CHECK(sample.status == Status::Fail);
  CHECK(sample.reason.rfind("out[1]: ", 0) == 0);
  CHECK(sample.score > 0);
}

TEST_CASE("tolerances: defaults per dtype and layered overrides") {
  CHECK(default_tolerance("float32").rtol == doctest::Approx(1.3e-6));
  CHECK(default_tolerance("bfloat16").rtol == doctest::Approx(1.6e-2));
  CHECK(default_tolerance("float16").rtol == doctest::Approx(1e-3));
  CHECK(default_tolerance("float32").warn_rtol == doctest::Approx(1.6e-2));
  CHECK(default_tolerance("float64").warn_rtol == doctest::Approx(1.3e-6));
  CHECK(default_level("aten::addmm") == Level::L2);
  CHECK(default_level("aten::embedding") == Level::L1);
  CHECK(default_level("aten::relu") == Level::L0);

  ToleranceTable table = ToleranceTable::defaults();
  table.global.cosine_min = 0.95;
  table.dtypes["float32"].atol = 1e-4;
  table.ops["aten::add"].all_dtypes.rtol = 1e-3;
  table.ops["aten::add.Tensor"].by_dtype["float32"].rtol = 2e-3;
  table.ops["aten::add.Tensor"].level = Level::L1;
  table.ops["aten::mul"].skip = true;
  table.ops["aten::mul.Scalar"].skip = false;

  Tolerance add_tensor = table.resolve("aten::add", "Tensor", "float32");
  CHECK(add_tensor.rtol == doctest::Approx(2e-3));  // the overload's own dtype patch wins
  CHECK(add_tensor.atol == doctest::Approx(1e-4));  // from the dtype layer
  CHECK(add_tensor.cosine_min == doctest::Approx(0.95));
  CHECK(table.resolve("aten::add", "Scalar", "float32").rtol == doctest::Approx(1e-3));
  CHECK(table.resolve("aten::add", "Scalar", "bfloat16").rtol == doctest::Approx(1e-3));
  CHECK(table.resolve("aten::sub", "Tensor", "bfloat16").rtol == doctest::Approx(1.6e-2));
  CHECK(table.level("aten::add", "Tensor") == Level::L1);
  CHECK(table.level("aten::add", "Scalar") == Level::L0);
  CHECK(table.skipped("aten::mul", "Tensor"));
  CHECK_FALSE(table.skipped("aten::mul", "Scalar"));
  CHECK_FALSE(table.skipped("aten::add", "Tensor"));

  // The target's precision widens the built-in warn band (a float64 matmul at DEFAULT is one
  // bfloat16 pass); it never narrows it, and the configuration still overrides it.
  CHECK(table.resolve("aten::mm", "default", "float64", 1.6e-2).warn_rtol == doctest::Approx(1.6e-2));
  CHECK(table.resolve("aten::mm", "default", "float32", 1e-3).warn_rtol == doctest::Approx(1.6e-2));
  table.ops["aten::mm"].by_dtype["float64"].warn_rtol = 1e-5;
  CHECK(table.resolve("aten::mm", "default", "float64", 1.6e-2).warn_rtol == doctest::Approx(1e-5));
}
