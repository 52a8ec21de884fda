// SPDX-License-Identifier: Apache-2.0
// What a Python rule family sees: the file's ModuleView, the device-value tracker, and a
// way to report findings. Rules never print and never write files.
#pragma once

#include <string>
#include <vector>

#include "analyzer/core/rule.h"
#include "analyzer/python/cuda_mentions.h"
#include "analyzer/python/device_values.h"
#include "analyzer/python/module_view.h"

namespace tpu::python {

/// A module the file refers to, kept for the repository-wide pass that links Python code
/// to the repository's own compiled extensions.
struct ModuleReference {
  std::string qualified;  ///< "fused_ops_cuda" or "fused_ops_cuda.fused_bias_gelu"
  bool is_import = false;
  Location location;
};

class RuleContext {
 public:
  RuleContext(const ModuleView& view, const DeviceTracker& devices, const CudaMentions& mentions,
              std::string target, std::vector<Finding>& out)
      : view(view), devices(devices), mentions(mentions), target(std::move(target)), out_(out) {}

  const ModuleView& view;
  const DeviceTracker& devices;
  const CudaMentions& mentions;
  const std::string target;  ///< op-database target: "xla", "torchtpu", …

  /// Reports `rule` at `node`. The fix, when the rule has one, is described from the rule's
  /// metadata; `severity` overrides the rule's default when given.
  Finding& report(const RuleMeta& rule, TSNode node, std::string symbol, std::string message);

  /// Reports a method call at its method name through the end of the call (`cpu()` in
  /// `x.cpu()`), so that chained calls get distinct, precise locations.
  Finding& report_method(const RuleMeta& rule, const Call& call, std::string symbol,
                         std::string message);

  /// Attaches a fix site to `finding` (which must carry a fix): the rewriter replaces
  /// [begin, end) with the rewrite map's template for `key`. Returns the finding.
  Finding& with_site(Finding& finding, std::string key, uint32_t begin, uint32_t end,
                     std::vector<std::string> args = {});
  Finding& with_site(Finding& finding, std::string key, TSNode range,
                     std::vector<std::string> args = {}) {
    return with_site(finding, std::move(key), ts_node_start_byte(range), ts_node_end_byte(range),
                     std::move(args));
  }

  /// How many findings the file has so far; with lines_since, a family reports one finding
  /// per line for what its calls have reported already.
  size_t findings_so_far() const { return out_.size(); }
  /// The lines of the findings reported since `first` (a findings_so_far() value).
  std::vector<uint32_t> lines_since(size_t first) const;

  /// Extension modules this file declares (setup.py CUDAExtension names, load(name=…)).
  std::vector<std::string> declared_extensions;
  std::vector<ModuleReference> references;
  /// Aten ops the file's calls resolve to: one entry per op, with its call sites in order.
  std::vector<OpUse> op_uses;

 private:
  std::vector<Finding>& out_;
};

}  // namespace tpu::python
