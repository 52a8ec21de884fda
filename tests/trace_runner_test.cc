// SPDX-License-Identifier: Apache-2.0
// The program runner: exit codes pass through, a bound stops the whole process group.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include "trace/program_runner.h"

using namespace tpu::runtime;

TEST_CASE("the program's exit code and a signal death pass through") {
  RunOutcome three = run_program({{"/bin/sh", "-c", "exit 3"}});
  CHECK(three.started);
  CHECK(three.exit_code == 3);
  CHECK(three.stopped_by.empty());
  RunOutcome killed = run_program({{"/bin/sh", "-c", "kill -KILL $$"}});
  CHECK(killed.exit_code == 128 + 9);
}

TEST_CASE("a program that cannot start is an error") {
  RunOutcome missing = run_program({{"/nonexistent/program"}});
  CHECK_FALSE(missing.started);
  CHECK(missing.error.find("cannot run /nonexistent/program") != std::string::npos);
}

TEST_CASE("the environment reaches the program") {
  tpu::testing::TempDir dir;
  std::string out = (dir.path() / "env.txt").string();
  RunOptions options{{"/bin/sh", "-c", "echo \"$TPU_TEST_VALUE\" > " + out}, {{"TPU_TEST_VALUE", "seen"}}};
  CHECK(run_program(options).exit_code == 0);
  std::ifstream in(out);
  std::string value;
  in >> value;
  CHECK(value == "seen");
}

TEST_CASE("--max-seconds stops a program and its children, escalating past a SIGINT it ignores") {
  // The shell ignores SIGINT and SIGTERM (trap), so only SIGKILL ends it; the sleeping child
  // is in the same group and goes too.
  RunOptions options{{"/bin/sh", "-c", "trap '' INT TERM; sleep 30 & while true; do sleep 1; done"}};
  options.max_seconds = 0.3;
  options.grace_seconds = 0.3;
  RunOutcome outcome = run_program(options);
  CHECK(outcome.stopped_by == "max-seconds");
  CHECK(outcome.exit_code == 128 + 9);
  CHECK(outcome.wall_seconds < 10);
}

TEST_CASE("a stop file (--limit-ops) stops the program with SIGINT first") {
  tpu::testing::TempDir dir;
  RunOptions options{{"/bin/sh", "-c", "touch " + (dir.path() / "stop").string() + "; sleep 30"}};
  options.stop_file = dir.path() / "stop";
  RunOutcome outcome = run_program(options);
  CHECK(outcome.stopped_by == "limit-ops");
  CHECK(outcome.exit_code == 128 + 2);
}
