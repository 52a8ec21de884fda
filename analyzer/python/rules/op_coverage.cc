// SPDX-License-Identifier: Apache-2.0
// unsupported-op: the aten ops that Python calls resolve to (torch.X, F.X, nn modules,
// tensor methods), annotated with the op database's status on the target. Ops that fall
// back to the CPU or have no kernel at all are findings at their call sites; every use is
// an OpUse for the report's op coverage. The two TPU targets differ most here: PyTorch/XLA
// runs an op it cannot lower on the CPU (TPU900), TorchTPU raises unless the program enables
// its CPU fallback (TPU901); a finding names the other target's answer where it differs.
#include <array>
#include <string>
#include <unordered_map>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/opdb.h"
#include "opdb/status_text.h"

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU900", .name = "cpu-fallback-op", .category = Category::UnsupportedOp,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "an aten op with no TPU lowering: it runs through the CPU fallback (PyTorch/XLA)",
     .rationale = "PyTorch/XLA runs ops it cannot lower on the CPU: every call copies its inputs "
                  "to the host and back and splits the XLA graph. It works, slowly. TorchTPU has "
                  "no silent fallback: it has kernels for some of these ops and raises for the "
                  "rest (TPU901).",
     .tpu_way = "Use an op the TPU lowers (see `tpu-migrate ops NAME` for what it decomposes "
                "into), or move the call out of the hot loop.",
     .before = "out = F.grid_sample(img, grid)",
     .after = "# resample with ops XLA lowers (gather / interpolate), or precompute on the host"},
    {.code = "TPU901", .name = "unsupported-aten-op", .category = Category::UnsupportedOp,
     .severity = Severity::Blocker, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "an aten op the target cannot run: no TorchTPU kernel, or neither an XLA lowering "
                "nor a CPU kernel",
     .rationale = "TorchTPU raises for an op it has no kernel for (\"not implemented for TPU\"); "
                  "its CPU fallback runs only when the program enables it, for testing and "
                  "debugging. PyTorch/XLA runs such an op on the CPU instead (TPU900), unless "
                  "there is no CPU kernel either (sparse, quantized, nested layouts, CUDA-only "
                  "ops): then the call raises on both.",
     .tpu_way = "Replace it with dense ops the target runs (`tpu-migrate ops NAME` shows each "
                "target's answer); to test on TorchTPU meanwhile, set "
                "`torch_tpu._internal.execution_mode.enable_cpu_fallback = True`.",
     .before = "y = torch.sparse.mm(a, b)",
     .after = "y = a.to_dense() @ b"},
};

// Method names that are far more often Python's own (list.sort, str.split, dict.copy) than
// a tensor's: their calls are not counted as op uses unless spelled torch.X.
constexpr std::array<std::string_view, 12> kAmbiguousMethods = {
    "split", "sort", "index", "copy", "add", "format", "update", "clear", "count", "fill",
    "remove", "pop"};

bool ambiguous(std::string_view method) {
  for (std::string_view name : kAmbiguousMethods)
    if (method == name) return true;
  return false;
}

// OpDb::lookup builds an OpInfo of a dozen strings; a repository calls the same few hundred
// ops in every file. The answers are kept per thread, for the database and target they came from.
const opdb::OpInfo& cached_lookup(const opdb::OpDb& db, const std::string& op,
                                  const std::string& target) {
  struct Cache {
    const opdb::OpDb* db = nullptr;
    std::string target;
    std::unordered_map<std::string, opdb::OpInfo> infos;
  };
  thread_local Cache cache;
  if (cache.db != &db || cache.target != target) {
    cache.db = &db;
    cache.target = target;
    cache.infos.clear();
  }
  auto it = cache.infos.find(op);
  if (it == cache.infos.end()) it = cache.infos.emplace(op, db.lookup(op, target)).first;
  return it->second;
}

}  // namespace

const std::span<const RuleMeta> kOpCoverageRules = kRules;

void check_op_coverage(RuleContext& context) {
  const opdb::OpDb& db = opdb::OpDb::builtin();
  const ModuleView& view = context.view;
  // One OpUse per op and file, with each call site: a scan keeps them until the report, and
  // a file calls the same few ops many times.
  std::unordered_map<std::string, size_t> use_of_op;
  for (const Call& call : view.calls()) {
    std::optional<std::string> op;
    if (!call.qualified.empty()) {
      if (!call.qualified.starts_with("torch.")) continue;
      op = db.aten_for_python(call.qualified);
    } else if (call.is_method_call() && !ambiguous(call.method) &&
               view.text(call.receiver) != "self" && view.text(call.receiver) != "cls") {
      // `self.dequantize(…)` calls the class's own method, not Tensor.dequantize.
      op = db.aten_for_python("Tensor." + call.method);
    }
    if (!op) continue;
    const opdb::OpInfo& info = cached_lookup(db, *op, context.target);
    std::string name = info.found ? info.name : *op;
    auto [use, first] = use_of_op.try_emplace(name, context.op_uses.size());
    if (first) {
      context.op_uses.push_back(OpUse{std::move(name), std::string(opdb::to_string(info.status)),
                                      info.reason, {"static"}, 1, {view.location(call.node)}});
    } else {
      OpUse& existing = context.op_uses[use->second];
      ++existing.count;
      existing.locations.push_back(view.location(call.node));
    }
    // Data-dependent ops are reported by dynamic-shape-hazard already; one finding is enough.
    if (info.dynamic_output_shape || info.data_dependent_output) continue;
    std::string symbol = call.qualified.empty() ? "." + call.method + "()" : call.qualified;
    if (info.status == opdb::Status::Fallback || info.status == opdb::Status::Unsupported)
      context.report(kRules[info.status == opdb::Status::Fallback ? 0 : 1], call.node, info.name,
                     "`" + symbol + "` runs " + info.name + ", " + opdb::off_target_clause(db, info));
  }
}

}  // namespace tpu::python
