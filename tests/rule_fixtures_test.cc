// SPDX-License-Identifier: Apache-2.0
// Golden tests for the Python rule families. Each family has a fixture beside its rule file
// (analyzer/python/rules/<family>.fixture.py) with positive and negative cases, and a golden
// (<family>.golden) listing the expected findings as "line:column RULE severity symbol".
//
// Two checks per fixture:
//  1. every line marked `# expect: TPU101, TPU801` has exactly those findings, and every
//     unmarked line has none (so a new false alarm fails, as clang-tidy's
//     implicit-check-not does);
//  2. the findings match the golden exactly (columns and symbols included).
// A fixture named "<x>.setup.fixture.py" is analysed as setup.py (build-script rules). A fixture
// is analysed for the default target (TorchTPU) unless a `# fixture-target: xla` line names another.
// TPU_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing; review them in the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "analyzer/core/rule.h"
#include "analyzer/rule_fixes.h"
#include "analyzer/python/python_analyzer.h"
#include "analyzer/rule_registry.h"
#include "fixture_support.h"
#include "golden_support.h"

namespace fs = std::filesystem;
using namespace tpu;
using tpu::testing::read_all;
using tpu::testing::expectations;

namespace {

std::vector<fs::path> fixtures() {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(fs::path(TPU_SOURCE_DIR) / "analyzer/python/rules"))
    if (entry.path().string().ends_with(".fixture.py")) found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

TEST_CASE("rule fixtures: markers and goldens") {
  auto all = fixtures();
  CHECK(all.size() >= 10);  // one per rule family
  for (const fs::path& fixture : all) {
    std::string name = fixture.filename().string();
    CAPTURE(name);
    std::string text = read_all(fixture);
    // "<x>.setup.fixture.py" is analysed as a build script, under the name setup.py.
    SourceFile file(name.ends_with(".setup.fixture.py") ? "setup.py" : name, text);
    const std::string target = tpu::testing::fixture_target(text, opdb::kDefaultTarget);
    CAPTURE(target);
    python::PythonAnalysis analysis = python::analyze_python(file, target);
    CHECK(analysis.errors.empty());

    std::map<uint32_t, std::vector<std::string>> actual;
    std::string rendered;
    for (const Finding& finding : analysis.findings) {
      actual[finding.location.line].push_back(finding.rule);
      rendered += tpu::testing::golden_line(finding);
      // Harness invariant: a rule reports fixes only at the sites it declares (the rewrite map
      // then says their applicability).
      const RuleMeta* rule = find_rule(finding.rule);
      REQUIRE(rule != nullptr);
      if (finding.fix)
        CHECK_MESSAGE((finding.fix->site && rule_reports_site(*rule, finding.fix->site->key)),
                      finding.rule << " reports a fix at a site it does not declare");
    }
    for (auto& [line, codes] : actual) std::sort(codes.begin(), codes.end());
    auto expected = expectations(text, "# expect: ");
    for (uint32_t line = 1; line <= file.line_of(static_cast<uint32_t>(text.size())); ++line) {
      CAPTURE(line);
      auto want = expected.count(line) ? expected[line] : std::vector<std::string>{};
      auto got = actual.count(line) ? actual[line] : std::vector<std::string>{};
      CHECK(got == want);
    }

    fs::path golden = fixture;
    golden.replace_filename(name.substr(0, name.size() - std::string(".fixture.py").size()) + ".golden");
    CHECK_GOLDEN(golden, rendered);
  }
}
