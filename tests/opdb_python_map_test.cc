// SPDX-License-Identifier: Apache-2.0
// The Python API -> aten op map as the scanner uses it: a fixture file whose calls (torch.X,
// F.X, torch.linalg/fft.X, nn modules, a Tensor method) must come out of tpu::scan() as OpUses
// with the right aten op and the op database's status for that op.

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "analyzer/scan.h"
#include "opdb/opdb.h"

namespace {

struct Expected {
  const char* op;
  const char* status;  // on xla, as checked in tests/opdb_test.cc and opdb/data/status_xla.tsv
  int line;            // where the fixture calls it
};

// tests/opdb_fixtures/python_calls/model.py, line by line.
constexpr Expected kExpected[] = {
    {"aten::convolution", "decomposed", 11},        // nn.Conv2d -> convolution (-> _convolution)
    {"aten::native_layer_norm", "lowered", 12},     // nn.LayerNorm
    {"aten::linear", "decomposed", 13},             // nn.Linear -> addmm, matmul
    {"aten::mm", "lowered", 16},                    // torch.mm
    {"aten::softmax.int", "decomposed", 17},        // F.softmax -> softmax.int -> _softmax
    {"aten::nonzero", "fallback", 18},              // falls back by default (data-dependent shape)
    {"aten::grid_sampler", "fallback", 19},         // F.grid_sample -> grid_sampler_2d, CPU fallback
    {"aten::linalg_qr", "fallback", 20},            // torch.linalg.qr, no XLA lowering in this data
    {"aten::fft_rfft", "fallback", 21},             // torch.fft.rfft -> _fft_r2c, CPU fallback
    {"aten::topk", "lowered", 22},                  // Tensor.topk (a method call)
};

}  // namespace

TEST_CASE("opdb: Python calls in a fixture resolve to aten ops with their statuses") {
  // The embedded tables are what this test checks; a synced user table could change statuses.
  const tpu::opdb::OpDb& embedded = tpu::opdb::OpDb::embedded_only();
  tpu::ScanOptions options;
  options.jobs = 1;
  options.target = "xla";  // the statuses below are PyTorch/XLA's
  tpu::ScanResult result = tpu::scan(TPU_SOURCE_DIR "/tests/opdb_fixtures/python_calls", options);
  CHECK(result.errors.empty());

  std::map<std::string, const tpu::OpUse*> by_name;
  for (const auto& use : result.ops) by_name[use.op] = &use;
  for (const auto& expected : kExpected) {
    const std::string op = expected.op;
    CAPTURE(op);
    auto it = by_name.find(expected.op);
    REQUIRE(it != by_name.end());
    const tpu::OpUse& use = *it->second;
    CHECK(use.status == expected.status);
    CHECK(std::string(tpu::opdb::to_string(embedded.lookup(expected.op, "xla").status)) == expected.status);
    CHECK(use.count == 1);
    REQUIRE(use.locations.size() == 1);
    CHECK(use.locations[0].line == static_cast<uint32_t>(expected.line));
    CHECK_FALSE(use.reason.empty());
  }
  CHECK(result.ops.size() == std::size(kExpected));  // and nothing else (super().__init__, etc.)
}
