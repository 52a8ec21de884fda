// SPDX-License-Identifier: Apache-2.0
// Grouping samples into ops, the sort order, the JSON contract and the terminal table.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "checker/check_json.h"
#include "checker/check_table.h"
#include "checker/run_check.h"
#include "checker/verdict.h"

using namespace tpu::checker;

namespace {

SampleCheck sample(const std::string& op, const std::string& overload, Status status, double score, uint32_t line) {
  SampleCheck s;
  s.file = "samples/p1-" + std::to_string(line) + ".pt";
  s.op = op;
  s.overload = overload;
  s.dtypes = {"float32", "float32"};
  s.path = "model.py";
  s.line = line;
  s.status = status;
  s.score = score;
  s.reason = std::string(to_string(status));
  s.total_seconds = 0.01;
  OutputCheck out;
  out.name = "out[0]";
  out.dtype = "float32";
  out.shape = {2, 2};
  out.verdict = status;
  out.rmse_ratio = std::numeric_limits<double>::infinity();
  out.max_abs_ratio = 3;
  out.candidate.cosine = 0.5;
  s.outputs.push_back(out);
  return s;
}

CheckReport report_of(std::vector<SampleCheck> samples) {
  CheckReport report;
  report.trace = "tpu-trace";
  report.candidate = {"cpu", "emulate-tpu", "default", "TPU arithmetic emulated"};
  finish_report(report, std::move(samples));
  return report;
}

}  // namespace

TEST_CASE("finish_report: one entry per op overload, worst first") {
  CheckReport report = report_of({
      sample("aten::add", "Tensor", Status::Pass, 0, 1),
      sample("aten::mm", "default", Status::Warn, 0.01, 2),
      sample("aten::mm", "default", Status::Fail, 0.2, 3),
      sample("aten::bmm", "default", Status::Fail, 0.5, 4),
      sample("aten::empty", "memory_format", Status::Skipped, 0, 5),
      sample("aten::mm", "default", Status::Warn, 0.01, 2),
  });
  REQUIRE(report.ops.size() == 4);
  CHECK(report.ops[0].name == "aten::bmm");  // both fail; the higher score first
  CHECK(report.ops[1].name == "aten::mm");
  CHECK(report.ops[1].status == Status::Fail);
  CHECK(report.ops[1].samples.front().status == Status::Fail);
  REQUIRE(report.ops[1].locations.size() == 2);
  CHECK(report.ops[1].locations[0].line == 2);
  CHECK(report.ops[1].locations[0].samples == 2);
  CHECK(report.ops[2].name == "aten::add.Tensor");
  CHECK(report.ops[3].name == "aten::empty.memory_format");
  CHECK(report.summary.fail == 2);
  CHECK(report.summary.pass == 1);
  CHECK(report.summary.skipped == 1);
  CHECK(report.summary.samples == 6);
  CHECK(overall_verdict(report) == "fail");
}

TEST_CASE("check_json: the schema, infinities as null, samples under their op") {
  CheckReport report = report_of({sample("aten::mm", "default", Status::Fail, 0.2, 3)});
  auto json = nlohmann::json::parse(check_json(report, "9.9.9"));
  CHECK(json["schema"] == "tpu-migrate/check@1");
  CHECK(json["tool"]["version"] == "9.9.9");
  CHECK(json["summary"]["verdict"] == "fail");
  CHECK(json["candidate"]["executor"] == "emulate-tpu");
  const auto& op = json["ops"][0];
  CHECK(op["name"] == "aten::mm");
  CHECK(op["locations"][0]["path"] == "model.py");
  const auto& out = op["samples"][0]["outputs"][0];
  CHECK(out["ratio"]["rmse"].is_null());
  CHECK(out["ratio"]["max_abs"] == 3);
  CHECK(out["metrics"]["cosine"] == 0.5);
  CHECK(out["tolerance"].contains("warn_rtol"));
  CHECK(out["benchmark"].is_null());
  CHECK(json["model"].is_null());
}

TEST_CASE("check_json: a model layer's precision benchmark and its ratios") {
  CheckReport report = report_of({});
  ModelCheck model;
  LayerCheck layer;
  layer.name = "0.weight";
  layer.kind = "grad";
  layer.result.benchmark = Metrics{};
  layer.result.benchmark->rmse = 0.5;
  layer.result.benchmark->max_abs_err = 2;
  layer.result.benchmark_rmse_ratio = 1.5;
  layer.result.benchmark_max_abs_ratio = std::numeric_limits<double>::infinity();
  layer.result.benchmark_label = "noise runs";
  model.layers.push_back(layer);
  report.model = model;
  auto json = nlohmann::json::parse(check_json(report, "9.9.9"));
  const auto& benchmark = json["model"]["layers"][0]["benchmark"];
  CHECK(benchmark["what"] == "noise runs");
  CHECK(benchmark["rmse"] == 0.5);
  CHECK(benchmark["ratio"]["rmse"] == 1.5);
  CHECK(benchmark["ratio"]["max_abs"].is_null());
}

TEST_CASE("check_table: failing ops listed, passing ones counted") {
  CheckReport report = report_of({sample("aten::mm", "default", Status::Fail, 0.2, 3),
                                  sample("aten::add", "Tensor", Status::Pass, 0, 1)});
  std::string text = check_table(report, {});
  CHECK(text.find("fail    aten::mm") != std::string::npos);
  CHECK(text.find("model.py:3") != std::string::npos);
  CHECK(text.find("aten::add.Tensor") == std::string::npos);
  CHECK(text.find("1 passing and 0 skipped ops not listed") != std::string::npos);
  CHECK(text.find("verdict: fail") != std::string::npos);
  TableOptions all;
  all.all = true;
  CHECK(check_table(report, all).find("aten::add.Tensor") != std::string::npos);
}

TEST_CASE("display_path: relative inside the project, untouched outside") {
  CHECK(display_path("/p/proj/model.py", "/p/proj") == "model.py");
  CHECK(display_path("/usr/lib/python3/x.py", "/p/proj") == "/usr/lib/python3/x.py");
  CHECK(display_path("model.py", "") == "model.py");
}
