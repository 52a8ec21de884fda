// SPDX-License-Identifier: Apache-2.0
// The trace index and the part merge: round trips, malformed input as data, bucketing,
// cross-process unions and the hazards read off a merged trace.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include "trace/trace_data.h"
#include "trace/trace_hazards.h"
#include "trace/trace_parts.h"

using namespace tpu::runtime;

namespace {

// A part as the Python hook writes it (hook/tpu_migrate_trace/part.py).
std::string part(int pid, const std::string& role, const std::string& sites, const std::string& extra = "") {
  return R"({"schema":"tpu-migrate/trace-part@1","pid":)" + std::to_string(pid) +
         R"(,"ppid":1,"role":")" + role + R"(","rank":null,"torch":"1.13.1","backend":"python-dispatch",)"
         R"("complete":true,"ops_total":10,"steps":3,"limit_reached":false,"sites":[)" + sites +
         R"(],"events":[)" + extra + R"(],"samples":[],"errors":[]})";
}

std::string site(const std::string& op, const std::string& overload, int line, const std::string& calls,
                 int late_shapes = 0) {
  return R"({"op":")" + op + R"(","overload":")" + overload + R"(","path":"/p/train.py","line":)" +
         std::to_string(line) + R"(,"steps":2,"late_shapes":)" + std::to_string(late_shapes) +
         R"(,"shape_overflow":false,"calls":[)" + calls + "]}";
}

std::string call(const std::string& dtypes, const std::string& shapes, int count,
                 const std::string& out = R"(["float32"])", const std::string& device = "cpu") {
  return R"({"dtypes":)" + dtypes + R"(,"shapes":)" + shapes + R"(,"out_dtypes":)" + out +
         R"(,"device":")" + device + R"(","count":)" + std::to_string(count) + "}";
}

const Hazard* hazard_of(const TraceData& trace, HazardKind kind, uint32_t line) {
  for (const Hazard& h : trace.hazards)
    if (h.kind == kind && h.line == line) return &h;
  return nullptr;
}

}  // namespace

TEST_CASE("shape buckets round each dimension up to a power of two") {
  CHECK(shape_bucket(0) == 0);
  CHECK(shape_bucket(1) == 1);
  CHECK(shape_bucket(3) == 4);
  CHECK(shape_bucket(64) == 64);
  CHECK(shape_bucket(65) == 128);
}

TEST_CASE("op names keep the overload except the default one") {
  CHECK(op_overload_name("aten::addmm", "default") == "aten::addmm");
  CHECK(op_overload_name("aten::add", "Tensor") == "aten::add.Tensor");
}

TEST_CASE("a malformed or missing index is an error, not an exception") {
  CHECK(parse_index("{not json").errors.size() == 1);
  CHECK(parse_index(R"({"schema":"other@9"})").errors.size() == 1);
  tpu::testing::TempDir dir;
  TraceData missing = load_trace(dir.path());
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].find("index.json") != std::string::npos);
  // Wrong types inside a valid index are skipped field by field.
  TraceData odd = parse_index(R"({"schema":"tpu-migrate/trace@1","ops":[{"name":3,"count":"x"}],"hazards":[{"kind":"new-kind"}]})");
  CHECK(odd.errors.empty());
  REQUIRE(odd.ops.size() == 1);
  CHECK(odd.ops[0].count == 0);
  CHECK(odd.hazards.empty());
}

TEST_CASE("parts merge into one index that round-trips") {
  tpu::testing::TempDir dir;
  // Process 100 (main) and 101 (a DataLoader worker) ran addmm at the same line with different
  // shapes; the worker also ran nonzero and a float64 op.
  dir.write("parts/p100.json",
            part(100, "main", site("aten::addmm", "default", 12,
                                   call(R"(["float32","float32","float32"])", "[[64],[32,64],[64,64]]", 5) + "," +
                                       call(R"(["float32","float32","float32"])", "[[64],[33,64],[64,64]]", 1),
                                   2)));
  dir.write("parts/p101.json",
            part(101, "fork",
                 site("aten::addmm", "default", 12,
                      call(R"(["float32","float32","float32"])", "[[64],[31,64],[64,64]]", 2)) + "," +
                     site("aten::nonzero", "default", 20, call(R"(["bool"])", "[[8]]", 3, R"(["int64"])")) + "," +
                     site("aten::mul", "Tensor", 21, call(R"(["float64","float64"])", "[[4],[4]]", 1, R"(["float64"])")) +
                     "," + site("profiler::_record_function_enter", "default", 22, call("[]", "[]", 1, "[]"))));
  dir.write("parts/p102.json.tmp", "{partial");
  TraceData trace = merge_parts(dir.path(), RunFacts{{"python", "train.py"}, "/p", true, 0, "", 1.5, 100});
  CHECK(trace.errors.empty());
  CHECK(trace.torch_version == "1.13.1");
  CHECK(trace.total_calls == 20);
  REQUIRE(trace.processes.size() == 2);
  CHECK(trace.processes[0].role == "main");
  CHECK(trace.processes[1].role == "fork");
  REQUIRE(trace.ops.size() == 3);  // profiler:: bookkeeping dropped
  const TracedOp& addmm = trace.ops[0];
  CHECK(addmm.name == "aten::addmm");
  CHECK(addmm.count == 8);
  REQUIRE(addmm.sites.size() == 1);
  CHECK(addmm.sites[0].distinct_shapes == 3);
  // 32, 33 and 31 rows bucket to 32, 64 and 32.
  REQUIRE(addmm.signatures.size() == 2);
  CHECK(addmm.signatures[0].count == 7);
  CHECK(addmm.signatures[0].shapes[1] == std::vector<int64_t>{32, 64});

  CHECK(addmm.sites[0].late_shapes == 2);
  CHECK(hazard_of(trace, HazardKind::ShapeChurn, 12) != nullptr);
  // Many shapes at a line, all in its first step (a loop over parameters): no churn.
  CHECK(hazard_of(trace, HazardKind::ShapeChurn, 20) == nullptr);
  const Hazard* dynamic = hazard_of(trace, HazardKind::DynamicShape, 20);
  REQUIRE(dynamic != nullptr);
  CHECK(dynamic->op == "aten::nonzero");
  CHECK(dynamic->count == 3);
  CHECK(hazard_of(trace, HazardKind::Float64, 21) != nullptr);

  REQUIRE(!write_index(dir.path(), trace));
  TraceData back = load_trace(dir.path());
  CHECK(back.errors.empty());
  CHECK(back.ops.size() == trace.ops.size());
  CHECK(back.hazards.size() == trace.hazards.size());
  CHECK(back.exit_code == 0);
  CHECK(back.cuda_as_cpu);
  CHECK(index_json(back) == index_json(trace));
}

TEST_CASE("host syncs, host copies and boolean masks are hazards at their lines") {
  tpu::testing::TempDir dir;
  dir.write("parts/p7.json",
            part(7, "main",
                 site("aten::_local_scalar_dense", "default", 30, call(R"(["float32"])", "[[]]", 4, "[]")) + "," +
                     site("aten::index", "Tensor", 31, call(R"(["float32","bool"])", "[[8],[8]]", 2)) + "," +
                     site("aten::_to_copy", "default", 32,
                          R"({"dtypes":["float32"],"shapes":[[8]],"out_dtypes":["float32"],"device":"cuda:0","out_device":"cpu","count":6})"),
                 // `x.cpu().numpy()`: two host copies recorded on one line; they add up.
                 R"({"kind":"host-copy","what":"Tensor.numpy","path":"/p/train.py","line":33,"count":2},)"
                 R"({"kind":"host-copy","what":"Tensor.cpu","path":"/p/train.py","line":33,"count":3})"));
  TraceData trace = merge_parts(dir.path(), RunFacts{});
  const Hazard* sync = hazard_of(trace, HazardKind::HostSync, 30);
  REQUIRE(sync != nullptr);
  CHECK(sync->count == 4);
  CHECK(hazard_of(trace, HazardKind::DynamicShape, 31) != nullptr);
  const Hazard* copy = hazard_of(trace, HazardKind::HostCopy, 32);
  REQUIRE(copy != nullptr);
  CHECK(copy->count == 6);
  const Hazard* event = hazard_of(trace, HazardKind::HostCopy, 33);
  REQUIRE(event != nullptr);
  CHECK(event->count == 5);
  CHECK(event->op == "Tensor.cpu");  // the op with the most copies names the group
  CHECK(event->detail.find("Tensor.numpy") != std::string::npos);
}

TEST_CASE("a folder with no parts merges into an empty trace that says why") {
  tpu::testing::TempDir dir;
  TraceData trace = merge_parts(dir.path(), RunFacts{});
  CHECK(trace.ops.empty());
  REQUIRE(trace.errors.size() == 1);
  dir.write("parts/p1.json", "[]");
  CHECK(merge_parts(dir.path(), RunFacts{}).errors.size() == 1);
}
