// SPDX-License-Identifier: Apache-2.0
// `scan --trace`: a trace folded into a real scan result.
#include <algorithm>

#include <doctest/doctest.h>

#include "analyzer/trace_rules.h"
#include "tests/test_support.h"
#include "trace/trace_hazards.h"
#include "trace/trace_merge.h"

using namespace tpu;
using namespace tpu::runtime;

namespace {

constexpr const char* kTrain =
    "import torch\n"                        // 1
    "\n"                                    // 2
    "def train(model, loader):\n"           // 3
    "    for x in loader:\n"                // 4
    "        loss = model(x)\n"             // 5
    "        print(loss.item())\n"          // 6
    "        y = torch.histc(x)\n"          // 7
    "        idx = helper(x)\n";            // 8

TracedOp op(const std::string& name, const std::string& path, uint32_t line, uint64_t count) {
  TracedOp traced{name, name, "default", count, {}, {}};
  traced.sites.push_back(OpSite{path, line, count, 1, 1, 0, false, {{"float32"}}, {"float32"}, 0});
  return traced;
}

const Finding* finding(const ScanResult& result, const std::string& rule, uint32_t line) {
  for (const Finding& f : result.findings)
    if (f.rule == rule && f.location.line == line) return &f;
  return nullptr;
}

size_t count_rule(const ScanResult& result, const std::string& rule) {
  return static_cast<size_t>(std::count_if(result.findings.begin(), result.findings.end(),
                                           [&](const Finding& f) { return f.rule == rule; }));
}

// PyTorch/XLA: the merges below are checked against its CPU-fallback findings (TPU900).
ScanResult scan_one_job(const testing::TempDir& dir) {
  ScanOptions options;
  options.jobs = 1;
  options.target = "xla";
  return scan(dir.path(), options);
}

}  // namespace

TEST_CASE("trace rules have full metadata and stable codes") {
  std::span<const RuleMeta> rules = trace_rules();
  REQUIRE(rules.size() == 6);
  for (const RuleMeta& rule : rules) {
    CAPTURE(rule.code);
    CHECK(rule.code.starts_with("TPU65"));
    CHECK(!rule.name.empty());
    CHECK(!rule.summary.empty());
    CHECK(!rule.rationale.empty());
    CHECK(!rule.tpu_way.empty());
    CHECK(!rule.before.empty());
    CHECK(!rule.after.empty());
  }
  CHECK(rule_for(HazardKind::HostSync).code == "TPU650");
  CHECK(rule_for(HazardKind::HostCopy).code == "TPU651");
  CHECK(rule_for(HazardKind::DynamicShape).code == "TPU652");
  CHECK(rule_for(HazardKind::Float64).code == "TPU653");
  CHECK(rule_for(HazardKind::ShapeChurn).code == "TPU654");
  CHECK(rule_for(HazardKind::CudaOnly).code == "TPU655");
  CHECK(parse_hazard_kind("cuda-only") == HazardKind::CudaOnly);
}

TEST_CASE("a trace adds exact op counts, runtime findings and confirms static ones") {
  testing::TempDir dir;
  std::string train = dir.write("train.py", kTrain).string();
  ScanResult result = scan_one_job(dir);
  // `.item()` in the loop is a static dynamic-shape finding before any trace.
  REQUIRE(finding(result, "TPU600", 6) != nullptr);

  TraceData trace;
  trace.ops.push_back(op("aten::addmm", train, 5, 40));
  trace.ops.push_back(op("aten::histc", train, 7, 4));
  trace.ops.push_back(op("aten::grid_sampler_2d", train, 8, 2));
  trace.ops.push_back(op("aten::grid_sampler_2d", "/elsewhere/lib.py", 3, 1));
  trace.hazards.push_back(Hazard{HazardKind::HostSync, "aten::_local_scalar_dense", train, 6, 10, "reads a value"});
  trace.hazards.push_back(Hazard{HazardKind::ShapeChurn, "aten::addmm", train, 5, 40, "ran with 5 shapes"});
  trace.errors.push_back("process 9: something odd");
  merge_trace(result, trace, {.target = "xla", .root = dir.path()});

  auto addmm = std::find_if(result.ops.begin(), result.ops.end(), [](const OpUse& u) { return u.op == "aten::addmm"; });
  REQUIRE(addmm != result.ops.end());
  CHECK(addmm->count == 40);
  CHECK(std::find(addmm->sources.begin(), addmm->sources.end(), "trace") != addmm->sources.end());
  REQUIRE(addmm->locations.size() == 1);
  CHECK(addmm->locations[0].path == "train.py");
  CHECK(addmm->locations[0].column == 9);  // first non-blank character of the line

  // histc has a static TPU900 at line 7 already: confirmed, not repeated.
  CHECK(count_rule(result, "TPU900") >= 1);
  const Finding* histc = finding(result, "TPU900", 7);
  REQUIRE(histc != nullptr);
  CHECK(histc->message.find("(trace: ran 4 times)") != std::string::npos);
  // grid_sampler at line 8 is only in the trace: a new TPU900 there; the call outside the root is dropped.
  const Finding* grid = finding(result, "TPU900", 8);
  REQUIRE(grid != nullptr);
  CHECK(grid->message.find("ran 2 times here (trace)") != std::string::npos);

  CHECK(finding(result, "TPU654", 5) != nullptr);
  // The host sync at line 6 confirms the static `.item()` finding instead of repeating it.
  CHECK(finding(result, "TPU650", 6) == nullptr);
  CHECK(finding(result, "TPU600", 6)->message.find("(trace: ran 10 times)") != std::string::npos);
  CHECK(std::is_sorted(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.path, a.location.line, a.location.column, a.rule) <
           std::tie(b.location.path, b.location.line, b.location.column, b.rule);
  }));
  REQUIRE(!result.errors.empty());
  CHECK(result.errors.back().path == "trace");
}

TEST_CASE("a second trace adds its calls to the first's") {
  testing::TempDir dir;
  std::string train = dir.write("train.py", kTrain).string();
  ScanResult result = scan_one_job(dir);
  TraceData trace;
  trace.ops.push_back(op("aten::addmm", train, 5, 40));
  merge_trace(result, trace, {.target = "xla", .root = dir.path()});
  merge_trace(result, trace, {.target = "xla", .root = dir.path()});
  auto addmm = std::find_if(result.ops.begin(), result.ops.end(), [](const OpUse& u) { return u.op == "aten::addmm"; });
  REQUIRE(addmm != result.ops.end());
  CHECK(addmm->count == 80);
  CHECK(std::count(addmm->sources.begin(), addmm->sources.end(), "trace") == 1);
  CHECK(addmm->locations.size() == 1);
}

TEST_CASE("an attention kernel the CPU run picked is judged as the attention the program called") {
  testing::TempDir dir;
  std::string train = dir.write("train.py", kTrain).string();
  ScanResult result = scan_one_job(dir);
  TraceData trace;
  trace.ops.push_back(op("aten::_scaled_dot_product_flash_attention_for_cpu", train, 5, 6));
  trace.ops.push_back(op("aten::_scaled_dot_product_flash_attention_for_cpu_backward", train, 5, 6));
  merge_trace(result, trace, {.target = "xla", .root = dir.path()});
  // On XLA the composite takes its math path: no CPU fallback, no TPU900 for the CPU kernel.
  CHECK(finding(result, "TPU900", 5) == nullptr);
  auto used = [&](std::string_view name) {
    return std::find_if(result.ops.begin(), result.ops.end(), [&](const OpUse& u) { return u.op == name; });
  };
  REQUIRE(used("aten::scaled_dot_product_attention") != result.ops.end());
  CHECK(used("aten::scaled_dot_product_attention")->count == 12);
  CHECK(used("aten::scaled_dot_product_attention")->status == "decomposed");
  CHECK(used("aten::_scaled_dot_product_flash_attention_for_cpu") == result.ops.end());
}

TEST_CASE("on the default target an op with no TorchTPU kernel is a blocker where it ran") {
  testing::TempDir dir;
  std::string train = dir.write("train.py", "import torch\n\ndef f(a, b):\n    return torch.logaddexp(a, b)\n").string();
  ScanResult result;  // the trace alone
  TraceData trace;
  trace.ops.push_back(op("aten::logaddexp", train, 4, 3));
  merge_trace(result, trace, {.root = dir.path()});
  CHECK(count_rule(result, "TPU900") == 0);
  const Finding* logaddexp = finding(result, "TPU901", 4);
  REQUIRE(logaddexp != nullptr);
  // TorchTPU's answer first, PyTorch/XLA's beside it where it differs.
  CHECK(logaddexp->message.find("ran 3 times here (trace), which cannot run on TorchTPU: no TorchTPU kernel") !=
        std::string::npos);
  CHECK(logaddexp->message.find("(PyTorch/XLA runs it on the CPU instead") != std::string::npos);
}

TEST_CASE("an unreadable trace only adds errors") {
  testing::TempDir dir;
  ScanResult result;
  merge_trace(result, load_trace(dir.path() / "missing"), {.root = dir.path()});
  CHECK(result.ops.empty());
  CHECK(result.findings.empty());
  CHECK(result.errors.size() == 1);
}
