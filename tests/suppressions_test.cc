// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "test_support.h"

using tpu::testing::rules_of;

TEST_CASE("suppressions: a bare ignore silences its line") {
  CHECK(rules_of("x = t.cuda()  # tpu-migrate: ignore\n").empty());
  CHECK(rules_of("x = t.cuda()  # tpu-migrate: ignored words are not a directive\n").size() == 1);
}

TEST_CASE("suppressions: codes and names in brackets") {
  std::string code = "x = t.cuda(non_blocking=True)  # tpu-migrate: ignore[TPU101]\n";
  CHECK(rules_of(code) == std::vector<std::string>{"TPU801"});
  code = "x = t.cuda(non_blocking=True)  # tpu-migrate: ignore[non-blocking-copy, TPU101]\n";
  CHECK(rules_of(code).empty());
  code = "x = t.cuda()  # tpu-migrate: ignore[TPU999]\n";
  CHECK(rules_of(code) == std::vector<std::string>{"TPU101"});
}

TEST_CASE("suppressions: the last line of a multi-line call counts") {
  CHECK(rules_of("x = t.cuda(\n)  # tpu-migrate: ignore\n").empty());
}

TEST_CASE("suppressions: ignore-file") {
  CHECK(rules_of("# tpu-migrate: ignore-file\nx = t.cuda()\ny = u.cuda()\n").empty());
  CHECK(rules_of("# tpu-migrate: ignore-file[tensor-cuda-call]\nx = t.cuda(non_blocking=True)\n") ==
        std::vector<std::string>{"TPU801"});
}

TEST_CASE("suppressions: a directive in a string is not a comment") {
  CHECK(rules_of("x = t.cuda(); s = '# tpu-migrate: ignore'\n").size() == 1);
}

TEST_CASE("suppressions: ignore-begin / ignore-end regions") {
  std::string code =
      "a.cuda()\n"
      "# tpu-migrate: ignore-begin\n"
      "b.cuda()\n"
      "c.cuda()\n"
      "# tpu-migrate: ignore-end\n"
      "d.cuda()\n";
  CHECK(tpu::testing::findings_of(code) == std::vector<std::string>{"1:3 TPU101", "6:3 TPU101"});
}
