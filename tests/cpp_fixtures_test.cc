// SPDX-License-Identifier: Apache-2.0
// Golden tests for the C++ rule families. Each family has a fixture beside its rule file
// (analyzer/cpp/rules/<family>.fixture.{cu,cpp}) with positive and negative cases, and a
// golden (<family>.golden) listing the findings as "line:column RULE severity symbol".
//
// Per fixture:
//  1. every line marked `// expect: TPU300, TPU303` has exactly those findings and every
//     unmarked line has none;
//  2. the fast-mode findings match the golden exactly;
//  3. without any tree (tokens only) the same findings come out: a broken or missing tree
//     loses nothing;
//  4. deep mode (real headers where this machine has them, else the stand-in) gives the same
//     findings as fast mode.
// TPU_UPDATE_GOLDEN=1 rewrites the goldens instead of comparing; review them in the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "analyzer/cpp/cpp_analyzer.h"
#include "analyzer/cpp/cpp_scan.h"
#include "analyzer/cpp/rules/rule_families.h"
#include "analyzer/rule_registry.h"
#include "fixture_support.h"
#include "golden_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace tpu;
using tpu::testing::read_all;
using tpu::testing::expectations;

namespace {

std::vector<fs::path> fixtures() {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(fs::path(TPU_SOURCE_DIR) / "analyzer/cpp/rules")) {
    std::string name = entry.path().filename().string();
    if (name.find(".fixture.") != std::string::npos) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string stem(const fs::path& fixture) {
  std::string name = fixture.filename().string();
  return name.substr(0, name.find(".fixture."));
}

// "line:col RULE symbol" per finding: what must not depend on the mode or on the tree.
std::vector<std::string> essentials(const std::vector<Finding>& findings) {
  std::vector<std::string> lines;
  for (const Finding& f : findings)
    lines.push_back(std::to_string(f.location.line) + ":" + std::to_string(f.location.column) + " " + f.rule +
                    " " + f.symbol);
  std::sort(lines.begin(), lines.end());
  return lines;
}

cpp::CppScanOutcome scan_fixtures(const testing::TempDir& dir, const std::vector<DiscoveredFile>& files,
                                  cpp::CppMode mode) {
  cpp::CppScanOptions options;
  options.mode = mode;
  options.jobs = 2;
  return cpp::scan_cpp(files, dir.path(), options);
}

}  // namespace

TEST_CASE("C++ rule fixtures: markers, goldens, tokens-only and deep mode agree") {
  auto all = fixtures();
  CHECK(all.size() >= 4);  // one per rule family
  testing::TempDir dir;
  std::vector<DiscoveredFile> files;
  for (const fs::path& fixture : all) {
    fs::path copy = dir.write(fixture.filename().string(), read_all(fixture));
    files.push_back({copy, fixture.filename().string(), FileLanguage::Cpp});
  }
  cpp::CppScanOutcome fast = scan_fixtures(dir, files, cpp::CppMode::Fast);
  cpp::CppScanOutcome deep = scan_fixtures(dir, files, cpp::CppMode::Deep);
  REQUIRE(fast.files.size() == all.size());
  CHECK(fast.mode == "fast");
  CHECK(deep.mode == "deep");

  for (size_t i = 0; i < all.size(); ++i) {
    std::string name = all[i].filename().string();
    CAPTURE(name);
    std::string text = read_all(all[i]);
    const cpp::CppFileOutcome& outcome = fast.files[i];
    REQUIRE(outcome.analysed);
    CHECK(outcome.errors.empty());
    CHECK(outcome.had_tree);

    std::map<uint32_t, std::vector<std::string>> actual;
    std::string rendered;
    for (const Finding& finding : outcome.findings) {
      actual[finding.location.line].push_back(finding.rule);
      rendered += tpu::testing::golden_line(finding);
      const RuleMeta* rule = find_rule(finding.rule);
      REQUIRE(rule != nullptr);
      CHECK(!finding.fix);  // no C++ rule has a mechanical fix
      CHECK(rule->language == Language::Cpp);
    }
    for (auto& [line, codes] : actual) std::sort(codes.begin(), codes.end());
    auto expected = expectations(text, "// expect: ");
    SourceFile file(name, text);
    for (uint32_t line = 1; line <= file.line_of(static_cast<uint32_t>(text.size())); ++line) {
      CAPTURE(line);
      auto want = expected.count(line) ? expected[line] : std::vector<std::string>{};
      auto got = actual.count(line) ? actual[line] : std::vector<std::string>{};
      CHECK(got == want);
    }

    fs::path golden = all[i].parent_path() / (stem(all[i]) + ".golden");
    CHECK_GOLDEN(golden, rendered);

    // Without any tree, tokens alone find the same references and structure.
    cpp::CppAnalysis tokens = cpp::analyze_cpp(file, cpp::AstFacts{}, "no tree in this test", false);
    CHECK(essentials(tokens.findings) == essentials(outcome.findings));
    for (const Finding& finding : tokens.findings)
      if (finding.rule == "TPU300" || (finding.rule == "TPU302" && finding.message.find("in macro") == std::string::npos))
        CHECK(finding.message.find("recognised from tokens: no tree in this test") != std::string::npos);

    // Deep mode: the same findings whatever headers the machine has.
    REQUIRE(deep.files[i].analysed);
    CHECK(essentials(deep.files[i].findings) == essentials(outcome.findings));
  }
}

TEST_CASE("C++ rules: full metadata, unique codes and names, the C++ categories") {
  std::vector<std::string_view> codes, names;
  for (const cpp::CppRuleFamily& family : cpp::cpp_rule_families()) {
    for (const RuleMeta& rule : family.rules) {
      CAPTURE(rule.code);
      CHECK(rule.code.starts_with("TPU3"));
      CHECK(rule.language == Language::Cpp);
      CHECK(!rule.summary.empty());
      CHECK(!rule.rationale.empty());
      CHECK(!rule.tpu_way.empty());
      CHECK(!rule.before.empty());
      CHECK(!rule.after.empty());
      CHECK(rule.fix_sites.empty());
      bool category = rule.category == Category::CudaKernel || rule.category == Category::CudaRuntimeCpp ||
                      rule.category == Category::CudaLibsCpp || rule.category == Category::CustomExtension;
      // CUDA-TIES.md files the C++ tensor device checks (`x.is_cuda()`, `kCUDA`) under device-placement.
      if (rule.code == "TPU327") category = rule.category == Category::DevicePlacement;
      CHECK(category);
      CHECK(find_rule(rule.code) == &rule);  // registered, and `explain` finds it
      CHECK(find_rule(rule.name) == &rule);
      codes.push_back(rule.code);
      names.push_back(rule.name);
    }
  }
  CHECK(codes.size() >= 30);
  std::sort(codes.begin(), codes.end());
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(codes.begin(), codes.end()) == codes.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
}
