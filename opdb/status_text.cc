// SPDX-License-Identifier: Apache-2.0
#include "opdb/status_text.h"

namespace tpu::opdb {
namespace {

// What the other TPU target does with the op, where its answer differs from `status`; empty
// for the other targets (ascend, xpu, mps) and where both agree.
std::string other_target_note(const OpDb& db, const OpInfo& info) {
  if (info.target != kXlaTarget && info.target != kTorchTpuTarget) return {};
  const OpInfo other = db.lookup(info.name, other_tpu_target(info.target));
  if (!other.found || other.status == info.status) return {};
  const std::string name(target_display_name(other.target));
  switch (other.status) {
    case Status::Lowered:
    case Status::Decomposed:
      return " (" + name + " runs it on the TPU)";
    case Status::Fallback:
      return " (" + name + " runs it on the CPU instead, silently: a host round trip per call)";
    case Status::Unsupported:
      return other.kind == "cpu_fallback_opt_in"
                 ? " (" + name + " raises for it unless the program enables its CPU fallback)"
                 : " (" + name + " cannot run it at all)";
    case Status::Unknown:
      break;
  }
  return {};
}

}  // namespace

std::string off_target_clause(const OpDb& db, const OpInfo& info) {
  std::string clause;
  if (info.status == Status::Fallback) {
    clause = "which has no " + (info.target == kXlaTarget ? std::string("XLA lowering") : "kernel on " + info.target) +
             ": " + info.reason + "; each call is a host round trip and a graph break";
  } else {
    clause = "which cannot run on " + std::string(info.target == kTorchTpuTarget ? "TorchTPU" : "a TPU") + ": " +
             info.reason;
  }
  return clause + other_target_note(db, info);
}

}  // namespace tpu::opdb
