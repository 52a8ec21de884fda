// SPDX-License-Identifier: Apache-2.0
#include "reports/junit_report.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "analyzer/rule_registry.h"
#include "reports/xml_text.h"

namespace tpu::reports {
namespace {

struct Case {
  std::string name;
  std::vector<const Finding*> findings;
  size_t failing = 0;  // blocker and warning findings
};

struct Suite {
  std::string name;
  std::vector<Case> cases;
  size_t failures = 0;
};

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

std::string finding_line(const Finding& finding) {
  const Location& at = finding.location;
  return at.path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
         std::string(to_string(finding.severity)) + ": " + finding.message;
}

// Suites in category order; cases are every rule of the registry (a rule with no finding
// is a passing check) plus rules a loaded report names that the registry lacks.
std::vector<Suite> build_suites(const Report& report) {
  std::map<std::string, Case> cases;
  std::map<Category, std::vector<std::string>> rules_by_category;
  for (const RuleMeta* rule : all_rules()) {
    cases[std::string(rule->code)].name = std::string(rule->code) + " " + std::string(rule->name);
    rules_by_category[rule->category].push_back(std::string(rule->code));
  }
  for (size_t i = 0; i < report.scan.findings.size(); ++i) {
    const Finding& finding = report.scan.findings[i];
    auto [it, added] = cases.try_emplace(finding.rule);
    if (added) {
      it->second.name = finding.rule;
      rules_by_category[finding.category].push_back(finding.rule);
    }
    it->second.findings.push_back(&finding);
    // With a baseline, accepted findings are listed but only new ones fail, as in the gate.
    bool accepted = report.baseline.active && context_of(report, i).baseline != BaselineState::New;
    if (finding.severity != Severity::Info && !accepted) ++it->second.failing;
  }
  std::vector<Suite> suites;
  for (auto& [category, codes] : rules_by_category) {
    Suite suite{std::string(to_string(category)), {}, 0};
    for (const std::string& code : codes) {
      suite.cases.push_back(cases[code]);
      if (cases[code].failing) ++suite.failures;
    }
    suites.push_back(std::move(suite));
  }
  return suites;
}

}  // namespace

std::string render_junit(const Report& report) {
  std::vector<Suite> suites = build_suites(report);
  size_t tests = 0, failures = 0;
  for (const Suite& suite : suites) {
    tests += suite.cases.size();
    failures += suite.failures;
  }
  const auto& errors = report.scan.errors;
  tests += errors.size();

  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"tpu-migrate\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors.size() << "\" time=\"" << seconds(report.seconds) << "\">\n";
  for (const Suite& suite : suites) {
    out << "  <testsuite name=\"" << xml_escape(suite.name) << "\" tests=\"" << suite.cases.size()
        << "\" failures=\"" << suite.failures << "\" errors=\"0\" skipped=\"0\">\n";
    for (const Case& test : suite.cases) {
      out << "    <testcase classname=\"tpu-migrate." << xml_escape(suite.name) << "\" name=\""
          << xml_escape(test.name) << "\"";
      if (test.findings.empty()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      std::string lines;
      for (const Finding* finding : test.findings) lines += finding_line(*finding) + "\n";
      if (test.failing != 0) {
        // The most severe finding names the failure type, so CI views can sort on it.
        Severity worst = Severity::Warning;
        for (const Finding* finding : test.findings) worst = std::max(worst, finding->severity);
        out << "      <failure type=\"" << to_string(worst) << "\" message=\"" << test.failing
            << (test.failing == 1 ? " finding" : " findings") << " to resolve\">"
            << xml_escape(lines) << "</failure>\n";
      } else {
        out << "      <system-out>" << xml_escape(lines) << "</system-out>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  if (!errors.empty()) {
    out << "  <testsuite name=\"input-errors\" tests=\"" << errors.size() << "\" failures=\"0\" errors=\""
        << errors.size() << "\" skipped=\"0\">\n";
    for (const InputError& error : errors) {
      std::string where = error.path + (error.line != 0 ? ":" + std::to_string(error.line) : "");
      out << "    <testcase classname=\"tpu-migrate.input-errors\" name=\"" << xml_escape(where) << "\">\n"
          << "      <error type=\"input-error\" message=\"" << xml_escape(error.message) << "\">"
          << xml_escape(where + ": " + error.message) << "</error>\n"
          << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace tpu::reports
