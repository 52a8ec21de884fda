// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate opdb`: manage the user-level op tables that take precedence over the built-in ones.
//
//   tpu-migrate opdb sync --python ~/venv/bin/python            ask torch_tpu's dispatcher (target torchtpu, key PrivateUse1)
//   tpu-migrate opdb sync --python ~/venv/bin/python --target xla   ask torch_xla's (key XLA)
//   tpu-migrate opdb sync --python python3 --dispatch-key CPU --target cpu-check
//   tpu-migrate opdb show                                       which synced tables are in use
//   tpu-migrate opdb remove --target xla                        back to the built-in table

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "opdb/opdb.h"
#include "opdb/sync.h"
#include "opdb/user_tables.h"

namespace tpu::cli {
namespace {

namespace fs = std::filesystem;

struct OpdbOptions {
  opdb::SyncRequest sync;
  std::string data_dir;  // empty: opdb::user_data_dir()
  std::string format = "text";
  std::string target;    // remove
};

int fail(const std::string& message, const std::string& hint = "") {
  std::cerr << "tpu-migrate opdb: " << message << "\n";
  if (!hint.empty()) std::cerr << hint << "\n";
  return kExitError;
}

std::optional<fs::path> data_dir(const OpdbOptions& options) {
  if (!options.data_dir.empty()) return fs::path(options.data_dir);
  return opdb::user_data_dir();
}

// What to do next, for the errors a user can fix.
std::string hint_for(const opdb::SyncResult& result) {
  using opdb::SyncError;
  switch (result.error) {
    case SyncError::ModuleMissing:
      if (result.module == "torch_xla") {
        return "  PyTorch/XLA is what runs PyTorch on a TPU. Install it into that environment (see\n"
               "  https://github.com/pytorch/xla: `pip install torch_xla[tpu]`), or pass --python the\n"
               "  interpreter of the environment that has it. Until then the built-in table answers.";
      }
      if (result.module == "torch_tpu") {
        return "  TorchTPU installs with `pip install torch_tpu` (it names the Python and torch it needs); pass\n"
               "  --python the interpreter of the environment that has it. Until then the built-in table answers.";
      }
      return "  Install " + result.module + " into that environment, or pass --python another interpreter.";
    case SyncError::TorchMissing:
      return "  Pass --python the interpreter of the environment where your project's torch is installed.";
    case SyncError::PythonNotRunnable:
      return "  --python takes an interpreter path (~/venv/bin/python) or a name on PATH (python3).";
    case SyncError::BadDispatchKey:
      return "  Dispatch keys are spelled as torch spells them: XLA, CPU, CUDA, MPS, XPU, PrivateUse1.";
    case SyncError::NoKernels:
      return "  A backend registers its kernels when its package is imported (torch_xla for XLA,\n"
             "  torch_npu for PrivateUse1 on Ascend): add --import PACKAGE.";
    default:
      return "";
  }
}

nlohmann::json counts_json(const opdb::SyncedTable& table) {
  nlohmann::json counts;
  for (auto status : {opdb::Status::Lowered, opdb::Status::Decomposed, opdb::Status::Fallback,
                      opdb::Status::Unsupported, opdb::Status::Unknown}) {
    counts[std::string(opdb::to_string(status))] = table.counts[static_cast<size_t>(status)];
  }
  return counts;
}

int run_sync(const OpdbOptions& options) {
  auto dir = data_dir(options);
  if (!dir) return fail("no data folder: set HOME, XDG_DATA_HOME or TPU_MIGRATE_DATA_DIR, or pass --data-dir");
  if (options.format != "text" && options.format != "json") return fail("unknown format `" + options.format + "`");
  opdb::SyncResult result = opdb::sync_from_python(options.sync);
  if (result.error != opdb::SyncError::None) {
    std::string message = result.message;
    if (!result.detail.empty()) message += " (" + result.detail + ")";
    return fail(message, hint_for(result));
  }
  std::string error;
  if (!opdb::write_user_table(*dir, result.target, result.table.text, error)) return fail(error);
  const fs::path path = opdb::user_table_path(*dir, result.target);
  if (options.format == "json") {
    nlohmann::json modules = nlohmann::json::object();
    for (const auto& [name, version] : result.probe.modules) modules[name] = version;
    std::cout << nlohmann::json{{"target", result.target},
                                {"path", path.string()},
                                {"dispatch_key", result.probe.dispatch_key},
                                {"torch", result.probe.torch_version},
                                {"modules", modules},
                                {"provenance", result.table.provenance},
                                {"operators", result.table.rows},
                                {"counts", counts_json(result.table)}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  const auto& c = result.table.counts;
  std::cout << "synced target " << result.target << " from " << result.table.provenance << "\n"
            << "  " << result.table.rows << " operators: " << c[0] << " lowered, " << c[1] << " decomposed, " << c[2]
            << " fallback, " << c[3] << " unsupported\n"
            << "  wrote " << path.string() << "\n"
            << "  `tpu-migrate ops` and `scan` now answer --target " << result.target
            << " from it first (`tpu-migrate opdb remove --target " << result.target << "` undoes it)\n";
  return kExitOk;
}

size_t row_count(std::string_view text) {
  size_t rows = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    if (end > pos && text[pos] != '#') ++rows;
    pos = end + 1;
  }
  return rows;
}

int run_show(const OpdbOptions& options) {
  auto dir = data_dir(options);
  if (!dir) return fail("no data folder: set HOME, XDG_DATA_HOME or TPU_MIGRATE_DATA_DIR, or pass --data-dir");
  if (options.format != "text" && options.format != "json") return fail("unknown format `" + options.format + "`");
  std::vector<std::string> errors;
  auto tables = opdb::read_user_tables(*dir, errors);
  for (const auto& e : errors) std::cerr << "tpu-migrate opdb: " << e << "\n";
  if (options.format == "json") {
    auto list = nlohmann::json::array();
    for (const auto& t : tables) {
      nlohmann::json header = nlohmann::json::object();
      for (const auto& [key, value] : opdb::synced_header(t.text)) {
        if (key == "module") header["modules"].push_back(value);
        else header[key] = value;
      }
      list.push_back(
          {{"target", t.target}, {"path", t.path.string()}, {"rows", row_count(t.text)}, {"synced", header}});
    }
    std::cout << nlohmann::json{{"data_dir", dir->string()}, {"tables", list}}.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "data folder: " << dir->string() << "\n";
  if (tables.empty()) std::cout << "no synced tables: the built-in tables answer every target\n";
  for (const auto& t : tables) {
    std::cout << "\n" << t.target << "  (" << row_count(t.text) << " operators)  " << t.path.string() << "\n";
    for (const auto& [key, value] : opdb::synced_header(t.text)) {
      if (key != "target") std::cout << "  " << key << ": " << value << "\n";
    }
  }
  return kExitOk;
}

int run_remove(const OpdbOptions& options) {
  auto dir = data_dir(options);
  if (!dir) return fail("no data folder: set HOME, XDG_DATA_HOME or TPU_MIGRATE_DATA_DIR, or pass --data-dir");
  const std::string target = opdb::OpDb::canonical_target(options.target).value_or(options.target);
  if (!opdb::valid_target_name(target)) return fail("`" + options.target + "` is no target name");
  std::error_code ec;
  const fs::path path = opdb::user_table_path(*dir, target);
  if (!fs::remove(path, ec)) {
    return fail(ec ? "cannot remove " + path.string() + ": " + ec.message() : "no synced table " + path.string());
  }
  std::cout << "removed " << path.string() << "; target " << target << " answers from the built-in table again\n";
  return kExitOk;
}

}  // namespace

void add_opdb_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<OpdbOptions>();
  CLI::App* opdb = app.add_subcommand("opdb", "Sync the op database from your own torch / torch_xla install");
  opdb->require_subcommand(1);

  CLI::App* sync = opdb->add_subcommand(
      "sync",
      "Ask your torch_tpu's (TorchTPU, the default target; or, with --target xla, torch_xla's) dispatcher "
      "which ops have a kernel; the table it writes takes precedence");
  sync->add_option("--python", options->sync.python, "the interpreter whose torch to ask (default python3)");
  sync->add_option("--dispatch-key", options->sync.dispatch_key,
                   "dispatch key to ask about (default PrivateUse1 for torchtpu, XLA for --target xla; CPU "
                   "exercises the mechanism without a backend package)");
  sync->add_option("--target", options->sync.target,
                   "target the table answers for (default torchtpu, xla for key XLA; required for other keys)");
  sync->add_option("--import", options->sync.imports,
                   "backend package to import first (torch_xla is automatic; torch_tpu too for --target torchtpu "
                   "unless --import names another)");
  sync->add_option("--data-dir", options->data_dir,
                   "folder for the table (default $TPU_MIGRATE_DATA_DIR, $XDG_DATA_HOME/tpu-migrate, "
                   "~/.local/share/tpu-migrate)");
  sync->add_option("--timeout", options->sync.timeout_seconds, "seconds to wait for the interpreter (default 300)");
  sync->add_option("--method", options->sync.method, "probe method: auto, registrations or dump")->group("");
  sync->add_option("--format", options->format, "text (default) or json");
  sync->callback([options, &exit_code]() { exit_code = run_sync(*options); });

  CLI::App* show = opdb->add_subcommand("show", "List the synced tables in use and the versions they came from");
  show->add_option("--data-dir", options->data_dir, "folder of the tables (default as for sync)");
  show->add_option("--format", options->format, "text (default) or json");
  show->callback([options, &exit_code]() { exit_code = run_show(*options); });

  CLI::App* remove = opdb->add_subcommand("remove", "Delete a synced table: the built-in table answers again");
  remove->add_option("--target", options->target, "the synced target")->required();
  remove->add_option("--data-dir", options->data_dir, "folder of the tables (default as for sync)");
  remove->callback([options, &exit_code]() { exit_code = run_remove(*options); });
}

}  // namespace tpu::cli
