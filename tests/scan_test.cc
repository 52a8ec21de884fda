// SPDX-License-Identifier: Apache-2.0
// Whole scans: the repository-wide extension rule, determinism across job counts, and
// bad inputs that must become errors while the scan goes on.
#include <doctest/doctest.h>

#include <algorithm>

#include "analyzer/rule_registry.h"
#include "analyzer/scan.h"
#include "test_support.h"

using namespace tpu;

namespace {

std::vector<std::string> summary(const ScanResult& result) {
  std::vector<std::string> lines;
  for (const Finding& finding : result.findings)
    lines.push_back(finding.location.path + ":" + std::to_string(finding.location.line) + ":" +
                    std::to_string(finding.location.column) + " " + finding.rule);
  return lines;
}

bool has_error(const ScanResult& result, const std::string& path, const std::string& words) {
  return std::any_of(result.errors.begin(), result.errors.end(), [&](const InputError& e) {
    return e.path == path && e.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("scan: imports and calls of the repository's CUDA extension are linked") {
  testing::TempDir dir;
  dir.write("setup.py",
            "from torch.utils.cpp_extension import CUDAExtension\n"
            "ext = CUDAExtension('mypkg._C', ['k.cu'])\n");
  dir.write("mypkg/ops.py",
            "from . import _C\nimport fused_other\n\ndef f(x):\n    return _C.fused(x)\n");
  dir.write("mypkg/__init__.py", "");
  ScanResult result = scan(dir.path(), {});
  auto lines = summary(result);
  CHECK(std::count(lines.begin(), lines.end(), "mypkg/ops.py:1:15 TPU403") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "mypkg/ops.py:5:12 TPU403") == 1);
  CHECK(std::none_of(lines.begin(), lines.end(),
                     [](const std::string& l) { return l.starts_with("mypkg/ops.py:2:"); }));
}

// The category a finding at `path:line` has, for the rule `rule`; empty when there is none.
static std::string category_at(const ScanResult& result, const std::string& path, uint32_t line,
                        const std::string& rule) {
  for (const Finding& finding : result.findings)
    if (finding.location.path == path && finding.location.line == line && finding.rule == rule)
      return std::string(to_string(finding.category));
  return {};
}

TEST_CASE("scan: calls of the repository's own helpers are ties, across files and transitively") {
  testing::TempDir dir;
  dir.write("pkg/__init__.py", "from .amp_utils import autocast_ctx\n");
  dir.write("pkg/amp_utils.py",
            "import torch\n"
            "\n"
            "def autocast_ctx():\n"
            "    return torch.autocast(\"cuda\", dtype=torch.float16)\n"
            "\n"
            "def sync_all():\n"
            "    torch.cuda.synchronize()\n"
            "\n"
            "def timed(fn):\n"
            "    sync_all()\n"
            "    return fn()\n"
            "\n"
            "def plain(x):\n"
            "    return x + 1\n");
  dir.write("train.py",
            "from pkg import autocast_ctx\n"
            "from pkg.amp_utils import timed, plain\n"
            "\n"
            "def step(model, x):\n"
            "    with autocast_ctx():\n"
            "        y = model(x)\n"
            "    timed(lambda: y)\n"
            "    return plain(y)\n");
  ScanResult result = scan(dir.path(), {});
  // Through the package's re-export, in the category of what the helper wraps.
  CHECK(category_at(result, "train.py", 5, "TPU150") == "amp");
  // Transitively: timed -> sync_all -> torch.cuda.synchronize.
  CHECK(category_at(result, "train.py", 7, "TPU150") == "cuda-api");
  CHECK(category_at(result, "pkg/amp_utils.py", 10, "TPU150") == "cuda-api");
  // A helper without a tie is no tie.
  CHECK(category_at(result, "train.py", 8, "TPU150").empty());
  ScanOptions one;
  one.jobs = 1;
  CHECK(summary(scan(dir.path(), one)) == summary(result));
}

TEST_CASE("scan: calls of a module-level instance carry its class's tie") {
  testing::TempDir dir;
  dir.write("setup.py",
            "from torch.utils.cpp_extension import CUDAExtension\n"
            "ext = CUDAExtension('amp_C', ['k.cu'])\n");
  dir.write("pkg/__init__.py", "");
  dir.write("pkg/apply/impl.py",
            "class MultiTensorApply:\n"
            "    def __init__(self, chunk):\n"
            "        import amp_C\n"
            "        self.chunk = chunk\n"
            "\n"
            "    def __call__(self, op, *args):\n"
            "        return op(self.chunk, *args)\n"
            "\n"
            "class Plain:\n"
            "    def __call__(self, x):\n"
            "        return x\n");
  dir.write("pkg/apply/__init__.py",
            "from .impl import MultiTensorApply, Plain\n"
            "applier = MultiTensorApply(2048)\n"
            "plain = Plain()\n");
  dir.write("pkg/optim.py",
            "from pkg.apply import applier, plain\n"
            "\n"
            "def step(op, tensors):\n"
            "    applier(op, tensors)\n"
            "    return plain(tensors)\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "pkg/optim.py", 4, "TPU150") == "custom-extension");
  // An instance of a class without a tie is no tie.
  CHECK(category_at(result, "pkg/optim.py", 5, "TPU150").empty());
}

TEST_CASE("scan: objects of the repository's classes carry their methods' ties") {
  testing::TempDir dir;
  dir.write("pkg/__init__.py", "");
  dir.write("pkg/logger.py",
            "import torch\n"
            "\n"
            "class Logger:\n"
            "    def log_memory(self):\n"
            "        return torch.cuda.max_memory_allocated()\n"
            "\n"
            "    def log_text(self, text):\n"
            "        print(text)\n");
  dir.write("pkg/loss.py",
            "import torch\n"
            "import xentropy_cuda_lib\n"
            "\n"
            "class XentropyFn(torch.autograd.Function):\n"
            "    @staticmethod\n"
            "    def forward(ctx, logits, labels):\n"
            "        return xentropy_cuda_lib.forward(logits, labels)\n"
            "\n"
            "class FusedLoss(torch.nn.Module):\n"
            "    def forward(self, logits, labels):\n"
            "        return XentropyFn.apply(logits, labels)\n"
            "\n"
            "class Model(torch.nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.loss = FusedLoss()\n");
  dir.write("train.py",
            "import pkg.logger as logging_utils\n"
            "from pkg.loss import FusedLoss, Model\n"
            "\n"
            "def train(batches):\n"
            "    logger = logging_utils.Logger()\n"
            "    logger.log_memory()\n"
            "    logger.log_text('step')\n"
            "    criterion = FusedLoss()\n"
            "    model = Model()\n"
            "    return criterion, model\n");
  ScanResult result = scan(dir.path(), {});
  // A method call on an instance built from a repository class, in the method's category.
  CHECK(category_at(result, "train.py", 6, "TPU150") == "cuda-api");
  CHECK(category_at(result, "train.py", 7, "TPU150").empty());
  // A small class whose forward runs a tied Function is a kernel wrapper at its constructor;
  // a model that only builds it in __init__ is not.
  CHECK(category_at(result, "train.py", 8, "TPU150") == "third-party-cuda-lib");
  CHECK(category_at(result, "train.py", 9, "TPU150").empty());
}

TEST_CASE("scan: a CUDA-graph capture helper is a tie even when it is long") {
  testing::TempDir dir;
  // Warm-up, capture and replay closure: longer than a plain helper, still one graph capture.
  std::string body;
  for (int i = 0; i < 45; ++i) body += "    x = x + " + std::to_string(i) + "\n";
  dir.write("graphs.py",
            "import torch\n"
            "\n"
            "def capture_graph(model, x):\n" + body +
            "    graph = torch.cuda.CUDAGraph()\n"
            "    return graph\n"
            "\n"
            "def plain_long(x):\n" + body +
            "    return x\n");
  dir.write("decode.py",
            "from graphs import capture_graph, plain_long\n"
            "\n"
            "def run(model, x):\n"
            "    g = capture_graph(model, x)\n"
            "    return plain_long(x)\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "decode.py", 4, "TPU150") == "torch-compile");
  CHECK(category_at(result, "decode.py", 5, "TPU150").empty());
}

TEST_CASE("scan: helpers of any length and nested helpers are ties") {
  testing::TempDir dir;
  std::string body;
  for (int i = 0; i < 60; ++i) body += "    x = x + " + std::to_string(i) + "\n";
  dir.write("setup_utils.py",
            "import torch\n"
            "\n"
            "def long_setup(rank, x):\n" + body +
            "    torch.cuda.set_device(rank)\n"
            "\n"
            "def initialize(rank):\n"
            "    def finish():\n"
            "        long_setup(rank, 0)\n"
            "\n"
            "    def plain():\n"
            "        return rank\n"
            "\n"
            "    finish()\n"
            "    return plain()\n");
  dir.write("main.py",
            "from setup_utils import long_setup, initialize\n"
            "\n"
            "def run(rank):\n"
            "    long_setup(rank, 1)\n"
            "    initialize(rank)\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "main.py", 4, "TPU150") == "cuda-api");
  CHECK(category_at(result, "main.py", 5, "TPU150") == "cuda-api");
  // The nested function's call inside its enclosing function; a nested one without a tie is none.
  CHECK(category_at(result, "setup_utils.py", 68, "TPU150") == "cuda-api");
  CHECK(category_at(result, "setup_utils.py", 73, "TPU150") == "cuda-api");
  CHECK(category_at(result, "setup_utils.py", 74, "TPU150").empty());
}

TEST_CASE("scan: instances kept on self, GradScaler wrappers and autocast partials carry ties") {
  testing::TempDir dir;
  dir.write("utils.py",
            "from functools import partial\n"
            "import torch\n"
            "\n"
            "class NativeScaler:\n"
            "    def __init__(self, device='cuda'):\n"
            "        self._scaler = torch.amp.GradScaler(device=device)\n"
            "\n"
            "    def __call__(self, loss, optimizer):\n"
            "        self._scaler.scale(loss).backward()\n"
            "\n"
            "class Prefetcher:\n"
            "    def __init__(self):\n"
            "        self.stream = torch.cuda.Stream()\n"
            "\n"
            "    def __call__(self, x):\n"
            "        with torch.cuda.stream(self.stream):\n"
            "            return x * 2\n"
            "\n"
            "class Plain:\n"
            "    def __call__(self, x):\n"
            "        return x\n"
            "\n"
            "class Loader:\n"
            "    def __init__(self):\n"
            "        self.prefetcher = Prefetcher()\n"
            "        self.plain = Plain()\n"
            "\n"
            "    def read(self, x):\n"
            "        self.plain(x)\n"
            "        return self.prefetcher(x)\n"
            "\n"
            "def get_autocast(device_type='cuda'):\n"
            "    return partial(torch.amp.autocast, device_type=device_type, dtype=torch.float16)\n");
  dir.write("train.py",
            "from utils import NativeScaler, get_autocast\n"
            "\n"
            "def main():\n"
            "    scaler = NativeScaler(device='cuda')\n"
            "    autocast = get_autocast('cuda')\n"
            "    return scaler, autocast\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "utils.py", 29, "TPU150").empty());
  CHECK(category_at(result, "utils.py", 30, "TPU150") == "cuda-api");
  CHECK(category_at(result, "train.py", 4, "TPU150") == "amp");
  CHECK(category_at(result, "train.py", 5, "TPU150") == "amp");
}

TEST_CASE("scan: bare compiled CUDA modules are third-party unless the repository has them") {
  testing::TempDir dir;
  dir.write("setup.py",
            "from torch.utils.cpp_extension import CUDAExtension\n"
            "ext = CUDAExtension('fused_norm_cuda', ['k.cu'])\n");
  dir.write("ops_cuda.py", "def run(x):\n    return x\n");
  dir.write("model.py",
            "import scaled_softmax_cuda\n"
            "import fused_norm_cuda\n"
            "import ops_cuda\n"
            "\n"
            "def forward(x):\n"
            "    y = scaled_softmax_cuda.forward(x, 1.0)\n"
            "    z = fused_norm_cuda.forward(y)\n"
            "    return ops_cuda.run(z)\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "model.py", 1, "TPU500") == "third-party-cuda-lib");
  CHECK(category_at(result, "model.py", 6, "TPU501") == "third-party-cuda-lib");
  // The repository builds it: its own extension, not a third-party library.
  CHECK(category_at(result, "model.py", 2, "TPU500").empty());
  CHECK(category_at(result, "model.py", 2, "TPU403") == "custom-extension");
  CHECK(category_at(result, "model.py", 7, "TPU501").empty());
  // Python source of the repository: no compiled module at all.
  CHECK(category_at(result, "model.py", 3, "TPU500").empty());
  CHECK(category_at(result, "model.py", 8, "TPU501").empty());
}

TEST_CASE("scan: a class whose method defaults to inductor is no tie at its constructor") {
  testing::TempDir dir;
  dir.write("task.py",
            "import torch\n"
            "\n"
            "class Task:\n"
            "    def __init__(self, model):\n"
            "        self.model = model\n"
            "\n"
            "    def compile(self, backend='inductor'):\n"
            "        self.model = torch.compile(self.model, backend=backend)\n"
            "\n"
            "task = Task(torch.nn.Linear(2, 2))\n"
            "task.compile(backend='openxla')\n");
  ScanResult result = scan(dir.path(), {});
  CHECK(category_at(result, "task.py", 10, "TPU150").empty());
  CHECK(category_at(result, "task.py", 11, "TPU150").empty());
}

TEST_CASE("scan: code in a folder for another accelerator is no CUDA tie") {
  testing::TempDir dir;
  std::string code = "import torch\ntorch.cuda.synchronize()\nx = t.to(\"cuda\")\n";
  dir.write("pkg/backends/xpu/ops.py", code);
  dir.write("pkg/backends/cuda/ops.py", code);
  auto lines = summary(scan(dir.path(), {}));
  CHECK(std::none_of(lines.begin(), lines.end(),
                     [](const std::string& l) { return l.starts_with("pkg/backends/xpu/"); }));
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.starts_with("pkg/backends/cuda/ops.py");
        }) == 2);
}

TEST_CASE("scan: output is identical whatever the job count") {
  ScanOptions one, many;
  one.jobs = 1;
  many.jobs = 4;
  std::string sample = std::string(TPU_SOURCE_DIR) + "/samples/gpt_trainer";
  ScanResult a = scan(sample, one), b = scan(sample, many);
  CHECK(summary(a) == summary(b));
  CHECK(a.findings.size() > 40);
}

TEST_CASE("scan: --select and --ignore") {
  testing::TempDir dir;
  dir.write("a.py", "import torch\nx.cuda()\ntorch.cuda.synchronize()\n");
  ScanOptions options;
  options.filter = RuleFilter({"cuda-api"}, {});
  CHECK(summary(scan(dir.path(), options)) == std::vector<std::string>{"a.py:3:1 TPU110"});
  options.filter = RuleFilter({}, {"TPU11"});
  CHECK(summary(scan(dir.path(), options)) == std::vector<std::string>{"a.py:2:3 TPU101"});
  CHECK(RuleFilter({"no-such-rule"}, {}).unknown_entries(all_rules()) == std::vector<std::string>{"no-such-rule"});
}

TEST_CASE("scan: bad inputs are errors and the scan goes on") {
  testing::TempDir dir;
  dir.write("binary.py", std::string("x\0y", 3));
  dir.write("latin1.py", "s = 'caf\xe9'\n");
  dir.write("broken.py", "def f(:\n    pass\nx = t.cuda()\n");
  dir.write("huge.py", std::string(2 * 1024 * 1024, '#'));
  std::string deep = "x = " + std::string(3000, '(') + "1" + std::string(3000, ')') + "\ny = t.cuda()\n";
  dir.write("deep.py", deep);
  dir.write("good.py", "x = t.cuda()\n");
  ScanOptions options;
  options.limits.max_bytes = 1024 * 1024;
  ScanResult result = scan(dir.path(), options);
  CHECK(has_error(result, "binary.py", "binary"));
  CHECK(has_error(result, "latin1.py", "invalid UTF-8"));
  CHECK(has_error(result, "broken.py", "syntax error"));
  CHECK(has_error(result, "huge.py", "limit"));
  CHECK(has_error(result, "deep.py", "nesting"));
  auto lines = summary(result);
  CHECK(std::count(lines.begin(), lines.end(), "good.py:1:7 TPU101") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "broken.py:3:7 TPU101") == 1);  // the rest of the file
  CHECK(std::count(lines.begin(), lines.end(), "deep.py:2:7 TPU101") == 1);
}
