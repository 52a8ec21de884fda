// SPDX-License-Identifier: Apache-2.0
// Unit tests of the rewriter's parts: the overlap policy, import placement and clean-up,
// byte preservation (CRLF, BOM), the syntax guard, templates and the git dirty check.
#include <doctest/doctest.h>

#include <cstdlib>
#include <sys/stat.h>

#include "analyzer/python/syntax.h"
#include "rewriter/atomic_write.h"
#include "rewriter/edit_set.h"
#include "rewriter/fix_templates.h"
#include "rewriter/git_state.h"
#include "rewriter/portable_helpers.h"
#include "rewriter/python_imports.h"
#include "rewriter/rewrite.h"
#include "rewriter/unified_diff.h"
#include "test_support.h"

using namespace tpu;
using namespace tpu::rewriter;

namespace {

Edit edit(uint32_t begin, uint32_t end, std::string text) { return Edit{"f.py", begin, end, std::move(text)}; }

RewriteOptions direct_xla() {
  RewriteOptions options;
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
  RewriteOptions options;  // xla, portable
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
  std::string portable = rewrite_text("a.py", text, RewriteOptions{}).after;
  CHECK(portable.find("m = _tpu_memory_allocated(device=dev)") != std::string::npos);
  CHECK(portable.find("{_tpu_memory_allocated()} B") != std::string::npos);
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
        for (const std::string& helper : found->helpers) CHECK(is_portable_helper(helper));
      }
}

TEST_CASE("portable helpers: dependencies first, nothing twice") {
  std::string block = render_helpers({"autocast"}, {});
  size_t base = block.find("_torch_xla = None"), name = block.find("def _tpu_device_name"),
         type = block.find("def _tpu_device_type"), dtype = block.find("def _tpu_autocast_dtype");
  CHECK(base < name);
  CHECK(name < type);
  CHECK(type < dtype);
  CHECK(render_helpers({"device"}, {"_torch_xla", "_tpu_device"}).empty());
}

TEST_CASE("portable helpers: every helper the rewrite map names exists") {
  for (const char* key : {"torch.cuda.empty_cache", "torch.cuda.current_device", "torch.cuda.get_device_name",
                          "torch.cuda.memory_allocated", "torch.cuda.memory_reserved",
                          "torch.cuda.max_memory_allocated", "torch.cuda.mem_get_info",
                          "torch.cuda.reset_peak_memory_stats", "nccl.backend.init", "step.boundary"}) {
    CAPTURE(key);
    auto found = find_template(key, "xla", Style::Portable);
    REQUIRE(found);
    CHECK_FALSE(found->helpers.empty());
    for (const std::string& helper : found->helpers) {
      CHECK(is_portable_helper(helper));
      CHECK(render_helpers({helper}, {}).find("def " + helper_function(helper) + "(") != std::string::npos);
    }
  }
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
