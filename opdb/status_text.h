// SPDX-License-Identifier: Apache-2.0
// How a finding says why an op keeps code off the target, for the static finding at a call
// (op-coverage rules) and the trace finding where the op ran (scan --trace) alike.
#pragma once

#include <string>

#include "opdb/opdb.h"

namespace tpu::opdb {

/// For an op that falls back or is unsupported on `info.target`: "which has no XLA lowering:
/// <reason>; each call is a host round trip and a graph break" or "which cannot run on TorchTPU:
/// <reason>", followed by the other TPU target's answer where it differs (PyTorch/XLA runs an
/// unlowered op on the CPU silently; TorchTPU raises unless the CPU fallback is enabled).
std::string off_target_clause(const OpDb& db, const OpInfo& info);

}  // namespace tpu::opdb
