// SPDX-License-Identifier: Apache-2.0
// Constant tracking: CUDA device strings reaching .to(), torch.device() and device=.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_support.h"

using tpu::testing::findings_of;
using tpu::testing::rules_of;

namespace {

bool has(const std::vector<std::string>& findings, const std::string& line_col_rule) {
  return std::find(findings.begin(), findings.end(), line_col_rule) != findings.end();
}

}  // namespace

TEST_CASE("device values: a module constant reaching .to()") {
  auto found = findings_of("device = \"cuda\"\nx = t.to(device)\n");
  CHECK(has(found, "1:10 TPU102"));
  CHECK(has(found, "2:10 TPU103"));
}

TEST_CASE("device values: f-strings and torch.device") {
  auto found = findings_of("import torch\nDEVICE = torch.device(f\"cuda:{rank}\")\nm.to(DEVICE)\n");
  CHECK(has(found, "2:10 TPU102"));
  CHECK(has(found, "3:6 TPU103"));
}

TEST_CASE("device values: argparse default reaching args.device") {
  std::string code =
      "import argparse, torch\n"
      "p = argparse.ArgumentParser()\n"
      "p.add_argument('--device', default='cuda')\n"
      "args = p.parse_args()\n"
      "x = torch.zeros(3, device=args.device)\n"
      "d = torch.device(args.device)\n";
  auto found = findings_of(code);
  CHECK(has(found, "3:36 TPU102"));
  CHECK(has(found, "5:27 TPU103"));
  CHECK(has(found, "6:18 TPU103"));
}

TEST_CASE("device values: dict and config defaults, .get(), environment defaults") {
  std::string code =
      "import os\n"
      "CONFIG = {'device': 'cuda:0', 'lr': 1e-3}\n"
      "def run(m):\n"
      "  m.to(CONFIG['device'])\n"
      "  m.to(CONFIG.get('device'))\n"
      "  dev = os.environ.get('DEVICE', 'cuda')\n"
      "  m.to(dev)\n";
  auto found = findings_of(code);
  CHECK(has(found, "4:8 TPU103"));
  CHECK(has(found, "5:8 TPU103"));
  CHECK(has(found, "7:8 TPU103"));
}

TEST_CASE("device values: conditional choice and parameter defaults") {
  std::string code =
      "import torch\n"
      "def train(model, device='cuda'):\n"
      "  model.to(device)\n"
      "dev = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
      "model.to(dev)\n";
  auto found = findings_of(code);
  CHECK(has(found, "3:12 TPU103"));
  CHECK(has(found, "4:7 TPU102"));
  CHECK(has(found, "5:10 TPU103"));
}

TEST_CASE("device values: reassignment before use wins; cpu is not flagged") {
  CHECK(rules_of("device = 'cuda'\ndevice = 'cpu'\nx.to(device)\n") ==
        std::vector<std::string>{"TPU102"});
  CHECK(rules_of("device = 'cpu'\nx.to(device)\ny = torch.zeros(2, device=device)\n").empty());
}
