// SPDX-License-Identifier: Apache-2.0
// A test case that cannot run on this machine says so instead of passing silently:
// TPU_SKIP_TEST(why) prints why, counts the case as skipped and returns. The binary
// (tests/main.cc) exits with kSkipExitCode when every test case it ran was skipped, and ctest
// (SKIP_RETURN_CODE, tests/CMakeLists.txt) reports such a run as skipped, not passed.
#pragma once

#include <doctest/doctest.h>

namespace tpu::testing {

inline constexpr int kSkipExitCode = 77;

inline int& skipped_test_cases() {
  static int count = 0;
  return count;
}

}  // namespace tpu::testing

#define TPU_SKIP_TEST(why)                        \
  do {                                            \
    MESSAGE("skipped: " << why);                  \
    ++::tpu::testing::skipped_test_cases();       \
    return;                                       \
  } while (false)
