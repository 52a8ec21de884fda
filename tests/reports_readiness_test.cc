// SPDX-License-Identifier: Apache-2.0
// The readiness score: range, the "100 only when nothing but info remains" rule, and
// monotonicity as properties over many random reports, plus the breakdowns' arithmetic.
#include <doctest/doctest.h>

#include <random>

#include "reports/readiness.h"
#include "reports/report.h"
#include "reports_fixture.h"

namespace tpu::reports {
namespace {

constexpr const char* kStatuses[] = {"lowered", "decomposed", "fallback", "unsupported", "unknown"};

Report random_report(std::mt19937& random) {
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  Report report;
  report.root = "repo";
  int files = 1 + pick(6);
  report.scan.files_scanned = static_cast<size_t>(files + pick(40));
  int findings = pick(30);
  for (int i = 0; i < findings; ++i) {
    Finding finding = testing::make_finding("TPU" + std::to_string(100 + pick(900)),
                                            static_cast<Category>(pick(kCategoryCount)),
                                            static_cast<Severity>(pick(3)), "f" + std::to_string(pick(files)) + ".py",
                                            1 + pick(200), 1 + pick(40), "sym", "message");
    int fix = pick(4);  // none, manual, unsafe, safe
    if (fix != 0) finding.fix = Fix{static_cast<Applicability>(fix - 1), "fix", {}};
    report.scan.findings.push_back(std::move(finding));
  }
  int ops = pick(10);
  for (int i = 0; i < ops; ++i) {
    OpUse use{"aten::op" + std::to_string(i), kStatuses[pick(5)], "", {"static"}, 1, {}};
    int sites = pick(3);
    for (int k = 0; k < sites; ++k) use.locations.push_back(Location{"f" + std::to_string(pick(files)) + ".py", 1u + pick(9)});
    report.scan.ops.push_back(std::move(use));
  }
  summarize(report);
  return report;
}

int score(const Report& report) {
  return readiness_score(report.scan.findings, report.scan.ops, report.scan.files_scanned);
}

bool only_info(const Report& report) {
  for (const Finding& finding : report.scan.findings)
    if (finding.severity != Severity::Info) return false;
  for (const OpUse& use : report.scan.ops)
    if (use.status == "fallback" || use.status == "unsupported") return false;
  return true;
}

TEST_CASE("readiness: 0..100, and 100 exactly when nothing but info remains (property)") {
  std::mt19937 random(20240611);
  for (int trial = 0; trial < 2000; ++trial) {
    Report report = random_report(random);
    CAPTURE(trial);
    int value = report.summary.readiness;
    CHECK(value >= 0);
    CHECK(value <= 100);
    CHECK(value == score(report));
    CHECK((value == 100) == only_info(report));
  }
}

TEST_CASE("readiness: resolving a finding or an op never lowers the score (property)") {
  std::mt19937 random(7);
  for (int trial = 0; trial < 600; ++trial) {
    Report report = random_report(random);
    const int before = score(report);
    CAPTURE(trial);
    for (size_t i = 0; i < report.scan.findings.size(); ++i) {
      Report fewer = report;
      fewer.scan.findings.erase(fewer.scan.findings.begin() + static_cast<long>(i));
      CHECK(score(fewer) >= before);  // removed
      Report milder = report;
      Finding& finding = milder.scan.findings[i];
      if (finding.severity != Severity::Info) {
        finding.severity = static_cast<Severity>(static_cast<int>(finding.severity) - 1);
        CHECK(score(milder) >= before);  // downgraded
      }
      Report fixable = report;
      fixable.scan.findings[i].fix = Fix{Applicability::Safe, "safe now", {}};
      CHECK(score(fixable) >= before);  // a safe fix appeared
    }
    for (size_t i = 0; i < report.scan.ops.size(); ++i) {
      Report fewer = report;
      fewer.scan.ops.erase(fewer.scan.ops.begin() + static_cast<long>(i));
      CHECK(score(fewer) >= before);
      Report lowered = report;
      lowered.scan.ops[i].status = "lowered";
      CHECK(score(lowered) >= before);
    }
  }
}

TEST_CASE("readiness: weights severity, safe fixes and op coverage") {
  auto with = [](Severity severity, std::optional<Applicability> fix) {
    Finding finding = testing::make_finding("TPU101", Category::DevicePlacement, severity, "a.py", 1, 1, "x", "m");
    if (fix) finding.fix = Fix{*fix, "fix", {}};
    return readiness_score({finding}, {}, 10);
  };
  CHECK(with(Severity::Info, std::nullopt) == 100);
  CHECK(with(Severity::Blocker, std::nullopt) < with(Severity::Warning, std::nullopt));
  CHECK(with(Severity::Warning, std::nullopt) < with(Severity::Warning, Applicability::Safe));
  CHECK(with(Severity::Warning, Applicability::Unsafe) == with(Severity::Warning, std::nullopt));
  CHECK(with(Severity::Blocker, std::nullopt) < with(Severity::Blocker, Applicability::Safe));
  CHECK(with(Severity::Warning, Applicability::Safe) == 97);  // 100*40/41, floored

  OpUse fallback{"aten::nonzero", "fallback", "", {}, 1, {}};
  OpUse unsupported{"aten::_sparse_mm", "unsupported", "", {}, 1, {}};
  OpUse lowered{"aten::mm", "lowered", "", {}, 1, {}};
  CHECK(readiness_score({}, {lowered}, 10) == 100);
  CHECK(readiness_score({}, {fallback}, 10) < 100);
  CHECK(readiness_score({}, {unsupported}, 10) < readiness_score({}, {fallback}, 10));
  // A bigger codebase absorbs the same findings better.
  Finding blocker = testing::make_finding("TPU500", Category::ThirdPartyCudaLib, Severity::Blocker, "a.py", 1, 1, "x", "m");
  CHECK(readiness_score({blocker}, {}, 100) > readiness_score({blocker}, {}, 1));
  // A penalty never rounds up to 100.
  CHECK(readiness_from(1, 1000000) == 99);
  CHECK(readiness_from(0, 20) == 100);
}

TEST_CASE("readiness: the explanation states the weights the code uses") {
  std::string_view text = readiness_explanation();
  CHECK(text.find("blocker 10 (4") != std::string_view::npos);
  CHECK(text.find("warning  3 (1") != std::string_view::npos);
  CHECK(text.find("unsupported 5, CPU fallback 2") != std::string_view::npos);
  CHECK(text.find("20 + 2 x files scanned") != std::string_view::npos);
  CHECK(finding_penalty(testing::make_finding("X", Category::CudaApi, Severity::Blocker, "a", 1, 1, "", "")) == 10);
  CHECK(op_penalty("unsupported") == 5);
  CHECK(op_penalty("fallback") == 2);
  CHECK(readiness_capacity(3) == 26);
}

TEST_CASE("breakdowns: slices add up, and each says the score without it (property)") {
  std::mt19937 random(99);
  for (int trial = 0; trial < 500; ++trial) {
    Report report = random_report(random);
    const Summary& s = report.summary;
    CAPTURE(trial);
    uint64_t total = s.findings_penalty + s.ops_penalty;
    uint64_t by_category = 0;
    size_t counted = 0;
    for (const Breakdown& slice : s.categories) {
      by_category += slice.penalty;
      counted += slice.by_severity[0] + slice.by_severity[1] + slice.by_severity[2];
      CHECK(slice.readiness_without >= s.readiness);
    }
    CHECK(by_category == total);
    CHECK(counted == report.scan.findings.size());
    for (size_t k = 1; k < s.categories.size(); ++k) CHECK(s.categories[k - 1].penalty >= s.categories[k].penalty);

    for (const Breakdown& slice : s.files) {
      CHECK(slice.readiness_without >= s.readiness);
      // Resolving the file for real (its findings, and the ops used only there) gives the
      // score the breakdown promised.
      Report resolved = report;
      std::erase_if(resolved.scan.findings, [&](const Finding& f) { return f.location.path == slice.key; });
      std::erase_if(resolved.scan.ops, [&](const OpUse& use) {
        if (use.locations.empty()) return false;
        for (const Location& at : use.locations)
          if (at.path != slice.key) return false;
        return true;
      });
      CHECK(score(resolved) == slice.readiness_without);
    }
    for (size_t k = 1; k < s.files.size(); ++k) CHECK(s.files[k - 1].key < s.files[k].key);
  }
}

TEST_CASE("summary: counts by severity, category and op status") {
  Report report = testing::sample_report();
  const Summary& s = report.summary;
  CHECK(s.by_severity[static_cast<size_t>(Severity::Blocker)] == 2);
  CHECK(s.by_severity[static_cast<size_t>(Severity::Warning)] == 4);
  CHECK(s.by_severity[static_cast<size_t>(Severity::Info)] == 1);
  CHECK(s.ops_by_status[op_status_index("fallback")] == 1);
  CHECK(s.ops_by_status[op_status_index("unsupported")] == 1);
  CHECK(s.autofixable == 4);  // pin_memory, nccl, two .cuda()
  CHECK(s.findings_penalty == 10 + 10 + 1 + 3 + 3 + 3);
  CHECK(s.ops_penalty == 5 + 2);
  CHECK(s.capacity == 28);
  CHECK(s.readiness == 100 * 28 / (28 + 37));
  REQUIRE(s.files.size() == 3);  // data.py, model.py, train.py
  CHECK(s.files[1].penalty == 10 + 10 + 5);  // model.py: two blockers and the unsupported op used there
}

}  // namespace
}  // namespace tpu::reports
