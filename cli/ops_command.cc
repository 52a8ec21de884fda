// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate ops`: ask the op database whether aten ops (or Python APIs) run on a target.
//
//   tpu-migrate ops nonzero aten::add.Tensor torch.nn.functional.softmax
//   tpu-migrate ops --status fallback --target xla --format json
//   tpu-migrate ops --matrix nonzero grid_sampler_2d
//   tpu-migrate ops --matrix ./repo --format json    status per target of the ops a repository uses

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/scan.h"
#include "opdb/opdb.h"

namespace tpu::cli {

namespace {

namespace fs = std::filesystem;

using opdb::OpDb;
using opdb::OpInfo;
using opdb::Status;

struct OpsOptions {
  std::vector<std::string> names;
  std::string status;
  std::string target = std::string(opdb::kDefaultTarget);
  std::string format = "text";
  bool matrix = false;
};

// A name the user typed: an aten op, or a Python API that the map resolves to one.
struct Query {
  std::string input;
  std::string aten;                       // what was looked up
  const opdb::PythonApiEntry* python = nullptr;  // set when `input` was a Python name
};

Query resolve_query(const OpDb& db, const std::string& input) {
  Query q{input, input, db.python_api(input)};
  if (q.python != nullptr) q.aten = q.python->aten;
  return q;
}

template <class String>
std::string join(const std::vector<String>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// "aten::_softmax (lowered)" for each name.
std::vector<std::string> with_status(const OpDb& db, const std::vector<std::string>& names, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    out.push_back(name + " (" + std::string(opdb::to_string(db.lookup(name, target).status)) + ")");
  }
  return out;
}

nlohmann::json named_statuses(const OpDb& db, const std::vector<std::string>& names, const std::string& target) {
  auto out = nlohmann::json::array();
  for (const auto& name : names) {
    out.push_back({{"name", name}, {"status", opdb::to_string(db.lookup(name, target).status)}});
  }
  return out;
}

nlohmann::json info_json(const OpInfo& info) {
  nlohmann::json j = {{"name", info.name},          {"status", opdb::to_string(info.status)},
                      {"found", info.found},        {"reason", info.reason},
                      {"kind", info.kind},          {"provenance", info.provenance},
                      {"tags", info.tags},          {"dispatch", info.dispatch},
                      {"kernels", info.kernels},    {"python_decomposition", info.python_decomposition}};
  if (!info.condition.empty()) j["condition"] = info.condition;
  return j;
}

nlohmann::json query_json(const OpDb& db, const Query& q, const std::string& target) {
  OpInfo info = db.lookup(q.aten, target);
  nlohmann::json j = info_json(info);
  j["query"] = q.input;
  if (q.python != nullptr) {
    j["python_api"] = {{"api", q.python->api}, {"aten", q.python->aten}, {"also", q.python->also},
                       {"note", q.python->note}};
  }
  j["decomposes_into"] = named_statuses(db, info.decomposes_into, target);
  j["overloads"] = info.found ? named_statuses(db, db.overloads(info.name), target) : nlohmann::json::array();
  return j;
}

void print_query_text(const OpDb& db, const Query& q, const std::string& target) {
  OpInfo info = db.lookup(q.aten, target);
  std::cout << info.name << "  [" << target << "]  " << opdb::to_string(info.status) << "\n";
  auto line = [](std::string_view label, std::string_view value) {
    if (!value.empty()) std::cout << "  " << std::left << std::setw(17) << label << value << "\n";
  };
  if (q.python != nullptr) {
    std::string python = std::string(q.python->api) + " -> " + std::string(q.python->aten);
    if (!q.python->also.empty()) python += " (also " + join(q.python->also, ", ") + ")";
    line("python api:", python);
    line("note:", q.python->note);
  }
  line("reason:", info.reason);
  // The two TPU targets answer differently for many ops (XLA runs an unlowered op on the CPU,
  // TorchTPU raises): name the other one's answer where it differs.
  if (target == opdb::kTorchTpuTarget || target == opdb::kXlaTarget) {
    OpInfo other = db.lookup(q.aten, opdb::other_tpu_target(target));
    if (other.found && other.status != info.status)
      line(std::string(opdb::target_display_name(other.target)) + ":",
           std::string(opdb::to_string(other.status)) + " (" + other.reason + ")");
  }
  line("condition:", info.condition);
  line("kind:", info.kind);
  line("decomposes into:", join(with_status(db, info.decomposes_into, target), ", "));
  line("tags:", join(info.tags, ", "));
  line("kernels:", info.kernels);
  if (info.python_decomposition) line("python decomp:", "yes (torch.compile/export can decompose it)");
  if (info.found) line("overloads:", join(with_status(db, db.overloads(info.name), target), ", "));
  line("provenance:", info.provenance);
}

// A row of the matrix: an op the user named, or one a scanned repository uses.
struct MatrixRow {
  std::string query;  // what the user typed: the op name, or the scanned path
  std::string name;   // the resolved op ("aten::softmax.int")
  uint64_t uses = 0;  // call sites found by the scan; 0 for a named op
};

// A repository or file to scan rather than an op name: op names never contain '/' or end in .py.
bool is_scan_path(const std::string& name) {
  std::error_code ec;
  if (name.ends_with(".py")) return fs::is_regular_file(name, ec);
  return fs::is_directory(name, ec);
}

// The ops a path uses (the scan's OpUses, one per op), merged into `rows` by name.
void add_scanned_ops(const std::string& path, std::vector<MatrixRow>& rows) {
  ScanResult result = scan(path, ScanOptions{});
  if (!result.errors.empty()) {
    std::cerr << "tpu-migrate ops: " << result.errors.size() << " input(s) under " << path
              << " could not be analysed (see `tpu-migrate scan`)\n";
  }
  for (const OpUse& use : result.ops) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const MatrixRow& r) { return r.name == use.op; });
    if (it != rows.end()) it->uses += use.count;
    else rows.push_back(MatrixRow{path, use.op, use.count});
  }
}

// For each target: how many rows have each status.
std::map<std::string, std::map<std::string, size_t>> matrix_summary(const OpDb& db, const std::vector<MatrixRow>& rows,
                                                                   const std::vector<std::string>& targets) {
  std::map<std::string, std::map<std::string, size_t>> summary;
  for (const auto& t : targets) {
    auto& counts = summary[t];
    for (auto status : {Status::Lowered, Status::Decomposed, Status::Fallback, Status::Unsupported, Status::Unknown}) {
      counts[std::string(opdb::to_string(status))] = 0;
    }
    for (const auto& row : rows) ++counts[std::string(opdb::to_string(db.lookup(row.name, t).status))];
  }
  return summary;
}

void print_matrix(const OpDb& db, const std::vector<MatrixRow>& rows, bool scanned) {
  const auto targets = db.all_targets();
  size_t width = 10;
  for (const auto& row : rows) width = std::max(width, row.name.size() + 2);
  auto column = [](const std::string& t) { return static_cast<int>(std::max<size_t>(13, t.size() + 2)); };
  std::cout << std::left << std::setw(static_cast<int>(width)) << "op";
  if (scanned) std::cout << std::setw(6) << "uses";
  for (const auto& t : targets) std::cout << std::setw(column(t)) << t;
  std::cout << "\n";
  for (const auto& row : rows) {
    std::cout << std::setw(static_cast<int>(width)) << row.name;
    if (scanned) std::cout << std::setw(6) << (row.uses > 0 ? std::to_string(row.uses) : "");
    for (const auto& t : targets) std::cout << std::setw(column(t)) << opdb::to_string(db.lookup(row.name, t).status);
    std::cout << "\n";
  }
  if (!scanned) return;
  std::cout << "\n" << rows.size() << " ops\n";
  const auto summary = matrix_summary(db, rows, targets);
  for (const auto& t : targets) {  // in column order
    const auto& counts = summary.at(t);
    std::cout << "  " << std::setw(column(t)) << t << counts.at("lowered") << " lowered, " << counts.at("decomposed")
              << " decomposed, " << counts.at("fallback") << " fallback, " << counts.at("unsupported")
              << " unsupported, " << counts.at("unknown") << " unknown\n";
  }
}

nlohmann::json matrix_json(const OpDb& db, const std::vector<MatrixRow>& rows, bool scanned) {
  const auto targets = db.all_targets();
  auto ops = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json statuses;
    for (const auto& t : targets) statuses[t] = opdb::to_string(db.lookup(row.name, t).status);
    nlohmann::json j = {{"query", row.query}, {"name", row.name}, {"status", statuses}};
    if (scanned) j["uses"] = row.uses;
    ops.push_back(std::move(j));
  }
  return {{"targets", targets}, {"ops", ops}, {"summary", matrix_summary(db, rows, targets)}};
}

int run_matrix(const OpDb& db, const OpsOptions& options) {
  std::vector<MatrixRow> rows;
  bool scanned = false;
  for (const auto& name : options.names) {
    if (is_scan_path(name)) {
      add_scanned_ops(name, rows);
      scanned = true;
    } else {
      Query q = resolve_query(db, name);
      rows.push_back(MatrixRow{name, db.lookup(q.aten).name, 0});
    }
  }
  if (options.format == "json") std::cout << matrix_json(db, rows, scanned).dump(2) << "\n";
  else if (rows.empty()) std::cout << "no aten ops found\n";
  else print_matrix(db, rows, scanned);
  return 0;
}

int usage_error(const std::string& message) {
  std::cerr << "tpu-migrate ops: " << message << "\n";
  return 2;
}

int run_ops(const OpsOptions& options) {
  const OpDb& db = OpDb::builtin();
  auto target = db.resolve_target(options.target);
  if (!target) {
    std::string known;
    for (const auto& t : db.all_targets()) known += (known.empty() ? "" : ", ") + t;
    return usage_error("unknown target `" + options.target + "` (expected " + known + ")");
  }
  if (options.format != "text" && options.format != "json") {
    return usage_error("unknown format `" + options.format + "` (expected text or json)");
  }
  std::optional<Status> status_filter;
  if (!options.status.empty()) {
    status_filter = opdb::status_from_string(options.status);
    if (!status_filter) {
      return usage_error("unknown status `" + options.status +
                         "` (expected lowered, decomposed, fallback, unsupported or unknown)");
    }
  }
  if (options.names.empty() && !status_filter) return usage_error("give op names, or --status to list ops");
  if (options.matrix && options.names.empty()) return usage_error("--matrix needs op names or a repository path");
  if (options.matrix) return run_matrix(db, options);
  const bool json = options.format == "json";

  std::vector<Query> queries;
  for (const auto& name : options.names) queries.push_back(resolve_query(db, name));

  if (queries.empty()) {  // --status alone: list every overload with that status
    auto infos = db.list(*status_filter, *target);
    if (json) {
      auto ops = nlohmann::json::array();
      for (const auto& info : infos) ops.push_back(info_json(info));
      std::cout << nlohmann::json{{"target", *target}, {"status", options.status}, {"count", infos.size()}, {"ops", ops}}
                       .dump(2)
                << "\n";
    } else {
      for (const auto& info : infos) std::cout << info.name << "\t" << info.reason << "\n";
      std::cerr << infos.size() << " " << options.status << " overloads on " << *target << "\n";
    }
    return 0;
  }
  auto results = nlohmann::json::array();
  bool first = true;
  for (const auto& q : queries) {
    if (status_filter && db.lookup(q.aten, *target).status != *status_filter) continue;
    if (json) {
      results.push_back(query_json(db, q, *target));
    } else {
      if (!first) std::cout << "\n";
      print_query_text(db, q, *target);
    }
    first = false;
  }
  if (json) std::cout << nlohmann::json{{"target", *target}, {"ops", results}}.dump(2) << "\n";
  return 0;
}

}  // namespace

void add_ops_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<OpsOptions>();
  CLI::App* ops = app.add_subcommand("ops", "Show whether aten ops run on a TPU (or another target), and how");
  ops->add_option("names", options->names,
                  "aten ops (nonzero, aten::add.Tensor) or Python APIs (torch.nn.functional.softmax, torch.nn.Conv2d)");
  ops->add_option("--status", options->status, "list ops with this status: lowered|decomposed|fallback|unsupported|unknown");
  ops->add_option("--target", options->target,
                  "torchtpu (TorchTPU, the default; alias tpu, its device name), xla (PyTorch/XLA), xpu, mps, "
                  "ascend (alias npu), or a target from `opdb sync`");
  ops->add_option("--format", options->format, "text (default) or json");
  ops->add_flag("--matrix", options->matrix,
                "print the status on every target of the named ops, or of the ops a repository (a path) uses");
  ops->callback([options, &exit_code]() { exit_code = run_ops(*options); });
}

}  // namespace tpu::cli
