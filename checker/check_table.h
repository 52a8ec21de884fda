// SPDX-License-Identifier: Apache-2.0
// The check report as a terminal table: failing and warning ops first with their worst
// output's metrics and the source lines that ran them; passing and skipped ops summarised
// unless `all` is set.
#pragma once

#include <string>

#include "checker/check_result.h"

namespace tpu::checker {

struct TableOptions {
  bool color = false;
  bool all = false;  ///< list passing and skipped ops too
};

std::string check_table(const CheckReport& report, const TableOptions& options);

}  // namespace tpu::checker
