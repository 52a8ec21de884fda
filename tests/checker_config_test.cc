// SPDX-License-Identifier: Apache-2.0
// [tool.tpu-migrate.check] / [check]: what is read, what is refused, and which file wins.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "checker/check_config.h"
#include "tests/test_support.h"

using namespace tpu::checker;

TEST_CASE("check config: pyproject.toml tables") {
  ConfigResult r = parse_check_config_text(R"(
[tool.tpu-migrate]
select = ["TPU1"]

[tool.tpu-migrate.check]
cosine-min = 0.98

[tool.tpu-migrate.check.dtypes.bfloat16]
rtol = 0.03

[tool.tpu-migrate.check.ops."aten::addmm"]
atol = 1e-2
level = "L0"

[tool.tpu-migrate.check.ops."aten::addmm".float32]
warn-rtol = 0.05

[tool.tpu-migrate.check.ops."aten::dropout"]
skip = true
)",
                                           "pyproject.toml");
  REQUIRE(r.error == "");
  REQUIRE(r.config);
  const ToleranceTable& t = r.config->tolerances;
  CHECK(t.resolve("aten::relu", "default", "float32").cosine_min == doctest::Approx(0.98));
  CHECK(t.resolve("aten::relu", "default", "bfloat16").rtol == doctest::Approx(0.03));
  Tolerance addmm = t.resolve("aten::addmm", "default", "float32");
  CHECK(addmm.atol == doctest::Approx(1e-2));
  CHECK(addmm.warn_rtol == doctest::Approx(0.05));
  CHECK(t.level("aten::addmm", "default") == Level::L0);
  CHECK(t.skipped("aten::dropout", "default"));
}

TEST_CASE("check config: tpu-migrate.toml uses a top-level [check]") {
  ConfigResult r = parse_check_config_text("[check]\nrtol = 1e-4\n", "tpu-migrate.toml");
  REQUIRE(r.config);
  CHECK(r.config->tolerances.resolve("aten::add", "Tensor", "float32").rtol == doctest::Approx(1e-4));
}

TEST_CASE("check config: a pyproject.toml without our table is not ours") {
  ConfigResult r = parse_check_config_text("[tool.black]\nline-length = 100\n", "pyproject.toml");
  CHECK(r.error == "");
  CHECK_FALSE(r.config);
}

TEST_CASE("check config: mistakes are errors with the file and line") {
  ConfigResult typo = parse_check_config_text("[check]\nrtoll = 1e-4\n", "tpu-migrate.toml");
  CHECK(typo.error == "tpu-migrate.toml:2: unknown key check.rtoll");
  ConfigResult level = parse_check_config_text("[check.ops.\"aten::mm\"]\nlevel = \"L7\"\n", "tpu-migrate.toml");
  CHECK(level.error.find("level must be") != std::string::npos);
  ConfigResult negative = parse_check_config_text("[check]\natol = -1\n", "tpu-migrate.toml");
  CHECK(negative.error.find("must not be negative") != std::string::npos);
  ConfigResult text = parse_check_config_text("[check]\natol = \"big\"\n", "tpu-migrate.toml");
  CHECK(text.error.find("must be a number") != std::string::npos);
  ConfigResult syntax = parse_check_config_text("[check\n", "tpu-migrate.toml");
  CHECK(syntax.error.rfind("tpu-migrate.toml:1: ", 0) == 0);
  ConfigResult dtype = parse_check_config_text("[check.dtypes.float8]\nrtol = 1\n", "tpu-migrate.toml");
  CHECK(dtype.error.find("not a dtype table") != std::string::npos);
}

TEST_CASE("check config: the nearest file wins, tpu-migrate.toml before pyproject.toml") {
  tpu::testing::TempDir dir;
  dir.write("pyproject.toml", "[tool.tpu-migrate.check]\nrtol = 0.5\n");
  dir.write("tpu-migrate.toml", "[check]\nrtol = 0.25\n");
  dir.write("sub/pyproject.toml", "[tool.other]\nx = 1\n");  // not ours: keep looking upwards
  std::filesystem::create_directories(dir.path() / "sub" / "deeper");
  ConfigResult r = load_check_config(dir.path() / "sub" / "deeper");
  REQUIRE(r.config);
  CHECK(r.config->source == dir.path() / "tpu-migrate.toml");
  CHECK(r.config->tolerances.resolve("aten::add", "Tensor", "float32").rtol == doctest::Approx(0.25));
}
