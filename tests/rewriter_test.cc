// SPDX-License-Identifier: Apache-2.0
// Unit tests of the rewriter's parts: the overlap policy, import placement and clean-up,
// byte preservation (CRLF, BOM), the syntax guard, templates and the git dirty check.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>

#include "analyzer/core/rule.h"
#include "analyzer/rule_fixes.h"
#include "analyzer/python/python_analyzer.h"
#include "analyzer/python/syntax.h"
#include "analyzer/rule_registry.h"
#include "rewriter/atomic_write.h"
#include "rewriter/cpython_check.h"
#include "rewriter/edit_set.h"
#include "rewriter/fix_plan.h"
#include "rewriter/fix_templates.h"
#include "rewriter/git_state.h"
#include "rewriter/portable_helpers.h"
#include "rewriter/python_imports.h"
#include "rewriter/rewrite.h"
#include "rewriter/unified_diff.h"
#include "rewriter/validity.h"
#include "skip_support.h"
#include "test_support.h"

using namespace tpu;
using namespace tpu::rewriter;
namespace fs = std::filesystem;

namespace {

Edit edit(uint32_t begin, uint32_t end, std::string text) { return Edit{"f.py", begin, end, std::move(text)}; }

RewriteOptions direct_xla() {
  RewriteOptions options;
  options.target = "xla";  // TorchTPU is the default target
  options.style = Style::Direct;
  return options;
}

}  // namespace

TEST_CASE("edit set: later overlapping fixes are skipped with a message") {
  std::string text = "x = a.cuda(non_blocking=True)\n";
  EditSet edits(text);
  CHECK(edits.add({"TPU101", 1, {edit(6, 29, "to(dev)")}}));
  CHECK_FALSE(edits.add({"TPU801", 1, {edit(11, 28, "")}}));
  REQUIRE(edits.skipped().size() == 1);
  CHECK(edits.skipped()[0].find("TPU801 at line 1 overlaps the fix of TPU101") != std::string::npos);
  CHECK(edits.apply() == "x = a.to(dev)\n");
}

TEST_CASE("edit set: a fix is all-or-nothing; insertions at one point keep their order") {
  std::string text = "abcdef";
  EditSet edits(text);
  CHECK(edits.add({"A", 1, {edit(1, 2, "B")}}));
  CHECK_FALSE(edits.add({"B", 1, {edit(4, 5, "E"), edit(1, 3, "x")}}));  // second edit overlaps
  CHECK(edits.add({"C", 1, {edit(0, 0, "1")}}));
  CHECK(edits.add({"D", 1, {edit(0, 0, "2")}}));
  CHECK(edits.add({"E", 1, {edit(6, 6, "!")}}));
  CHECK(edits.apply() == "12aBcdef!");
  CHECK(edits.accepted_fixes() == 4);
}

TEST_CASE("edit set: an insertion inside a replaced range overlaps; at its start it does not") {
  std::string text = "0123456789";
  EditSet edits(text);
  CHECK(edits.add({"A", 1, {edit(2, 6, "")}}));
  CHECK_FALSE(edits.add({"B", 1, {edit(4, 4, "x")}}));
  CHECK(edits.add({"C", 1, {edit(2, 2, "y")}}));
  CHECK(edits.apply() == "01y6789");
}

TEST_CASE("edit set: edits that change nothing are dropped") {
  EditSet edits("keep");
  CHECK(edits.add({"A", 1, {edit(0, 4, "keep")}}));
  CHECK(edits.empty());
}

TEST_CASE("imports: inserted after the docstring, __future__ imports and the import block") {
  CHECK(read_imports("#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n"
                     "import os\n\nx = 1\n").insert_at == 78);
  CHECK(read_imports("\"\"\"Only a docstring.\"\"\"\n\nx = 1\n").insert_at == 24);
  CHECK(read_imports("x = 1\nimport os\n").insert_at == 0);
  ImportLayout layout = read_imports("import torch.distributed as dist\nfrom a import (b,\n  c)\n"
                                     "try:\n    import torch_xla as _torch_xla\nexcept ImportError:\n"
                                     "    _torch_xla = None\n");
  CHECK(layout.statements.count("from a import (b, c)"));
  CHECK(layout.bound_names.count("dist"));
  CHECK(layout.bound_names.count("_torch_xla"));
}

TEST_CASE("imports: names a fix orphaned are removed, others stay") {
  std::string before = "from torch.cuda.amp import GradScaler, autocast\nimport os\nautocast()\nGradScaler()\nos.getcwd()\n";
  std::string after = "from torch.cuda.amp import GradScaler, autocast\nimport os\ntorch.autocast()\nGradScaler()\nos.getcwd()\n";
  auto removals = unused_import_removals(before, after);
  REQUIRE(removals.size() == 1);
  CHECK(removals[0].replacement == "from torch.cuda.amp import GradScaler");
  std::string only = "from torch.cuda.amp import autocast\nautocast()\n";
  auto whole = unused_import_removals(only, "from torch.cuda.amp import autocast\nx()\n");
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].begin_byte == 0);
  CHECK(whole[0].replacement.empty());
  // A name that was never used is not ours to remove.
  CHECK(unused_import_removals("import unused\nx()\n", "import unused\ny()\n").empty());
}

TEST_CASE("rewrite: CRLF line endings and a BOM are kept, bytes outside the edits unchanged") {
  std::string text = "\xEF\xBB\xBF" "import torch\r\n\r\nx = t.cuda()\r\ny = 1  # untouched\r\n";
  FileRewrite result = rewrite_text("a.py", text, direct_xla());
  CHECK(result.after == "\xEF\xBB\xBF" "import torch\r\nimport torch_xla\r\n\r\nx = t.to(torch_xla.device())\r\n"
                        "y = 1  # untouched\r\n");
}

TEST_CASE("rewrite: portable helpers are inserted once and fenced from the scanner") {
  std::string text = "import torch\n\nx = t.cuda()\ny = u.cuda()\n";
  RewriteOptions options;  // the default target, portable (its rows serve both targets)
  FileRewrite result = rewrite_text("a.py", text, options);
  CHECK(result.after.find("x = t.to(_tpu_device())") != std::string::npos);
  size_t first = result.after.find("def _tpu_device(");
  CHECK(first != std::string::npos);
  CHECK(result.after.find("def _tpu_device(", first + 1) == std::string::npos);
  CHECK(result.after.find("# tpu-migrate: ignore-begin") != std::string::npos);
  CHECK(testing::findings_of(result.after).empty());
  // `import torch` is added when the helpers need it and the module lacks it.
  CHECK(rewrite_text("b.py", "x = t.cuda()\n", options).after.starts_with("import torch\n"));
}

TEST_CASE("rewrite: unsafe fixes only on request") {
  std::string text = "import torch\nok = torch.cuda.is_available()\n";
  RewriteOptions options = direct_xla();
  std::vector<Unfixed> unfixed;
  CHECK(rewrite_text("a.py", text, options, &unfixed).after == text);
  REQUIRE(unfixed.size() == 1);
  CHECK(unfixed[0].reason.find("--unsafe-fixes") != std::string::npos);
  options.unsafe_fixes = true;
  CHECK(rewrite_text("a.py", text, options).after.find("torch_xla.runtime.device_type()") != std::string::npos);
}

TEST_CASE("rewrite: a result that would not parse is refused and the file kept") {
  // torch.compile(model,) — inserting `, backend=…` after the trailing comma would not parse.
  std::string text = "import torch\nm = torch.compile(model,)\n";
  FileRewrite result = rewrite_text("a.py", text, direct_xla());
  CHECK(result.refused);
  CHECK(result.after == text);
  REQUIRE_FALSE(result.notes.empty());
  CHECK(result.notes.back().find("syntax error") != std::string::npos);
}

TEST_CASE("rewrite: suppressed findings are not fixed") {
  std::string text = "x = t.cuda()  # tpu-migrate: ignore\n";
  CHECK(rewrite_text("a.py", text, direct_xla()).after == text);
}

TEST_CASE("rewrite: the xla process group gets its init method only where it fits") {
  RewriteOptions options = direct_xla();
  CHECK(rewrite_text("a.py", "import torch.distributed as dist\ndist.init_process_group(\"nccl\")\n", options)
            .after.find("dist.init_process_group(\"xla\", init_method=\"xla://\")") != std::string::npos);
  // An init_method of the user's own, or positional arguments after the backend: only the
  // backend is replaced.
  for (const char* call : {"dist.init_process_group(backend=\"nccl\", init_method=\"env://\")",
                           "dist.init_process_group(\"nccl\", \"tcp://h:1\")",
                           "dist.init_process_group(backend=\"nccl\", **options)"}) {
    CAPTURE(call);
    std::string after = rewrite_text("a.py", std::string("import torch.distributed as dist\n") + call + "\n",
                                     options).after;
    CHECK(after.find("\"xla\"") != std::string::npos);
    CHECK(after.find("xla://") == std::string::npos);
  }
}

TEST_CASE("rewrite: memory statistics keep their arguments; string keys fit inside f-strings") {
  std::string text = "import torch\nprint(f\"{torch.cuda.memory_allocated()} B\")\n"
                     "m = torch.cuda.memory_allocated(device=dev)\n";
  std::string direct = rewrite_text("a.py", text, direct_xla()).after;
  CHECK(direct.find("print(f\"{xm.get_memory_info()['bytes_used']} B\")") != std::string::npos);
  CHECK(direct.find("m = xm.get_memory_info()[\"bytes_used\"]") != std::string::npos);
  RewriteOptions portable_xla;
  portable_xla.target = "xla";
  std::string portable = rewrite_text("a.py", text, portable_xla).after;
  CHECK(portable.find("m = _tpu_memory_allocated(device=dev)") != std::string::npos);
  CHECK(portable.find("{_tpu_memory_allocated()} B") != std::string::npos);
  // TorchTPU has no public memory statistics: no portable fix, the call stays for a person.
  CHECK(rewrite_text("a.py", text, RewriteOptions{}).after == text);
  RewriteOptions unsafe = direct_xla();
  unsafe.unsafe_fixes = true;
  CHECK(rewrite_text("a.py", "import torch\nprint(f\"{torch.cuda.is_available()}\")\n", unsafe)
            .after.find("print(f\"{(torch_xla.runtime.device_type() == 'TPU')}\")") != std::string::npos);
}

TEST_CASE("rewrite: one step boundary after the loop's last optimizer step, none twice") {
  std::string text = "import torch\r\nfor x in data:\r\n    opt.step()  # go\r\n    sched.step()\r\n";
  FileRewrite first = rewrite_text("a.py", text, direct_xla());
  CHECK(first.after == "import torch\r\nimport torch_xla\r\nfor x in data:\r\n    opt.step()  # go\r\n"
                       "    torch_xla.sync()\r\n    sched.step()\r\n");
  CHECK(rewrite_text("a.py", first.after, direct_xla()).after == first.after);
  // TorchTPU runs eagerly: nothing to add.
  RewriteOptions torchtpu = direct_xla();
  torchtpu.target = "torchtpu";
  CHECK(rewrite_text("a.py", text, torchtpu).after == text);
}

TEST_CASE("templates: every row of the rewrite map is well formed") {
  CHECK(find_template("Tensor.cuda", "xla", Style::Direct)->replacement == "to(torch_xla.device())");
  CHECK(find_template("Tensor.cuda", "torchtpu", Style::Portable)->helpers ==
        std::vector<std::string>{"device"});
  CHECK_FALSE(find_template("no.such.key", "xla", Style::Direct));
  CHECK(substitute("f({0}, {1})", {"a", "b"}) == "f(a, b)");
  CHECK_FALSE(substitute("f({2})", {"a"}));
  for (const char* key : {"device.literal", "device.call", "device.string", "torch.cuda.synchronize",
                          "autocast.cuda", "GradScaler", "nccl.backend", "nccl.backend.init", "pin_memory", "torch.compile.default"})
    for (const char* target : {"xla", "torchtpu"})
      for (Style style : {Style::Portable, Style::Direct}) {
        CAPTURE(key);
        auto found = find_template(key, target, style);
        REQUIRE(found);
        for (const std::string& helper : found->helpers) CHECK(is_portable_helper(helper, target));
      }
}

TEST_CASE("portable helpers: dependencies first, nothing twice") {
  for (const auto& [target, base_line] : {std::pair{"xla", "_torch_xla = None"},
                                          std::pair{"torchtpu", "_torch_tpu = _tpu_accelerator is not None"}}) {
    CAPTURE(target);
    std::string block = render_helpers({"autocast"}, {}, target);
    size_t base = block.find(base_line), name = block.find("def _tpu_device_name"),
           type = block.find("def _tpu_device_type"), dtype = block.find("def _tpu_autocast_dtype");
    CHECK(base < name);
    CHECK(name < type);
    CHECK(type < dtype);
  }
  CHECK(render_helpers({"device"}, {"_torch_xla", "_tpu_device"}, "xla").empty());
  CHECK(render_helpers({"device"}, {"_torch_tpu", "_tpu_device"}, "torchtpu").empty());
}

TEST_CASE("portable helpers: each target's helpers use its runtime") {
  std::string xla = render_helpers({"device", "synchronize", "dist_backend"}, {}, "xla");
  CHECK(xla.find("import torch_xla as _torch_xla") != std::string::npos);
  CHECK(xla.find("torch.tpu") == std::string::npos);
  std::string tpu = render_helpers({"device", "synchronize", "dist_backend"}, {}, "torchtpu");
  CHECK(tpu.find("torch_xla") == std::string::npos);
  CHECK(tpu.find("return torch.device(\"tpu\")") != std::string::npos);
  CHECK(tpu.find("torch.accelerator.synchronize()") != std::string::npos);  // torch.tpu's is internal
  CHECK(tpu.find("return \"tpu_dist\"") != std::string::npos);
  // A later run finds either target's block by its fence.
  CHECK(find_helper_block(tpu).found);
  CHECK(find_helper_block(xla).found);
}

TEST_CASE("portable helpers: every helper the rewrite map names exists for the target it serves") {
  for (const char* key : {"torch.cuda.empty_cache", "torch.cuda.current_device", "torch.cuda.get_device_name",
                          "torch.cuda.memory_allocated", "torch.cuda.memory_reserved",
                          "torch.cuda.max_memory_allocated", "torch.cuda.mem_get_info",
                          "torch.cuda.reset_peak_memory_stats", "nccl.backend.init", "step.boundary",
                          "device.loader", "pin_memory", "torch.compile.default", "GradScaler"}) {
    for (const char* target : {"xla", "torchtpu"}) {
      CAPTURE(key);
      CAPTURE(target);
      auto found = find_template(key, target, Style::Portable);
      if (!found) continue;  // no portable fix there (TorchTPU: memory statistics, loader, step boundary)
      for (const std::string& helper : found->helpers) {
        CHECK(is_portable_helper(helper, target));
        CHECK(render_helpers({helper}, {}, target).find("def " + helper_function(helper) + "(") != std::string::npos);
      }
    }
  }
  // PyTorch/XLA has a portable fix for each of them; TorchTPU none for what it lacks.
  CHECK(find_template("torch.cuda.memory_allocated", "xla", Style::Portable));
  CHECK(find_template("step.boundary", "xla", Style::Portable));
  CHECK_FALSE(find_template("torch.cuda.memory_allocated", "torchtpu", Style::Portable));
  CHECK_FALSE(find_template("step.boundary", "torchtpu", Style::Portable));
}

TEST_CASE("unified diff: git-style headers and hunks") {
  std::string diff = unified_diff("pkg/a.py", "a\nb\nc\n", "a\nB\nc\n");
  CHECK(diff == "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  CHECK(unified_diff("a.py", "same\n", "same\n").empty());
}

TEST_CASE("atomic replace keeps the file mode") {
  testing::TempDir dir;
  auto file = dir.write("run.py", "old\n");
  ::chmod(file.c_str(), 0751);
  CHECK(atomic_replace(file, "new\n").empty());
  struct stat info {};
  ::stat(file.c_str(), &info);
  CHECK((info.st_mode & 0777) == 0751);
  std::ifstream in(file);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "new\n");
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) entries += entry.is_regular_file();
  CHECK(entries == 1);  // no temporary file left behind
}

TEST_CASE("git state: modified and untracked files are dirty, committed ones are not") {
  testing::TempDir dir;
  std::string git = "git -C " + dir.path().string() + " -c user.name=t -c user.email=t@t ";
  dir.write("clean.py", "x = 1\n");
  dir.write("changed.py", "y = 1\n");
  REQUIRE(std::system((git + "init -q && " + git + "add . && " + git + "commit -qm init").c_str()) == 0);
  dir.write("changed.py", "y = 2\n");
  dir.write("new.py", "z = 1\n");
  GitState state(dir.path());
  REQUIRE(state.in_repository());
  CHECK_FALSE(state.dirty(dir.path() / "clean.py"));
  CHECK(state.dirty(dir.path() / "changed.py"));
  CHECK(state.dirty(dir.path() / "new.py"));
  testing::TempDir outside;
  CHECK_FALSE(GitState(outside.path()).in_repository());
}

TEST_CASE("validity: what CPython refuses and tree-sitter accepts is found") {
  // Each of these parses in tree-sitter without an ERROR node.
  struct Case {
    const char* source;
    uint32_t line;
    const char* message;
  };
  for (const Case& bad : {Case{"try:\nexcept ImportError:\n    pass\n", 1, "expected an indented block"},
                          Case{"def f():\n    # only a comment\nx = 1\n", 1, "expected an indented block"},
                          Case{"if x:\n        a = 1\n    b = 2\n", 3, "unindent does not match"},
                          Case{"x = 1\n    y = 2\n", 2, "unexpected indent"},
                          Case{"if x:\n\ta = 1\n        b = 2\n", 3, "inconsistent use of tabs"},
                          Case{"if x:\n    pass\n  else:\n    pass\n", 3, "unindent does not match"},
                          Case{"print \"x\"\n", 1, "print statement"},
                          Case{"x = 0777\n", 1, "leading zeros"},
                          Case{"x = ur\"a\"\n", 1, "string prefix"},
                          Case{"try:\n    pass\nexcept E, e:\n    pass\n", 3, "except E, name"},
                          Case{"x = (1,\n", 1, "invalid syntax"}}) {
    std::string source = bad.source;
    CAPTURE(source);
    auto problem = strict_syntax_problem(bad.source);
    REQUIRE(problem);
    CHECK(problem->line == bad.line);
    CAPTURE(problem->message);
    CHECK(problem->message.find(bad.message) != std::string::npos);
  }
  // Valid Python, including what looks close to the above.
  for (const char* good : {"if x: y = 1\nelse: y = 2\n", "def f():\n    \"\"\"Doc.\"\"\"\n",
                           "x = 1; y = 2\nif x:\n\tz = 3\n\tw = 4\n", "class A: pass\n",
                           "x = (1 +\n     2)\nif x:\n    y = [\n  1]\n", "x = 0 + 00 + 0x1F + 1_000\n",
                           "s = rb'a' + Rb\"b\" + f'{x}' + u'c'\n", "", "# just a comment\n",
                           "@dec\ndef f():\n    pass\n", "try:\n    pass\nexcept (A, B) as e:\n    pass\n"}) {
    std::string source = good;
    CAPTURE(source);
    CHECK_FALSE(strict_syntax_problem(good));
  }
}

TEST_CASE("validity: names a fix uses are bound, imported or builtin") {
  CHECK(unbound_new_names("x = t.cuda()\n", "x = t.to(_tpu_device())\n") == std::set<std::string>{"_tpu_device"});
  CHECK(unbound_new_names("x = t.cuda()\n", "import torch_xla\nx = t.to(torch_xla.device())\n").empty());
  CHECK(unbound_new_names("x = 1\n", "def f(index=None):\n    return isinstance(index, str)\nx = f()\n").empty());
  // A name the original already used unbound is not the fix's doing.
  CHECK(unbound_new_names("x = torch.zeros(1)\n", "x = torch.ones(1)\n").empty());
}

TEST_CASE("imports: an orphaned import never leaves its block empty; a try: import stays") {
  std::string before = "if new:\n    from torch.cuda.amp import autocast\nautocast()\n";
  std::string after = "if new:\n    from torch.cuda.amp import autocast\ntorch.autocast()\n";
  auto removals = unused_import_removals(before, after);
  REQUIRE(removals.size() == 1);
  CHECK(removals[0].replacement == "pass");
  std::string probe = "try:\n    from torch.cuda.amp import autocast\nexcept ImportError:\n    pass\nautocast()\n";
  std::string probe_after = "try:\n    from torch.cuda.amp import autocast\nexcept ImportError:\n    pass\nx()\n";
  CHECK(unused_import_removals(probe, probe_after).empty());
  // Two orphans in one block: one line goes, the other becomes `pass`.
  std::string two = "if new:\n    import a\n    import b\na.f()\nb.g()\n";
  auto both = unused_import_removals(two, "if new:\n    import a\n    import b\nx()\n");
  REQUIRE(both.size() == 2);
  CHECK((both[0].replacement == "pass") != (both[1].replacement == "pass"));
}

TEST_CASE("rewrite: a file CPython cannot parse is reported and left unchanged") {
  for (const char* text : {"import torch\ntry:\nexcept ImportError:\n    pass\nx = t.cuda()\n",
                           "import torch\nif x:\n        a = 1\n    x = t.cuda()\n",
                           "import torch\nprint \"x\"\nx = t.cuda()\n"}) {
    CAPTURE(text);
    FileRewrite result = rewrite_text("a.py", text, direct_xla());
    CHECK(result.refused);
    CHECK(result.after == text);
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0].starts_with("does not parse (line "));
  }
}

TEST_CASE("rewrite: where the grammar lags the language, CPython decides") {
  // `return a, *(rest)` is valid Python 3.8+ (flash-attention writes `*((None,) * 30)`); this
  // tree-sitter grammar gives it an ERROR node.
  std::string text = "import torch\n\n\ndef f(a, rest):\n    x = t.cuda()\n    return a, *(rest)\n";
  python::TreePtr tree = python::parse_python(text);
  REQUIRE(python::first_syntax_error_line(ts_tree_root_node(tree.get())) != 0);
  FileRewrite result = rewrite_text("a.py", text, direct_xla());
  if (!cpython_parses(text)) {
    CHECK(result.refused);
    TPU_SKIP_TEST("no python3 on PATH to ask");
  }
  CHECK_FALSE(result.refused);
  CHECK(result.after.find("x = t.to(torch_xla.device())\n    return a, *(rest)\n") != std::string::npos);
  // What CPython refuses stays refused.
  CHECK(rewrite_text("a.py", "import torch\nx = t.cuda()\ny = (1,\n", direct_xla()).refused);
}

TEST_CASE("rewrite: removals that would empty a block leave pass") {
  // fairseq: both statements of the block are CUDA flags the direct style removes.
  std::string text = "import torch\nif torch.backends.cudnn.enabled:\n    torch.backends.cudnn.benchmark = False\n"
                     "    torch.backends.cudnn.deterministic = True\nx = 1\n";
  FileRewrite result = rewrite_text("a.py", text, direct_xla());
  CHECK_FALSE(result.refused);
  CHECK(result.after == "import torch\nif torch.backends.cudnn.enabled:\n    pass\nx = 1\n");
}

TEST_CASE("rewrite: only an argument-less .pin_memory() is Tensor.pin_memory()") {
  std::string text = "a = x.pin_memory()\nb = get_accelerator().pin_memory(buffer)\n";
  std::string after = rewrite_text("a.py", text, direct_xla()).after;
  CHECK(after.find("a = x\n") != std::string::npos);
  CHECK(after.find("b = get_accelerator().pin_memory(buffer)\n") != std::string::npos);
}

TEST_CASE("rewrite: nested fixes converge in one run, helpers inserted once") {
  std::string text = "import torch\n\n\ndef f(b):\n    return b.cuda(torch.cuda.current_device())\n";
  RewriteOptions options;  // portable
  FileRewrite first = rewrite_text("a.py", text, options);
  CHECK(first.after.find("b.to(_tpu_device(_tpu_current_device()))") != std::string::npos);
  CHECK(first.fixes == 2);
  CHECK(first.notes.empty());
  size_t begin = first.after.find("# tpu-migrate: ignore-begin");
  CHECK(first.after.find("# tpu-migrate: ignore-begin", begin + 1) == std::string::npos);
  CHECK(rewrite_text("a.py", first.after, options).after == first.after);
  // Two blank lines after the helper block, as before any top-level def: no more.
  CHECK(first.after.find("# tpu-migrate: ignore-end\n\n\ndef f(b):") != std::string::npos);
}

TEST_CASE("rewrite: new helpers join a module's existing helper block") {
  RewriteOptions options;
  options.filter = RuleFilter({"TPU101"}, {});
  std::string text = "import torch\n\nx = t.cuda()\ntorch.cuda.synchronize()\n";
  std::string once = rewrite_text("a.py", text, options).after;
  REQUIRE(once.find("def _tpu_device(") != std::string::npos);
  REQUIRE(once.find("torch.cuda.synchronize()\n", once.find("ignore-end")) != std::string::npos);
  std::string twice = rewrite_text("a.py", once, RewriteOptions{}).after;
  size_t end = twice.find("# tpu-migrate: ignore-end");
  CHECK(twice.find("# tpu-migrate: ignore-begin", twice.find("# tpu-migrate: ignore-begin") + 1) == std::string::npos);
  CHECK(twice.find("def _tpu_synchronize(") < end);
  CHECK(twice.find("_tpu_synchronize()\n", end) != std::string::npos);
  CHECK(rewrite_text("a.py", twice, RewriteOptions{}).after == twice);
}

TEST_CASE("rewrite: the portable style keeps a CUDA device index") {
  std::string text = "local_rank = 0\ndevice = f\"cuda:{local_rank}\"\nother_device = \"cuda:1\"\nplain_device = \"cuda\"\n";
  std::string after = rewrite_text("a.py", text, RewriteOptions{}).after;
  CHECK(after.find("device = _tpu_device_name(local_rank)\n") != std::string::npos);
  CHECK(after.find("other_device = _tpu_device_name(1)\n") != std::string::npos);
  CHECK(after.find("plain_device = _tpu_device_name()\n") != std::string::npos);
  CHECK(after.find("return \"cuda\" if index is None else f\"cuda:{index}\"") != std::string::npos);
  // The direct style names the target's device.
  CHECK(rewrite_text("a.py", text, direct_xla()).after.find("device = \"xla\"\n") != std::string::npos);
}

TEST_CASE("rewrite: classic-Mac line ends are read as lines and kept; mixed ones are left alone") {
  std::string text = "import torch\r\rx = t.cuda()\r";
  FileRewrite result = rewrite_text("a.py", text, RewriteOptions{});
  CHECK_FALSE(result.refused);
  CHECK(result.after.find('\n') == std::string::npos);
  size_t helper = result.after.find("def _tpu_device("), use = result.after.find("x = t.to(_tpu_device())\r");
  CHECK(helper != std::string::npos);
  CHECK(helper < use);
  CHECK(rewrite_text("a.py", result.after, RewriteOptions{}).after == result.after);
  FileRewrite mixed = rewrite_text("a.py", "import torch\rx = t.cuda()\n", RewriteOptions{});
  CHECK(mixed.refused);
  CHECK(mixed.after == mixed.before);
}

TEST_CASE("atomic replace: an interrupted run's temporary files are recognised") {
  CHECK(is_temporary_file_name(".train.py.tpu-migrate-a1B2c3"));
  CHECK_FALSE(is_temporary_file_name("train.py.tpu-migrate-a1B2c3"));
  CHECK_FALSE(is_temporary_file_name(".train.py.tpu-migrate-a1B2"));
  CHECK_FALSE(is_temporary_file_name(".train.py"));
  CHECK_FALSE(is_temporary_file_name(".train.py.tpu-migrate-a1B2c!"));
  testing::TempDir dir;
  dir.write("a.py", "x = 1\n");
  dir.write(".a.py.tpu-migrate-Xy12Zw", "partial");
  dir.write(".b.py.tpu-migrate-nothing", "not ours: no six-character suffix");
  auto found = leftover_temporary_files(dir.path());
  REQUIRE(found.size() == 1);
  CHECK(found[0].filename() == ".a.py.tpu-migrate-Xy12Zw");
}

// Issue 14, item 3: one source of fix truth, the rewrite map. What `explain`, `rules --format
// json` and SARIF say of a rule (rule_fix_applicabilities: the map's rows for the sites the rule
// reports), what a finding says (the map's row for its site in the scan's style) and what
// `rewrite` does in that style agree, on every finding of the fixtures, for both targets and
// styles.
// Each rewriter fixture, analysed for each target and style: visit(fixture, text, file, target,
// style, findings).
template <class Visit>
void for_each_fixture_analysis(Visit&& visit) {
  fs::path fixtures = fs::path(TPU_SOURCE_DIR) / "rewriter" / "fixtures";
  for (const char* fixture : {"fixes.py", "nested.py", "empty_blocks.py"}) {
    std::ifstream in(fixtures / fixture);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* target : {"xla", "torchtpu"})
      for (Style style : {Style::Portable, Style::Direct}) {
        SourceFile file(fixture, text);
        std::vector<Finding> findings = python::analyze_python(file, target).findings;
        visit(std::string(fixture), text, file, std::string(target), style, findings);
      }
  }
}

TEST_CASE("fix applicability: the rule, the finding and the rewrite map agree") {
  size_t compared = 0;
  for_each_fixture_analysis([&](const std::string& fixture, const std::string&, const SourceFile&,
                                const std::string& target, Style style, std::vector<Finding>& findings) {
        python::keep_fixes_of_style(findings, target, style == Style::Portable ? "portable" : "direct");
        for (const Finding& finding : findings) {
          CAPTURE(fixture);
          CAPTURE(target);
          CAPTURE(finding.rule);
          CAPTURE(style == Style::Portable);
          const RuleMeta* rule = find_rule(finding.rule);
          REQUIRE(rule != nullptr);
          if (!finding.fix) continue;
          REQUIRE(finding.fix->site);
          CHECK(rule_reports_site(*rule, finding.fix->site->key));
          CHECK(rule_fix_applicabilities(*rule).count(finding.fix->applicability) == 1);
          auto how = find_template(finding.fix->site->key, target, style);
          REQUIRE(how);
          CHECK(how->applicability == finding.fix->applicability);
          ++compared;
        }
  });
  CHECK(compared >= 100);
  // A rule whose fixes differ by site or style says `unsafe`, and lists both.
  const RuleMeta* gradscaler = find_rule("TPU121");
  REQUIRE(gradscaler != nullptr);
  CHECK(rule_fix_applicabilities(*gradscaler).size() == 2);
  CHECK(rule_fix_word(*gradscaler) == "unsafe");
  CHECK(rule_fix_word(*find_rule("TPU101")) == "safe");
  CHECK(rule_fix_word(*find_rule("TPU600")) == "none");
}

// Issue 14, item 3: the edits the scan attaches to a finding (`fix.edits`) are the rewrite's.
// One finding's edits applied alone give the text `rewrite` writes when it fixes that finding
// and nothing else (its first round, given only that finding). The fixtures hold both kinds:
// fixes the whole file's check covers, and fixes checked alone (nested ones, several in one
// statement, imports left unused).
TEST_CASE("fix edits: one finding's edits applied alone are what rewrite writes for it") {
  size_t compared = 0, with_imports = 0, kept_blocks = 0;
  for_each_fixture_analysis([&](const std::string& fixture, const std::string& text, const SourceFile& file,
                                const std::string& target, Style style, std::vector<Finding>& findings) {
        attach_fix_edits(file, findings, FixOptions{target, style});
        RewriteOptions options;
        options.target = target;
        options.style = style;
        options.unsafe_fixes = true;
        options.max_rounds = 1;
        for (const Finding& finding : findings) {
          if (!finding.fix || finding.fix->edits.empty()) continue;
          CAPTURE(fixture);
          CAPTURE(target);
          CAPTURE(style == Style::Portable);
          CAPTURE(finding.rule);
          CAPTURE(finding.location.line);
          EditSet alone(text);
          REQUIRE(alone.add(PendingFix{finding.rule, finding.location.line, finding.fix->edits}));
          std::string applied = alone.apply();
          with_imports += finding.fix->edits.size() > 1;
          for (const Edit& edit : finding.fix->edits) {
            CHECK(edit.path == fixture);
            CHECK(edit.line == file.line_of(edit.begin_byte));
            CHECK(edit.column == file.column_of(edit.begin_byte));
            CHECK(edit.end_line == file.line_of(edit.end_byte));
          }
          std::vector<Finding> single = {finding};
          FileRewrite rewritten = rewrite_text(fixture, text, options, nullptr, &single);
          CHECK_FALSE(rewritten.refused);
          ++compared;
          if (applied == rewritten.after) continue;
          // Removals that together would empty a block leave `pass` in the first round, which
          // makes them all; the rewrite of one of them alone just removes its line. Both parse.
          CHECK(std::any_of(finding.fix->edits.begin(), finding.fix->edits.end(),
                            [](const Edit& edit) { return edit.replacement == "pass"; }));
          CHECK_FALSE(strict_syntax_problem(applied));
          ++kept_blocks;
        }
  });
  CHECK(compared >= 40);
  CHECK(with_imports >= 10);  // imports and helpers travel with the fix's own edits
  // (A fix that orphans an import: the next test, which the fixtures hold no case of.)
  CHECK(kept_blocks <= compared / 10);
}

TEST_CASE("fix edits: fixes sharing a statement, nested ones and orphaned imports are each checked alone") {
  // Two fixes in one call: each alone keeps the other `.cuda()`. A fix that removes the last use
  // of `cudnn` takes its import with it. The `.cuda()` inside `torch.device(...)` overlaps the
  // outer fix: checked alone, it gets edits too.
  std::string text =
      "import torch\nfrom torch.backends import cudnn\n\n\ndef f(a, b):\n    return g(a.cuda(), b.cuda())\n\n\n"
      "cudnn.benchmark = True\nd = torch.device(torch.cuda.current_device())\n";
  SourceFile file("a.py", text);
  std::vector<Finding> findings = python::analyze_python(file, "xla").findings;
  attach_fix_edits(file, findings, FixOptions{"xla", Style::Direct});
  RewriteOptions options = direct_xla();
  options.unsafe_fixes = true;
  options.max_rounds = 1;
  size_t checked = 0;
  for (const Finding& finding : findings) {
    if (!finding.fix || finding.fix->edits.empty()) continue;
    CAPTURE(finding.rule);
    CAPTURE(finding.location.line);
    EditSet alone(text);
    REQUIRE(alone.add(PendingFix{finding.rule, finding.location.line, finding.fix->edits}));
    std::vector<Finding> single = {finding};
    CHECK(alone.apply() == rewrite_text("a.py", text, options, nullptr, &single).after);
    ++checked;
  }
  CHECK(checked >= 4);
}

TEST_CASE("fix edits: a file rewrite refuses gets none; a file that does not parse neither") {
  std::string text = "import torch\nx = t.cuda()\ndef f(:\n    pass\n";
  SourceFile file("a.py", text);
  std::vector<Finding> findings = python::analyze_python(file, "xla").findings;
  attach_fix_edits(file, findings, FixOptions{"xla", Style::Direct});
  for (const Finding& finding : findings) CHECK((!finding.fix || finding.fix->edits.empty()));
}

TEST_CASE("fix edits: the rewrite's first round fixes what the scan found, as analysing the file would") {
  std::string text = "import torch\nx = t.cuda()\ntorch.cuda.synchronize()\n";
  RewriteOptions options;
  SourceFile file("a.py", text);
  std::vector<Finding> scanned = python::analyze_python(file, options.target).findings;
  REQUIRE(scanned.size() == 2);
  std::vector<Unfixed> left_scanned, left_analysed;
  FileRewrite consumed = rewrite_text("a.py", text, options, &left_scanned, &scanned);
  FileRewrite analysed = rewrite_text("a.py", text, options, &left_analysed);
  CHECK(consumed.after == analysed.after);
  CHECK(consumed.fixes == 2);
  CHECK(left_scanned.size() == left_analysed.size());
  // Only what the scan found is fixed in the first round: a finding it did not report stays
  // for the next round's analysis, which a single round does not reach.
  options.max_rounds = 1;
  std::vector<Finding> first_only = {scanned.front()};
  FileRewrite one = rewrite_text("a.py", text, options, nullptr, &first_only);
  CHECK(one.fixes == 1);
  CHECK(one.after.find("torch.cuda.synchronize()") != std::string::npos);
}

// Found on mamba (mamba3_mimo_utils.py keeps three blank lines after its imports): the extra
// blank line ended up below the helper block. It stays above it; exactly two follow the block.
TEST_CASE("helper block: blank lines the file keeps after its imports beyond two stay above the block") {
  RewriteOptions options;
  options.target = "xla";
  options.style = Style::Portable;
  std::string text = "import torch\n\n\n\nx = t.cuda()\n";
  FileRewrite rewritten = rewrite_text("a.py", text, options);
  REQUIRE(rewritten.after != text);
  size_t begin = rewritten.after.find("# tpu-migrate: ignore-begin");
  size_t end = rewritten.after.find("# tpu-migrate: ignore-end");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  CHECK(rewritten.after.substr(0, begin) == "import torch\n\n\n\n");
  CHECK(rewritten.after.substr(end).starts_with("# tpu-migrate: ignore-end\n\n\nx = t.to(_tpu_device())"));
  CHECK_FALSE(strict_syntax_problem(rewritten.after));
}
