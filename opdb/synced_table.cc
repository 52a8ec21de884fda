// SPDX-License-Identifier: Apache-2.0
// Probe output -> statuses -> a status table with the built-in tables' columns.

#include "opdb/synced_table.h"

#include <algorithm>

#include "opdb/table_reader.h"

namespace tpu::opdb {
namespace {

bool has(const ProbeOutput::Op& op, std::string_view key) {
  return std::find(op.keys.begin(), op.keys.end(), key) != op.keys.end();
}

// Kernels for layouts a dense backend cannot use, so they give no fallback either.
bool nondense(std::string_view key) {
  for (std::string_view prefix : {"Sparse", "Quantized", "NestedTensor", "Mkldnn"}) {
    if (key.starts_with(prefix)) return true;
  }
  return false;
}

// A value on one line without tabs: it goes into a TSV field.
std::string clean(std::string_view text) {
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return out;
}

// "torch 1.13.0a0", "torch 2.5.0 + torch_xla 2.5.0"
std::string versions(const ProbeOutput& probe) {
  std::string out = "torch " + probe.torch_version;
  for (const auto& [name, version] : probe.modules) out += " + " + name + " " + version;
  return clean(out);
}

}  // namespace

ProbeOutput parse_probe_output(std::string_view text, std::vector<std::string>& problems) {
  ProbeOutput probe;
  std::vector<std::string_view> lines, fields;
  split_into(text, '\n', lines);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    split_into(line, '\t', fields);
    const std::string_view head = fields[0];
    auto value = [&](size_t index) { return index < fields.size() ? std::string(fields[index]) : std::string(); };
    if (head == "#error") {
      probe.error.assign(fields.begin() + 1, fields.end());
    } else if (head == "#module") {
      probe.modules.emplace_back(value(1), value(2));
    } else if (head.starts_with("#")) {
      const std::string_view name = head.substr(1);
      if (name == "probe") probe.probe_version = value(1);
      else if (name == "python") probe.python_version = value(1);
      else if (name == "torch") probe.torch_version = value(1);
      else if (name == "dispatch_key") probe.dispatch_key = value(1);
      else if (name == "backend_fallback") probe.backend_fallback = value(1);
      else if (name == "method") probe.method = value(1);
      // other header lines are for later probe versions: ignored
    } else if (fields.size() == 2 && !head.empty()) {
      ProbeOutput::Op op{std::string(head), {}};
      std::vector<std::string_view> keys;
      split_into(fields[1], ',', keys);
      op.keys.assign(keys.begin(), keys.end());
      probe.ops.push_back(std::move(op));
    } else {
      problems.push_back("probe output line " + std::to_string(i + 1) + ": unexpected `" +
                         clean(line.substr(0, 80)) + "`");
    }
  }
  return probe;
}

SyncedStatus classify(const ProbeOutput::Op& op, const ProbeOutput& probe, const std::string& opt_in_fallback) {
  const std::string& key = probe.dispatch_key;
  if (has(op, key)) return {Status::Lowered, "synced_kernel", key + " kernel registered in the synced install"};
  if (has(op, "CompositeImplicitAutograd")) {
    return {Status::Decomposed, "composite_implicit",
            "CompositeImplicitAutograd: decomposes into other aten ops before dispatch"};
  }
  if (has(op, "CompositeExplicitAutograd") || has(op, "CompositeExplicitAutogradNonFunctional")) {
    return {Status::Decomposed, "composite_explicit",
            "CompositeExplicitAutograd: backend-agnostic kernel built from other aten ops"};
  }
  if (!has(op, "CPU")) {
    if (std::any_of(op.keys.begin(), op.keys.end(), nondense)) {
      return {Status::Unsupported, "nondense_only",
              "only sparse/quantized/nested kernels exist; no " + key + " kernel and no dense CPU kernel"};
    }
    return {Status::Unsupported, "no_cpu_kernel", "no " + key + " kernel and no CPU kernel to fall back to"};
  }
  if (probe.backend_fallback == "0") {
    return {Status::Unsupported, "no_backend_fallback",
            "no " + key + " kernel, and no CPU fallback is registered for " + key + ": the call raises"};
  }
  if (!opt_in_fallback.empty()) {
    return {Status::Unsupported, "cpu_fallback_opt_in",
            "no " + key + " kernel: the call raises; it runs on the CPU only when the program enables the CPU "
            "fallback (" + opt_in_fallback + ")"};
  }
  return {Status::Fallback, "cpu_fallback", "no " + key + " kernel; CPU fallback (host round trip per call)"};
}

SyncedTable render_synced_table(const ProbeOutput& probe, const SyncedTableContext& context) {
  SyncedTable table;
  table.provenance = versions(probe) + " dispatcher, key " + clean(probe.dispatch_key) + ", synced " +
                     context.date.substr(0, 10) + " from " + clean(context.python);
  std::string& out = table.text;
  out += "# tpu-migrate opdb: aten op status on target `" + context.target + "`, synced from a local install\n";
  out += "# Written by `tpu-migrate opdb sync`; it takes precedence over the built-in table. Run the sync\n";
  out += "# again after upgrading torch, or delete this file to return to the built-in answers.\n";
  auto header = [&](std::string_view name, std::string_view value) {
    out += "#synced\t" + std::string(name) + "\t" + clean(value) + "\n";
  };
  header("target", context.target);
  header("dispatch_key", probe.dispatch_key);
  header("torch", probe.torch_version);
  for (const auto& [name, version] : probe.modules) header("module", name + " " + version);
  header("python", context.python + " (Python " + probe.python_version + ")");
  header("backend_fallback", probe.backend_fallback);
  header("date", context.date);
  header("probe", "dispatch_probe.py v" + probe.probe_version + ", method " + probe.method);
  out += "#provenance\tsynced\t" + table.provenance + "\n";
  out += "#columns\toverload\tstatus\tkind\treason\tcondition\tdecomposes_into\tprovenance\n";

  std::vector<std::pair<std::string, const ProbeOutput::Op*>> rows;
  for (const auto& op : probe.ops) {
    std::string_view name = op.name;
    if (name.starts_with("aten::")) name.remove_prefix(6);  // the built-in tables' spelling
    rows.emplace_back(clean(name), &op);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [overload, op] : rows) {
    SyncedStatus status = classify(*op, probe, context.opt_in_fallback);
    ++table.counts[static_cast<size_t>(status.status)];
    ++table.rows;
    out += overload + "\t" + std::string(to_string(status.status)) + "\t" + status.kind + "\t" + clean(status.reason) +
           "\t\t\tsynced\n";
  }
  return table;
}

}  // namespace tpu::opdb
