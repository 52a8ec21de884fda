// SPDX-License-Identifier: Apache-2.0
// The numerics section of a report: what `tpu-migrate check --format json` (schema
// tpu-migrate/check@1, docs/check.md) says, reduced to what a page shows. Read from the check's
// JSON so that reports never link the checker (or libtorch).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tpu::reports {

struct NumericsLocation {
  std::string path;
  uint32_t line = 0;
  uint64_t samples = 0;
};

struct NumericsOp {
  std::string name;    ///< "aten::addmm"
  std::string status;  ///< fail | error | warn | pass | skipped
  std::optional<double> score;  ///< lower is worse; empty: infinitely bad
  std::string detail;  ///< the worst output of the worst sample: why it has that status
  std::vector<NumericsLocation> locations;
};

struct Numerics {
  std::string verdict;    ///< pass | warn | fail
  std::string candidate;  ///< "cpu (emulate-tpu, precision default)"
  std::string source;     ///< the device the program ran on
  size_t pass = 0, warn = 0, fail = 0, skipped = 0, error = 0, samples = 0;
  std::vector<NumericsOp> ops;  ///< worst first, as check wrote them
  std::string model_status, model_reason;  ///< --model runs; empty otherwise
};

/// Parses check's JSON. Returns the reason when it is not a tpu-migrate/check@1 document.
std::variant<Numerics, std::string> load_numerics(std::string_view text);

}  // namespace tpu::reports
