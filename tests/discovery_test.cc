// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <algorithm>

#include "analyzer/core/discovery.h"
#include "test_support.h"

using namespace tpu;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> relative_paths(const Discovery& discovery) {
  std::vector<std::string> paths;
  for (const DiscoveredFile& file : discovery.files) paths.push_back(file.relative);
  return paths;
}

bool has_error(const Discovery& discovery, const std::string& path, const std::string& words) {
  return std::any_of(discovery.errors.begin(), discovery.errors.end(), [&](const InputError& e) {
    return e.path == path && e.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("discovery: languages by extension, sorted, C++ counted") {
  testing::TempDir dir;
  for (const char* name : {"b.py", "a.pyi", "k.cu", "k.cuh", "x.cpp", "x.cc", "x.cxx", "x.h",
                           "x.hpp", "notes.txt", "Makefile"})
    dir.write(std::string("src/") + name, "");
  Discovery found = discover(dir.path(), {});
  CHECK(relative_paths(found) == std::vector<std::string>{
            "src/a.pyi", "src/b.py", "src/k.cu", "src/k.cuh", "src/x.cc", "src/x.cpp",
            "src/x.cxx", "src/x.h", "src/x.hpp"});
  CHECK(found.python_files == 2);
  CHECK(found.cpp_files == 7);
}

TEST_CASE("discovery: nested .gitignore and .ignore with negation") {
  testing::TempDir dir;
  dir.write(".gitignore", "generated/\n*.gen.py\n");
  dir.write("pkg/.ignore", "!keep.gen.py\nscratch.py\n");
  dir.write("generated/x.py", "");
  dir.write("pkg/a.gen.py", "");
  dir.write("pkg/keep.gen.py", "");
  dir.write("pkg/scratch.py", "");
  dir.write("scratch.py", "");
  dir.write("pkg/model.py", "");
  Discovery found = discover(dir.path(), {});
  CHECK(relative_paths(found) ==
        std::vector<std::string>{"pkg/keep.gen.py", "pkg/model.py", "scratch.py"});
  DiscoveryOptions everything;
  everything.use_ignore_files = false;
  CHECK(discover(dir.path(), everything).files.size() == 6);
}

TEST_CASE("discovery: default skips (.git, virtualenvs, site-packages, build outputs)") {
  testing::TempDir dir;
  for (const char* path : {".git/hooks/x.py", "venv/lib/x.py", "myenv/pyvenv.cfg", "myenv/lib/x.py",
                           "lib/python3.11/site-packages/torch/x.py", "node_modules/x/y.py",
                           "build/lib/x.py", "dist/x.py", "pkg.egg-info/x.py", "__pycache__/x.py",
                           "src/real.py"})
    dir.write(path, "");
  CHECK(relative_paths(discover(dir.path(), {})) == std::vector<std::string>{"src/real.py"});
}

TEST_CASE("discovery: --include and --exclude globs") {
  testing::TempDir dir;
  dir.write("src/model.py", "");
  dir.write("src/model_test.py", "");
  dir.write("tests/test_x.py", "");
  DiscoveryOptions options;
  options.exclude = {"tests", "*_test.py"};
  CHECK(relative_paths(discover(dir.path(), options)) == std::vector<std::string>{"src/model.py"});
  DiscoveryOptions only;
  only.include = {"tests/**"};
  CHECK(relative_paths(discover(dir.path(), only)) == std::vector<std::string>{"tests/test_x.py"});
}

TEST_CASE("discovery: symlinks inside the root are followed, outside and loops are not") {
  testing::TempDir outside;
  outside.write("secret.py", "");
  testing::TempDir dir;
  dir.write("pkg/real.py", "");
  fs::create_directory_symlink(dir.path() / "pkg", dir.path() / "alias");
  fs::create_symlink(outside.path() / "secret.py", dir.path() / "leak.py");
  fs::create_directory_symlink(dir.path(), dir.path() / "pkg" / "loop");
  fs::create_symlink(dir.path() / "a.py", dir.path() / "b.py");
  fs::create_symlink(dir.path() / "b.py", dir.path() / "a.py");
  Discovery found = discover(dir.path(), {});
  CHECK(relative_paths(found) == std::vector<std::string>{"alias/real.py"});
  CHECK(has_error(found, "leak.py", "outside the scan root"));
  CHECK(has_error(found, "a.py", "symlink loop"));
  CHECK((has_error(found, "pkg", "symlink loop") || has_error(found, "pkg/loop", "symlink loop") ||
         has_error(found, "alias/loop", "symlink loop")));
}

TEST_CASE("discovery: a single file is scanned even if ignored") {
  testing::TempDir dir;
  dir.write(".gitignore", "*.py\n");
  auto file = dir.write("one.py", "");
  Discovery found = discover(file, {});
  CHECK(relative_paths(found) == std::vector<std::string>{"one.py"});
}

TEST_CASE("discovery: a symlink to a file inside the root is listed once, under the real name") {
  testing::TempDir dir;
  dir.write("pkg/real.py", "");
  dir.write("only_linked/target.py", "");
  fs::create_symlink(dir.path() / "pkg" / "real.py", dir.path() / "a_link.py");
  fs::create_symlink(dir.path() / "pkg" / "real.py", dir.path() / "pkg" / "z_link.py");
  DiscoveryOptions options;
  options.exclude = {"only_linked"};
  fs::create_symlink(dir.path() / "only_linked" / "target.py", dir.path() / "b_link.py");
  fs::create_symlink(dir.path() / "only_linked" / "target.py", dir.path() / "c_link.py");
  Discovery found = discover(dir.path(), options);
  CHECK(relative_paths(found) == std::vector<std::string>{"b_link.py", "pkg/real.py"});
  CHECK(found.python_files == 2);
  CHECK(found.errors.empty());
}

TEST_CASE("discovery: names that are not UTF-8 are reported with their bytes recoverable") {
  CHECK(reported_path("pkg/model.py") == "pkg/model.py");
  CHECK(reported_path("caf\xc3\xa9.py") == "caf\xc3\xa9.py");
  CHECK(reported_path("caf\xe9/x\xff.py") == "caf\\xe9/x\\xff.py");
  CHECK(raw_path("caf\\xe9/x\\xff.py") == "caf\xe9/x\xff.py");
  CHECK(raw_path("pkg/model.py") == "pkg/model.py");
  CHECK(raw_path("a\\x41.py") == "a\\x41.py");  // a real backslash in a UTF-8 name stays
  testing::TempDir dir;
  dir.write("caf\xe9.py", "");
  Discovery found = discover(dir.path(), {});
  CHECK(relative_paths(found) == std::vector<std::string>{"caf\\xe9.py"});
  CHECK(found.files[0].absolute.filename() == "caf\xe9.py");
  CHECK(has_error(found, "caf\\xe9.py", "not UTF-8"));
}
