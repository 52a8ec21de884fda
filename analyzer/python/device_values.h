// SPDX-License-Identifier: Apache-2.0
// Constant propagation of device strings: does this expression evaluate to a CUDA device?
// Follows simple assignments, parameter defaults, conditional expressions, f-strings,
// torch.device(...), argparse defaults (`args.device`), dict and config defaults
// (`cfg["device"]`, `cfg.get("device")`), `self.device` set in the class, and
// os.environ.get("…", "cuda").
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "analyzer/python/module_view.h"

namespace tpu::python {

struct DeviceValue {
  uint32_t origin_line = 0;  ///< where the CUDA literal is written
  std::string spelled;       ///< the literal as written, e.g. "cuda:0" or f"cuda:{rank}"
  bool conditional = false;  ///< chosen by a condition (`"cuda" if … else "cpu"`)
};

class DeviceTracker {
 public:
  explicit DeviceTracker(const ModuleView& view);

  /// True for a string literal naming a CUDA device: "cuda", "cuda:1", f"cuda:{rank}".
  bool is_cuda_literal(TSNode node) const;

  /// The CUDA device `expression` evaluates to at its position, or nullopt.
  std::optional<DeviceValue> evaluate(TSNode expression, const Context& context) const;

 private:
  std::optional<DeviceValue> evaluate(TSNode expression, const Context& context, int depth) const;
  std::optional<DeviceValue> evaluate_key(TSNode container, std::string_view key,
                                          const Context& context, uint32_t at, int depth) const;

  const ModuleView& view_;
  std::unordered_map<std::string, TSNode> argparse_defaults_;  // dest -> default value
  std::unordered_map<std::string, TSNode> self_attributes_;    // self.X = value
};

}  // namespace tpu::python
