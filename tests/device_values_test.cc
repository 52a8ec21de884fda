// SPDX-License-Identifier: Apache-2.0
// Constant tracking: which expressions evaluate to a CUDA device (DeviceTracker), and where
// the scan reports the choice — where CUDA is chosen, not at each later use of the variable.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include "analyzer/core/source_file.h"
#include "analyzer/python/device_values.h"
#include "analyzer/python/syntax.h"
#include "test_support.h"

using tpu::testing::findings_of;
using tpu::testing::rules_of;

namespace {

bool has(const std::vector<std::string>& findings, const std::string& line_col_rule) {
  return std::find(findings.begin(), findings.end(), line_col_rule) != findings.end();
}

// The CUDA device the outermost call on the last line of `code` receives (its `device=`, else
// its first positional argument), as DeviceTracker evaluates it there; the origin line, or 0
// when it is none.
uint32_t device_origin(const std::string& code) {
  tpu::SourceFile file("t.py", code);
  tpu::python::TreePtr tree = tpu::python::parse_python(file.text());
  tpu::python::ModuleView view(file, ts_tree_root_node(tree.get()), "t");
  tpu::python::DeviceTracker devices(view);
  REQUIRE(!view.calls().empty());
  const tpu::python::Call* last = &view.calls().front();
  for (const tpu::python::Call& call : view.calls()) {
    TSPoint at = ts_node_start_point(call.node), best = ts_node_start_point(last->node);
    if (at.row > best.row || (at.row == best.row && at.column < best.column)) last = &call;
  }
  const tpu::python::Call& call = *last;
  TSNode argument = call.keyword("device");
  if (ts_node_is_null(argument)) argument = call.argument(0, "");
  auto value = devices.evaluate(argument, call.context);
  return value ? value->origin_line : 0;
}

}  // namespace

TEST_CASE("device values: a module constant reaching .to()") {
  CHECK(device_origin("device = \"cuda\"\nx = t.to(device)\n") == 1);
  auto found = findings_of("device = \"cuda\"\nx = t.to(device)\n");
  CHECK(has(found, "1:10 TPU102"));
  CHECK(found.size() == 1);  // the use is not reported: the choice is
}

TEST_CASE("device values: f-strings and torch.device") {
  CHECK(device_origin("import torch\nDEVICE = torch.device(f\"cuda:{rank}\")\nm.to(DEVICE)\n") == 2);
  auto found = findings_of("import torch\nDEVICE = torch.device(f\"cuda:{rank}\")\nm.to(DEVICE)\n");
  CHECK(has(found, "2:10 TPU102"));
}

TEST_CASE("device values: argparse default reaching args.device") {
  std::string code =
      "import argparse, torch\n"
      "p = argparse.ArgumentParser()\n"
      "p.add_argument('--device', default='cuda')\n"
      "args = p.parse_args()\n"
      "x = torch.zeros(3, device=args.device)\n";
  CHECK(device_origin(code) == 3);
  auto found = findings_of(code);
  CHECK(has(found, "3:36 TPU102"));
  CHECK(found.size() == 1);
}

TEST_CASE("device values: dict and config defaults, .get(), environment defaults") {
  CHECK(device_origin("CONFIG = {'device': 'cuda:0', 'lr': 1e-3}\nm.to(CONFIG['device'])\n") == 1);
  CHECK(device_origin("CONFIG = {'device': 'cuda:0'}\nm.to(CONFIG.get('device'))\n") == 1);
  CHECK(device_origin("import os\ndef run(m):\n  dev = os.environ.get('DEVICE', 'cuda')\n  m.to(dev)\n") == 3);
}

TEST_CASE("device values: conditional choice, parameter defaults, device.type") {
  CHECK(device_origin("def train(model, device='cuda'):\n  model.to(device)\n") == 1);
  CHECK(device_origin("import torch\ndev = 'cuda' if torch.cuda.is_available() else 'cpu'\nmodel.to(dev)\n") == 2);
  CHECK(device_origin("import torch\nd = torch.device('cuda')\nwith torch.autocast(d.type):\n  pass\n") == 2);
}

TEST_CASE("device values: reassignment before use wins; cpu is not flagged") {
  CHECK(device_origin("device = 'cuda'\ndevice = 'cpu'\nx.to(device)\n") == 0);
  CHECK(rules_of("device = 'cuda'\ndevice = 'cpu'\nx.to(device)\n") ==
        std::vector<std::string>{"TPU102"});
  CHECK(rules_of("device = 'cpu'\nx.to(device)\ny = torch.zeros(2, device=device)\n").empty());
}
