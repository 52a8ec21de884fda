// SPDX-License-Identifier: Apache-2.0
// Golden before/after tests for the rewriter: rewriter/fixtures/<name>.py rewritten for each
// target (xla, torchtpu) and style (portable, direct) must equal <name>.<target>.<style>.py
// beside it, and the rewrite must be a fixpoint (a second run changes nothing) that parses as
// CPython reads it: the rewriter's strict check, and CPython itself when /usr/bin/python3 is
// there (skipped, and said so, where it is not).
// Unsafe fixes are on, so that every fix is exercised. TPU_UPDATE_GOLDEN=1 rewrites goldens.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "analyzer/python/syntax.h"
#include "fixture_support.h"
#include "golden_support.h"
#include "rewriter/rewrite.h"
#include "rewriter/validity.h"
#include "skip_support.h"

namespace fs = std::filesystem;
using namespace tpu;
using namespace tpu::rewriter;
using tpu::testing::read_all;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

TEST_CASE("rewrite fixtures: goldens per target and style, fixpoint, re-parse") {
  fs::path folder = fs::path(TPU_SOURCE_DIR) / "rewriter" / "fixtures";
  bool update = testing::updating_goldens();
  size_t fixtures = 0;
  std::vector<fs::path> goldens;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string name = entry.path().filename().string();
    // Goldens are <name>.<target>.<style>.py; fixtures have no dot before ".py".
    if (!name.ends_with(".py") || name.find('.') != name.size() - 3) continue;
    ++fixtures;
    std::string stem = name.substr(0, name.size() - 3);
    std::string before = read_all(entry.path());
    for (const char* target : {"xla", "torchtpu"}) {
      for (Style style : {Style::Portable, Style::Direct}) {
        std::string style_name = style == Style::Portable ? "portable" : "direct";
        CAPTURE(name);
        CAPTURE(target);
        CAPTURE(style_name);
        RewriteOptions options;
        options.target = target;
        options.style = style;
        options.unsafe_fixes = true;
        FileRewrite first = rewrite_text(name, before, options);
        CHECK_FALSE(first.refused);
        CHECK(first.after != before);
        fs::path golden = folder / (stem + "." + target + "." + style_name + ".py");
        CHECK_GOLDEN(golden, first.after);
        FileRewrite second = rewrite_text(name, first.after, options);
        CHECK(second.after == first.after);
        python::TreePtr tree = python::parse_python(first.after);
        CHECK(python::first_syntax_error_line(ts_tree_root_node(tree.get())) == 0);
        CHECK_FALSE(strict_syntax_problem(first.after));
        if (!update) goldens.push_back(golden);
      }
    }
  }
  CHECK(fixtures >= 3);
  if (!fs::exists(kPython)) {
    TPU_SKIP_TEST("no " << kPython << " to check that CPython parses the goldens");
  }
  for (const fs::path& golden : goldens) {
    CAPTURE(golden);
    std::string command = std::string(kPython) +
                          " -c \"import ast, sys; ast.parse(open(sys.argv[1], 'rb').read())\" " + golden.string();
    CHECK(std::system(command.c_str()) == 0);
  }
}
