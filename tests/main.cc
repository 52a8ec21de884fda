// SPDX-License-Identifier: Apache-2.0
// The doctest binary: every unit and golden test links into this one executable. A run whose
// every test case was skipped (TPU_SKIP_TEST) exits with kSkipExitCode, so that ctest, which
// runs one test case per process, reports it as skipped rather than passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "skip_support.h"

namespace {

int test_cases_run = 0;

// Counts the test cases the run executed (those that passed the filters).
struct RunCounter : doctest::IReporter {
  explicit RunCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    test_cases_run = static_cast<int>(stats.numTestCasesPassingFilters);
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
DOCTEST_REGISTER_LISTENER("run-counter", 1, RunCounter);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  int result = context.run();
  if (context.shouldExit()) return result;
  int skipped = tpu::testing::skipped_test_cases();
  if (result == 0 && skipped > 0 && skipped == test_cases_run) return tpu::testing::kSkipExitCode;
  return result;
}
