// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include "analyzer/core/ignore_rules.h"

using tpu::IgnoreRules;

TEST_CASE("gitignore: unanchored patterns match at any depth") {
  IgnoreRules rules;
  rules.add_file("", "*.pyc\n# a comment\n\nlogs\n");
  CHECK(rules.ignored("a/b/c.pyc", false));
  CHECK(rules.ignored("logs", true));
  CHECK(rules.ignored("deep/logs", true));
  CHECK_FALSE(rules.ignored("a/b/c.py", false));
}

TEST_CASE("gitignore: anchored and directory-only patterns") {
  IgnoreRules rules;
  rules.add_file("", "/build\nout/\ndocs/*.py\n");
  CHECK(rules.ignored("build", true));
  CHECK_FALSE(rules.ignored("src/build", true));
  CHECK(rules.ignored("out", true));
  CHECK_FALSE(rules.ignored("out", false));
  CHECK(rules.ignored("docs/conf.py", false));
  CHECK_FALSE(rules.ignored("docs/sub/conf.py", false));
}

TEST_CASE("gitignore: negation and last match wins") {
  IgnoreRules rules;
  rules.add_file("", "*.py\n!keep.py\n");
  CHECK(rules.ignored("drop.py", false));
  CHECK_FALSE(rules.ignored("keep.py", false));
  CHECK_FALSE(rules.ignored("sub/keep.py", false));
}

TEST_CASE("gitignore: nested files apply below their folder and take precedence") {
  IgnoreRules rules;
  rules.add_file("", "*.gen.py\n");
  rules.add_file("pkg", "!special.gen.py\n/local.py\n");
  CHECK(rules.ignored("other.gen.py", false));
  CHECK_FALSE(rules.ignored("pkg/special.gen.py", false));
  CHECK(rules.ignored("special.gen.py", false));
  CHECK(rules.ignored("pkg/local.py", false));
  CHECK_FALSE(rules.ignored("local.py", false));
  rules.pop_below("pkg");
  CHECK(rules.ignored("pkg/special.gen.py", false));
}

TEST_CASE("gitignore: escaped characters and trailing spaces") {
  IgnoreRules rules;
  rules.add_file("", "\\#notes.py\nspaced.py   \n");
  CHECK(rules.ignored("#notes.py", false));
  CHECK(rules.ignored("spaced.py", false));
}

TEST_CASE("gitignore: plain names and star-suffixes match as the glob matcher would") {
  // These shapes skip the glob matcher; the answers must not change.
  IgnoreRules rules;
  rules.add_file("", "*.egg\nnotes.txt\n*\\[x]\ndocs/api\n");
  CHECK(rules.ignored("a/b/pkg.egg", true));
  CHECK(rules.ignored("pkg.egg", false));
  CHECK_FALSE(rules.ignored("pkg.egg.txt", false));
  CHECK_FALSE(rules.ignored("egg", false));
  CHECK(rules.ignored("deep/notes.txt", false));
  CHECK_FALSE(rules.ignored("notes.txt.bak", false));
  CHECK_FALSE(rules.ignored("mynotes.txt", false));
  CHECK(rules.ignored("a/file[x]", false));  // an escaped class is still a glob
  CHECK_FALSE(rules.ignored("a/filex", false));
  CHECK(rules.ignored("docs/api", true));  // anchored: only under the file's folder
  CHECK_FALSE(rules.ignored("src/docs/api", true));
}
