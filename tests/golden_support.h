// SPDX-License-Identifier: Apache-2.0
// The one compare-or-update of every golden test: CHECK_GOLDEN(path, actual) checks that the
// file at `path` holds exactly `actual`; with TPU_UPDATE_GOLDEN set (to anything but "" or
// "0") it rewrites the file instead, and the change is reviewed in the diff.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tpu::testing {

inline bool updating_goldens() {
  const char* update = std::getenv("TPU_UPDATE_GOLDEN");
  return update != nullptr && *update != '\0' && std::string(update) != "0";
}

/// Compares `actual` with the golden file at `path` (or rewrites it, see above). Returns an
/// empty string when they match or the file was rewritten, else a message that says what to do.
inline std::string golden_mismatch(const std::filesystem::path& path, const std::string& actual) {
  if (updating_goldens()) {
    std::ofstream(path, std::ios::binary) << actual;
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return "missing golden " + path.string() + " (run with TPU_UPDATE_GOLDEN=1)";
  std::ostringstream expected;
  expected << in.rdbuf();
  if (expected.str() == actual) return {};
  return "output differs from " + path.string() + " (review, then TPU_UPDATE_GOLDEN=1):\n" + actual;
}

}  // namespace tpu::testing

// A macro, so that a failure is reported at the test's line rather than inside the helper.
#define CHECK_GOLDEN(path, actual)                                                  \
  do {                                                                              \
    const std::string golden_problem_ = ::tpu::testing::golden_mismatch(path, actual); \
    CHECK_MESSAGE(golden_problem_.empty(), golden_problem_);                        \
  } while (false)
