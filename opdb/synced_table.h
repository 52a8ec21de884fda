// SPDX-License-Identifier: Apache-2.0
// Turns what the dispatcher probe (opdb/sync/dispatch_probe.py) printed into a status table in
// the built-in tables' format, so OpDb reads both the same way.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opdb/opdb.h"

namespace tpu::opdb {

/// The probe's stdout, parsed.
struct ProbeOutput {
  std::string probe_version, python_version, torch_version, dispatch_key, method;
  std::string backend_fallback;  ///< "1", "0" or "unknown": a boxed fallback registered for the key
  std::vector<std::pair<std::string, std::string>> modules;  ///< imported backend packages: name, version
  struct Op {
    std::string name;               ///< "aten::add.Tensor", "torchvision::nms"
    std::vector<std::string> keys;  ///< dispatch keys with a kernel for it, among those the probe asks
  };
  std::vector<Op> ops;
  std::vector<std::string> error;  ///< `#error` fields: kind, then details; empty when none
};

/// Parses the probe's output. Lines that fit no pattern are named in `problems`.
ProbeOutput parse_probe_output(std::string_view text, std::vector<std::string>& problems);

/// The status of one operator on the probed backend, from which of its keys have kernels. First
/// match wins, as in the dispatcher's own table: a kernel for the key -> lowered; a composite
/// kernel -> decomposed; a CPU kernel and a backend fallback (torch_xla registers one) -> fallback;
/// otherwise unsupported (only sparse/quantized/nested kernels, no CPU kernel, or no fallback).
/// `opt_in_fallback`, when set, says how a program switches on a backend fallback that otherwise
/// raises (TorchTPU's): a CPU kernel with such a fallback is then unsupported, and the reason says so.
struct SyncedStatus {
  Status status;
  std::string kind, reason;
};
SyncedStatus classify(const ProbeOutput::Op& op, const ProbeOutput& probe, const std::string& opt_in_fallback = "");

/// Where the table came from, for its header and provenance.
struct SyncedTableContext {
  std::string target;  ///< canonical target the table answers for
  std::string python;  ///< the interpreter as the user named it
  std::string date;    ///< "2025-11-22T03:40:00Z"
  std::string opt_in_fallback;  ///< for classify(): the switch of a fallback that raises by default
};

struct SyncedTable {
  std::string text;                  ///< status_<target>.tsv, ready to write
  std::array<size_t, 5> counts{};    ///< rows per Status, indexed by its enum value
  size_t rows = 0;
  std::string provenance;            ///< what each row's provenance reads: names the versions
};

/// Renders the table: `#synced` header lines (versions, key, date), one `#provenance` line, rows
/// sorted by overload, aten ops without their `aten::` prefix as in the built-in tables.
SyncedTable render_synced_table(const ProbeOutput& probe, const SyncedTableContext& context);

}  // namespace tpu::opdb
