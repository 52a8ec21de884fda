// SPDX-License-Identifier: Apache-2.0
// Baselines and the gate: fingerprints survive code moving, matching is a multiset, the
// file format round-trips, and the gate judges what it should.
#include <doctest/doctest.h>

#include "reports/baseline.h"
#include "reports/gate.h"
#include "reports/source_context.h"
#include "reports_fixture.h"
#include "test_support.h"

namespace tpu::reports {
namespace {

Report report_of(const std::vector<Finding>& findings, const std::string& root = "repo") {
  Report report;
  report.root = root;
  report.scan.findings = findings;
  report.scan.files_scanned = 1;
  summarize(report);
  return report;
}

Finding cuda_call(uint32_t line, uint32_t column = 5) {
  return testing::make_finding("TPU101", Category::DevicePlacement, Severity::Warning, "train.py", line, column,
                               ".cuda()", "`.cuda()` pins the tensor to a CUDA device");
}

TEST_CASE("baseline: normalising a line collapses whitespace only") {
  CHECK(normalize_source_line("  x = y.cuda( )\t# c\r") == "x = y.cuda( ) # c");
  CHECK(normalize_source_line("\t\t") == "");
  CHECK(normalize_source_line("a  \t b") == "a b");
  CHECK(normalize_source_line("a") == "a");
}

TEST_CASE("baseline: the fingerprint ignores the line number and indentation, not the rest") {
  Report report = report_of({});
  auto fingerprint = [&](const Finding& finding, std::string_view text) {
    return reports::fingerprint(report, finding, text);
  };
  Finding a = cuda_call(10), b = cuda_call(250, 13);
  std::string text = normalize_source_line("    x = x.cuda()");
  CHECK(fingerprint(a, text) == fingerprint(b, normalize_source_line("        x = x.cuda()")));
  CHECK(fingerprint(a, text).size() == 16);
  CHECK(fingerprint(a, text) != fingerprint(a, "y = y.cuda()"));
  Finding other_rule = a;
  other_rule.rule = "TPU102";
  CHECK(fingerprint(a, text) != fingerprint(other_rule, text));
  Finding other_path = a;
  other_path.location.path = "eval.py";
  CHECK(fingerprint(a, text) != fingerprint(other_path, text));
  Finding other_symbol = a;
  other_symbol.symbol = ".to()";
  CHECK(fingerprint(a, text) != fingerprint(other_symbol, text));
  // The parts are separated, so shifting text from one part to the next changes the hash.
  Finding shifted = a;
  shifted.rule = "TPU10";
  shifted.location.path = "1train.py";
  CHECK(fingerprint(a, text) != fingerprint(shifted, text));
}

TEST_CASE("baseline: still matches after lines are inserted above the findings") {
  testing::TempDir dir;
  dir.write("train.py", "import torch\nx = torch.zeros(3)\nx = x.cuda()\n");
  Report before = report_of({cuda_call(3)}, dir.path().string());
  attach_sources(before);
  REQUIRE(before.context.size() == 1);
  CHECK(before.context[0].line_text == "x = x.cuda()");
  auto parsed = parse_baseline(render_baseline(before));
  REQUIRE(std::holds_alternative<Baseline>(parsed));

  // Three lines added above and the call re-indented: the finding moved to line 7.
  dir.write("train.py", "import torch\n# a\n# b\n# c\nx = torch.zeros(3)\nif True:\n    x  =  x.cuda()\n");
  Report after = report_of({cuda_call(7, 9)}, dir.path().string());
  attach_sources(after);
  apply_baseline(after, std::get<Baseline>(parsed));
  CHECK(after.context[0].baseline == BaselineState::Unchanged);
  CHECK(after.baseline.new_findings == 0);
  CHECK(after.baseline.unchanged == 1);

  // Changing what the line does makes it new.
  dir.write("train.py", "import torch\nx = torch.zeros(3)\ny = x.cuda()\n");
  Report changed = report_of({cuda_call(3)}, dir.path().string());
  attach_sources(changed);
  apply_baseline(changed, std::get<Baseline>(parsed));
  CHECK(changed.context[0].baseline == BaselineState::New);
  CHECK(changed.baseline.resolved == 1);
}

TEST_CASE("baseline: identical findings are matched as a multiset") {
  testing::TempDir dir;
  dir.write("train.py", "x = x.cuda()\nx = x.cuda()\nx = x.cuda()\n");
  Report two = report_of({cuda_call(1), cuda_call(2)}, dir.path().string());
  attach_sources(two);
  CHECK(two.context[0].fingerprint == two.context[1].fingerprint);
  Baseline baseline = std::get<Baseline>(parse_baseline(render_baseline(two)));
  CHECK(baseline.fingerprints.size() == 2);

  Report three = report_of({cuda_call(1), cuda_call(2), cuda_call(3)}, dir.path().string());
  attach_sources(three);
  apply_baseline(three, baseline);
  CHECK(three.baseline.unchanged == 2);
  CHECK(three.baseline.new_findings == 1);
  CHECK(three.context[2].baseline == BaselineState::New);

  Report one = report_of({cuda_call(1)}, dir.path().string());
  attach_sources(one);
  apply_baseline(one, baseline);
  CHECK(one.baseline.unchanged == 1);
  CHECK(one.baseline.resolved == 1);
}

TEST_CASE("baseline: a file that cannot be read still gets a fingerprint") {
  Report report = report_of({cuda_call(3)}, "/nonexistent/tpu-migrate-test");
  attach_sources(report);
  CHECK(report.context[0].fingerprint == fingerprint(report, report.scan.findings[0], ""));
  CHECK(report.context[0].excerpt.lines.empty());
}

TEST_CASE("baseline: excerpts hold the lines around the finding") {
  testing::TempDir dir;
  dir.write("a.py", "l1\nl2\nl3\nl4\nl5\nl6\n");
  Report report = report_of({testing::make_finding("TPU101", Category::DevicePlacement, Severity::Warning, "a.py", 2,
                                                   1, "x", "m")},
                            dir.path().string());
  attach_sources(report);
  CHECK(report.context[0].excerpt.first_line == 1);
  CHECK(report.context[0].excerpt.lines == std::vector<std::string>{"l1", "l2", "l3", "l4"});
  attach_sources(report, SourceOptions{.excerpts = false});
  // Scanning one file: paths are relative to the folder holding it.
  Report single = report_of({testing::make_finding("TPU101", Category::DevicePlacement, Severity::Warning, "a.py", 6,
                                                   1, "x", "m")},
                            (dir.path() / "a.py").string());
  attach_sources(single);
  CHECK(single.context[0].line_text == "l6");
  CHECK(single.context[0].excerpt.lines == std::vector<std::string>{"l4", "l5", "l6"});
}

TEST_CASE("sources: files read on several threads give what one thread gives") {
  testing::TempDir dir;
  std::vector<Finding> findings;
  for (int f = 0; f < 12; ++f) {
    std::string name = "m" + std::to_string(f) + ".py";
    std::string text;
    for (int line = 1; line <= 9; ++line) text += "x" + std::to_string(f) + " = " + std::to_string(line) + "\r\n";
    dir.write(name, f % 3 == 0 ? text.substr(0, text.size() - 2) : text);  // some without a last newline
    for (uint32_t line : {1u, 5u, 9u, 12u})
      findings.push_back(testing::make_finding("TPU101", Category::DevicePlacement, Severity::Warning, name, line,
                                               1, "x", "m"));
  }
  Report serial = report_of(findings, dir.path().string());
  Report parallel = report_of(findings, dir.path().string());
  attach_sources(serial, SourceOptions{.jobs = 1});
  attach_sources(parallel, SourceOptions{.jobs = 4});
  REQUIRE(parallel.context.size() == findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    CHECK(parallel.context[i].line_text == serial.context[i].line_text);
    CHECK(parallel.context[i].excerpt.lines == serial.context[i].excerpt.lines);
    CHECK(parallel.context[i].fingerprint == serial.context[i].fingerprint);
  }
  // Line 5 of m4.py, without its \r; line 12 is past the end and has no text.
  CHECK(parallel.context[4 * 4 + 1].line_text == "x4 = 5");
  CHECK(parallel.context[4 * 4 + 3].line_text.empty());
  CHECK(parallel.context[0].excerpt.lines == std::vector<std::string>{"x0 = 1", "x0 = 2", "x0 = 3"});
}

TEST_CASE("baseline: the path in the fingerprint is where CI sees the file") {
  Finding in_src = cuda_call(3);
  Report from_top = report_of({}, ".");
  Report from_src = report_of({}, "src");
  Report from_file = report_of({}, "src/train.py");
  Report absolute = report_of({}, "/work/checkout");
  in_src.location.path = "src/train.py";
  std::string expected = fingerprint(from_top, in_src, "x");
  in_src.location.path = "train.py";
  CHECK(fingerprint(from_src, in_src, "x") == expected);
  CHECK(fingerprint(from_file, in_src, "x") == expected);
  CHECK(fingerprint(absolute, in_src, "x") == fingerprint("TPU101", "train.py", ".cuda()", "x"));
}

TEST_CASE("baseline: bad files are errors, and a JSON report with fingerprints is a baseline") {
  CHECK(std::holds_alternative<std::string>(parse_baseline("not json")));
  CHECK(std::holds_alternative<std::string>(parse_baseline("[]")));
  CHECK(std::holds_alternative<std::string>(parse_baseline(R"({"schema":"other@1","findings":[]})")));
  CHECK(std::holds_alternative<std::string>(parse_baseline(R"({"schema":1,"findings":[]})")));  // not a throw
  CHECK(std::holds_alternative<std::string>(parse_baseline(R"({"schema":"tpu-migrate/baseline@1"})")));
  CHECK(std::holds_alternative<std::string>(
      parse_baseline(R"({"schema":"tpu-migrate/baseline@1","findings":[{"rule":"TPU101"}]})")));
  auto report = parse_baseline(R"({"schema":"tpu-migrate/report@1","findings":[{"fingerprint":"00ff"}]})");
  REQUIRE(std::holds_alternative<Baseline>(report));
  CHECK(std::get<Baseline>(report).fingerprints == std::vector<std::string>{"00ff"});
}

TEST_CASE("gate: --fail-under and --fail-on") {
  Report report = testing::sample_report();  // readiness 43, 2 blockers
  CHECK_FALSE(evaluate_gate(report, {}).failed);
  CHECK(evaluate_gate(report, GateOptions{.fail_under = 44}).failed);
  CHECK_FALSE(evaluate_gate(report, GateOptions{.fail_under = 43}).failed);
  CHECK(evaluate_gate(report, GateOptions{.fail_on = Severity::Blocker}).failed);
  GateResult both = evaluate_gate(report, GateOptions{.fail_under = 90, .fail_on = Severity::Info});
  CHECK(both.reasons.size() == 2);

  Report clean = report_of({testing::make_finding("TPU800", Category::Dataloading, Severity::Info, "d.py", 1, 1, "p", "m")});
  CHECK_FALSE(evaluate_gate(clean, GateOptions{.fail_under = 100, .fail_on = Severity::Warning}).failed);
  CHECK(evaluate_gate(clean, GateOptions{.fail_on = Severity::Info}).failed);
}

TEST_CASE("baseline: it remembers its target; files that name none were written for PyTorch/XLA") {
  Report report = report_of({cuda_call(3)});
  report.profile = "torchtpu";
  auto written = parse_baseline(render_baseline(report));
  REQUIRE(std::holds_alternative<Baseline>(written));
  CHECK(std::get<Baseline>(written).target == "torchtpu");
  // Before TorchTPU became the default, baseline files had no "target": they were PyTorch/XLA's,
  // as is a JSON report older than its "profile" field.
  auto old = parse_baseline(R"({"schema":"tpu-migrate/baseline@1","findings":[{"fingerprint":"0123456789abcdef"}]})");
  REQUIRE(std::holds_alternative<Baseline>(old));
  CHECK(std::get<Baseline>(old).target == opdb::kLegacyDefaultTarget);
  CHECK(std::get<Baseline>(old).fingerprints == std::vector<std::string>{"0123456789abcdef"});
  auto saved_report = parse_baseline(R"({"schema":"tpu-migrate/report@1","profile":"torchtpu","findings":[]})");
  REQUIRE(std::holds_alternative<Baseline>(saved_report));
  CHECK(std::get<Baseline>(saved_report).target == "torchtpu");
  auto old_report = parse_baseline(R"({"schema":"tpu-migrate/report@1","findings":[]})");
  CHECK(std::get<Baseline>(old_report).target == "xla");
}

TEST_CASE("gate: with a baseline only new findings fail --fail-on; --fail-under judges them all") {
  Report report = testing::sample_report();
  Baseline all;
  for (const FindingContext& context : report.context) all.fingerprints.push_back(context.fingerprint);
  apply_baseline(report, all);
  CHECK_FALSE(evaluate_gate(report, GateOptions{.fail_on = Severity::Info}).failed);
  CHECK(evaluate_gate(report, GateOptions{.fail_under = 90}).failed);

  all.fingerprints.erase(all.fingerprints.begin() + 1);  // the flash_attn blocker is new
  apply_baseline(report, all);
  GateResult result = evaluate_gate(report, GateOptions{.fail_on = Severity::Blocker});
  CHECK(result.failed);
  REQUIRE(result.reasons.size() == 1);
  CHECK(result.reasons[0].find("1 new finding") != std::string::npos);
}

}  // namespace
}  // namespace tpu::reports
