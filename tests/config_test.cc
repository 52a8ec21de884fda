// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <variant>

#include "analyzer/core/config.h"
#include "test_support.h"

using namespace tpu;

TEST_CASE("config: [tool.tpu-migrate] in pyproject.toml") {
  testing::TempDir dir;
  dir.write("pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.tpu-migrate]\nselect = [\"TPU1\", \"amp\"]\n"
            "ignore = \"pin-memory\"\nexclude = [\"tests/**\"]\ntarget = \"torchtpu\"\n");
  auto loaded = load_config(dir.path());
  REQUIRE(std::holds_alternative<Config>(loaded));
  const Config& config = std::get<Config>(loaded);
  CHECK(config.select == std::vector<std::string>{"TPU1", "amp"});
  CHECK(config.ignore == std::vector<std::string>{"pin-memory"});
  CHECK(config.exclude == std::vector<std::string>{"tests/**"});
  CHECK(config.target == "torchtpu");
}

TEST_CASE("config: the nearest file wins; tpu-migrate.toml before pyproject.toml") {
  testing::TempDir dir;
  dir.write("pyproject.toml", "[tool.tpu-migrate]\nignore = [\"amp\"]\n");
  dir.write("sub/tpu-migrate.toml", "ignore = [\"distributed\"]\n");
  dir.write("sub/pyproject.toml", "[tool.tpu-migrate]\nignore = [\"cuda-api\"]\n");
  dir.write("sub/deeper/x.py", "");
  auto loaded = load_config(dir.path() / "sub" / "deeper");
  REQUIRE(std::holds_alternative<Config>(loaded));
  CHECK(std::get<Config>(loaded).ignore == std::vector<std::string>{"distributed"});
  auto top = load_config(dir.path());
  CHECK(std::get<Config>(top).ignore == std::vector<std::string>{"amp"});
}

TEST_CASE("config: a pyproject.toml without the table is skipped") {
  testing::TempDir dir;
  dir.write("pyproject.toml", "[tool.tpu-migrate]\ntarget = \"xla\"\n");
  dir.write("pkg/pyproject.toml", "[project]\nname = \"pkg\"\n");
  auto loaded = load_config(dir.path() / "pkg");
  CHECK(std::get<Config>(loaded).target == "xla");
}

TEST_CASE("config: errors name the file and line") {
  testing::TempDir dir;
  dir.write("tpu-migrate.toml", "select = [\"a\"]\ntarget = \"cuda\"\n");
  auto loaded = load_config(dir.path());
  REQUIRE(std::holds_alternative<InputError>(loaded));
  CHECK(std::get<InputError>(loaded).line == 2);
  dir.write("tpu-migrate.toml", "select = [\n");
  loaded = load_config(dir.path());
  REQUIRE(std::holds_alternative<InputError>(loaded));
  CHECK(std::get<InputError>(loaded).message.find("invalid TOML") != std::string::npos);
}
