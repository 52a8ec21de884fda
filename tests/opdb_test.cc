#include <doctest/doctest.h>
#include "opdb/opdb.h"
TEST_CASE("placeholder") { CHECK(tpu::opdb::OpDb::builtin().load_errors().empty()); }
