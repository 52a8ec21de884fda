// SPDX-License-Identifier: Apache-2.0
// Records the aten ops a TorchScript module runs, through a global at::RecordFunction callback,
// into a part file of the trace format (the same one the Python hook writes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace tpu::torchscript {

struct ObserverOptions {
  std::filesystem::path out_dir;
  uint32_t samples_per_op = 2;
  uint64_t max_tensor_bytes = 4ull << 20;
  uint64_t max_sample_bytes = 64ull << 20;
  uint64_t limit_ops = 0;
};

/// Only ops called by the interpreter itself (depth 1 on the calling thread) are recorded: the
/// ops a composite op calls inside its kernel are its implementation, not the model's calls.
class OpObserver {
 public:
  explicit OpObserver(ObserverOptions options);
  ~OpObserver();
  OpObserver(const OpObserver&) = delete;
  OpObserver& operator=(const OpObserver&) = delete;

  void start();  ///< installs the callback (one observer at a time)
  void stop();

  /// Writes parts/p<pid>.json; the error message on failure.
  std::optional<std::string> write_part() const;
  uint64_t total() const { return total_; }

  struct Call;  // one in-flight recorded op (the RecordFunction context)
  void begin(Call& call);
  void end(Call& call);

 private:
  struct Site {
    std::map<std::string, nlohmann::json> calls;  // signature key -> {"dtypes", ..., "count"}
  };
  ObserverOptions options_;
  std::map<std::tuple<std::string, std::string, std::string, int64_t>, Site> sites_;
  nlohmann::json samples_ = nlohmann::json::array();
  std::vector<std::string> errors_;
  std::map<std::string, uint32_t> sampled_;  // op + dtypes -> samples kept
  uint64_t total_ = 0, sample_bytes_ = 0, sequence_ = 0;
  uint64_t handle_ = 0;
  bool limit_reached_ = false;
};

}  // namespace tpu::torchscript
