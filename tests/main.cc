// SPDX-License-Identifier: Apache-2.0
// The doctest binary: every unit and golden test links into this one executable.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
