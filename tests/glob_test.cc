// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "analyzer/core/glob.h"

using tpu::glob_match;
using tpu::path_glob_match;

TEST_CASE("glob: * and ? stay inside one segment") {
  CHECK(glob_match("*.py", "train.py"));
  CHECK_FALSE(glob_match("*.py", "src/train.py"));
  CHECK(glob_match("tr?in.py", "train.py"));
  CHECK_FALSE(glob_match("a?b", "a/b"));
}

TEST_CASE("glob: ** spans segments") {
  CHECK(glob_match("**/*.py", "train.py"));
  CHECK(glob_match("**/*.py", "a/b/c/train.py"));
  CHECK(glob_match("tests/**", "tests/unit/x.py"));
  CHECK(glob_match("a/**/z", "a/z"));
  CHECK(glob_match("a/**/z", "a/b/c/z"));
  CHECK_FALSE(glob_match("a/**/z", "b/z"));
}

TEST_CASE("glob: classes and escapes") {
  CHECK(glob_match("file[0-9].py", "file3.py"));
  CHECK_FALSE(glob_match("file[!0-9].py", "file3.py"));
  CHECK(glob_match("file[!0-9].py", "filex.py"));
  CHECK(glob_match("\\*.py", "*.py"));
  CHECK_FALSE(glob_match("\\*.py", "a.py"));
}

TEST_CASE("path globs: a name without '/' matches at any depth") {
  CHECK(path_glob_match("*_test.py", "pkg/sub/model_test.py"));
  CHECK(path_glob_match("tests", "pkg/tests"));
  CHECK(path_glob_match("pkg/*.py", "pkg/model.py"));
  CHECK_FALSE(path_glob_match("pkg/*.py", "other/pkg/model.py"));
  CHECK(path_glob_match("/pkg/*.py", "pkg/model.py"));
}
