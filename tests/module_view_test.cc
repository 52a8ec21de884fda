// SPDX-License-Identifier: Apache-2.0
// Import and alias resolution: how call sites are turned into qualified names.
#include <doctest/doctest.h>

#include "analyzer/python/module_view.h"

using namespace tpu;
using namespace tpu::python;

namespace {

// The qualified names of every call in `code`, in order ("" for unresolved callees).
std::vector<std::string> qualified_calls(const std::string& code, const std::string& path = "m.py") {
  SourceFile file(path, code);
  TreePtr tree = parse_python(file.text());
  ModuleView view(file, ts_tree_root_node(tree.get()), module_name_of(path));
  std::vector<std::string> names;
  for (const Call& call : view.calls()) names.push_back(call.qualified);
  return names;
}

// A module parsed and viewed, for the tests that look at more than the calls' names.
struct Parsed {
  explicit Parsed(const std::string& code)
      : file("m.py", code), tree(parse_python(file.text())), view(file, ts_tree_root_node(tree.get()), "m") {}
  SourceFile file;
  TreePtr tree;
  ModuleView view;
};

}  // namespace

TEST_CASE("aliases: import as, from-import, submodule imports") {
  CHECK(qualified_calls("import torch as T\nT.cuda.synchronize()\n") ==
        std::vector<std::string>{"torch.cuda.synchronize"});
  CHECK(qualified_calls("from torch import cuda\ncuda.manual_seed(0)\n") ==
        std::vector<std::string>{"torch.cuda.manual_seed"});
  CHECK(qualified_calls("from torch.cuda.amp import autocast as ac\nwith ac():\n  pass\n") ==
        std::vector<std::string>{"torch.cuda.amp.autocast"});
  CHECK(qualified_calls("import torch.distributed as dist\ndist.init_process_group('nccl')\n") ==
        std::vector<std::string>{"torch.distributed.init_process_group"});
  CHECK(qualified_calls("import torch.distributed\ntorch.distributed.barrier()\n") ==
        std::vector<std::string>{"torch.distributed.barrier"});
}

TEST_CASE("aliases: a function body sees a module-level import further down the file") {
  // The function runs after the module's import finished: `_C` is bound by then. Module-level
  // code before the import runs before it, and stays unresolved.
  CHECK(qualified_calls("def f(x):\n  return _C.op(x)\n_C.early()\n"
                        "try:\n  from pkg import _C\nexcept ImportError:\n  pass\n") ==
        std::vector<std::string>{"pkg._C.op", ""});
}

TEST_CASE("aliases: subscripts in a function body see a later module-level import too") {
  SourceFile file("m.py", "def f():\n  return environ['CUDA_VISIBLE_DEVICES']\nfrom os import environ\n");
  TreePtr tree = parse_python(file.text());
  ModuleView view(file, ts_tree_root_node(tree.get()), "m");
  REQUIRE(view.subscripts().size() == 1);
  CHECK(view.subscripts()[0].qualified_value == "os.environ");
}

TEST_CASE("aliases: unimported names stay unresolved") {
  CHECK(qualified_calls("def cuda():\n  pass\ncuda()\nx.cuda()\n") ==
        std::vector<std::string>{"", ""});
}

TEST_CASE("aliases: relative imports resolve inside the repository") {
  CHECK(qualified_calls("from .ops import fused\nfused()\n", "pkg/model.py") ==
        std::vector<std::string>{"pkg.ops.fused"});
  CHECK(qualified_calls("from .. import ext\next.run()\n", "pkg/sub/model.py") ==
        std::vector<std::string>{"pkg.ext.run"});
  CHECK(qualified_calls("from . import _C\n_C.op()\n", "pkg/__init__.py") ==
        std::vector<std::string>{"pkg._C.op"});
}

TEST_CASE("module names of paths") {
  CHECK(module_name_of("pkg/sub/mod.py") == "pkg.sub.mod");
  CHECK(module_name_of("pkg/__init__.py") == "pkg");
  CHECK(module_name_of("stub.pyi") == "stub");
}

TEST_CASE("context: loops, import guards and enclosing functions") {
  std::string code =
      "try:\n  import apex\nexcept ImportError:\n  apex = None\n"
      "import flash_attn\n"
      "def train_step():\n  a()\n"
      "def helper():\n  b()\n  for x in y:\n    c()\n  [d() for _ in z]\n";
  SourceFile file("m.py", code);
  TreePtr tree = parse_python(file.text());
  ModuleView view(file, ts_tree_root_node(tree.get()), "m");
  REQUIRE(view.imports().size() == 2);
  CHECK(view.imports()[0].context.import_guarded);
  CHECK_FALSE(view.imports()[1].context.import_guarded);
  REQUIRE(view.calls().size() == 4);
  CHECK(view.in_step(view.calls()[0].context));        // a() in train_step
  CHECK_FALSE(view.in_step(view.calls()[1].context));  // b() in helper
  CHECK(view.in_step(view.calls()[2].context));        // c() in a loop
  CHECK_FALSE(view.in_step(view.calls()[3].context));  // a comprehension outside a step
}

TEST_CASE("for loops: the statement, what it iterates, where it sits") {
  std::string code = "for a in xs:\n  pass\ndef f():\n  for i, b in enumerate(ys):\n    pass\n"
                     "  while True:\n    break\n  [c for c in zs]\n";
  SourceFile file("m.py", code);
  TreePtr tree = parse_python(file.text());
  ModuleView view(file, ts_tree_root_node(tree.get()), "m");
  REQUIRE(view.for_loops().size() == 2);  // neither `while` nor a comprehension
  CHECK(view.text(view.for_loops()[0].iterable) == "xs");
  CHECK(view.for_loops()[0].context.function == -1);
  CHECK(view.text(view.for_loops()[1].iterable) == "enumerate(ys)");
  CHECK(view.for_loops()[1].context.function == 0);
  CHECK(kind(view.for_loops()[1].node) == "for_statement");
}

TEST_CASE("walk: what sits inside expressions it does not enter whole is still collected") {
  // The walk skips an expression whose text has no `(`, `[` or `#`; everything it collects
  // inside one needs such a character, wherever it sits.
  const std::string code =
      "import torch\n"
      "x = {'a': (1, [torch.zeros(2)]), 'b': y.z}\n"
      "f(k=lambda q: q.item(), j=-t.cpu())\n"
      "s = f'{torch.ones(1)}' + 'not (a call)' + \"[nor] a # subscript\"\n"
      "def g(a=torch.device('cuda'), b=(1, 2)):\n"
      "  return a.b.c[0], not w.numpy()\n"
      "t = (1 +  # tpu-migrate: ignore\n"
      "     2)\n";
  Parsed parsed(code);
  const ModuleView& view = parsed.view;
  std::vector<std::string> calls;
  for (const Call& call : view.calls()) calls.emplace_back(view.text(call.function));
  CHECK(calls == std::vector<std::string>{"torch.zeros", "f", "q.item", "t.cpu", "torch.ones",
                                          "torch.device", "w.numpy"});
  std::vector<std::string> subscripts;
  for (const Subscript& subscript : view.subscripts()) subscripts.emplace_back(view.text(subscript.node));
  CHECK(subscripts == std::vector<std::string>{"a.b.c[0]"});
  REQUIRE(view.comments().size() == 1);
  CHECK(view.comments()[0].first == 7);
  // Arguments are listed once, positional and keyword apart.
  const Call& f = view.calls()[1];
  CHECK(f.positional.empty());
  REQUIRE(f.keywords.size() == 2);
  CHECK(f.keywords[0].first == "k");
  CHECK(f.keywords[1].first == "j");
}

TEST_CASE("bindings: the last assignment before a use, in its own scope or an enclosing one") {
  const std::string code =
      "device = 'cpu'\n"
      "device = 'cuda'\n"
      "def f(device='xla'):\n"
      "  use(device)\n"
      "  device = 'meta'\n"
      "  use(device)\n"
      "def g():\n"
      "  use(device)\n";
  Parsed parsed(code);
  const ModuleView& view = parsed.view;
  std::vector<std::string> seen;
  for (const Call& call : view.calls())
    if (view.text(call.function) == "use")
      seen.emplace_back(view.text(view.assigned_value("device", call.context, ts_node_start_byte(call.node))));
  CHECK(seen == std::vector<std::string>{"'xla'", "'meta'", "'cuda'"});
}
