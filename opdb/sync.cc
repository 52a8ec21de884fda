// SPDX-License-Identifier: Apache-2.0
// Runs dispatch_probe.py in the user's interpreter and turns its answer (or its error) into a
// SyncResult.

#include "opdb/sync.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "opdb/embedded_tables.h"
#include "opdb/subprocess.h"
#include "opdb/user_tables.h"

namespace tpu::opdb {
namespace {

// TorchTPU (TARGETS.md, "TorchTPU as released"; its target name is opdb/targets.h's): the
// package, its dispatch key, and the switch without which an op with no TPU kernel raises
// instead of running on the CPU.
constexpr std::string_view kTorchTpuPackage = "torch_tpu";
constexpr std::string_view kTorchTpuKey = "PrivateUse1";
constexpr std::string_view kTorchTpuFallbackSwitch = "torch_tpu._internal.execution_mode.enable_cpu_fallback = True";

// Packages that register a backend's kernels when imported: without them the dispatcher has none.
// torch_tpu is added only when no --import names another package: PrivateUse1 is one key for
// every out-of-tree backend, and a test or a fork registers it from its own module.
std::vector<std::string> imports_for(const SyncRequest& request, const std::string& key, const std::string& target) {
  std::vector<std::string> imports = request.imports;
  if (key == "XLA" && std::find(imports.begin(), imports.end(), "torch_xla") == imports.end()) {
    imports.insert(imports.begin(), "torch_xla");
  }
  if (target == kTorchTpuTarget && key == kTorchTpuKey && imports.empty()) {
    imports.emplace_back(kTorchTpuPackage);
  }
  return imports;
}

std::string utc_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The last few lines of stderr: a traceback's end says what failed.
std::string tail(const std::string& text, size_t lines = 5) {
  size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
  size_t end = pos;
  for (size_t seen = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++seen == lines) break;
  }
  return text.substr(pos, end - pos);
}

SyncResult failure(SyncResult result, SyncError error, std::string message) {
  result.error = error;
  result.message = std::move(message);
  return result;
}

// The probe's `#error` line -> a SyncResult error.
SyncResult probe_error(SyncResult result, const SyncRequest& request, const std::string& key) {
  const auto& e = result.probe.error;
  auto field = [&](size_t i) { return i < e.size() ? e[i] : std::string(); };
  const std::string& kind = e[0];
  if (kind == "missing_module" || kind == "import_failed") {
    result.module = field(1);
    result.detail = field(2);
    if (result.module == "torch") {
      return failure(result, SyncError::TorchMissing, "torch is not installed for " + request.python);
    }
    if (kind == "import_failed") {
      return failure(result, SyncError::ImportFailed, result.module + " is installed for " + request.python +
                                                          " but failed to import");
    }
    return failure(result, SyncError::ModuleMissing, result.module + " is not installed for " + request.python);
  }
  if (kind == "bad_key") {
    result.detail = field(2);
    return failure(result, SyncError::BadDispatchKey,
                   "torch " + result.probe.torch_version + " has no dispatch key `" + key + "`");
  }
  result.detail = field(1);
  return failure(result, SyncError::ProbeFailed, "the probe reported " + kind);
}

}  // namespace

std::string sync_target(const SyncRequest& request) {
  if (!request.target.empty()) return request.target;
  if (request.dispatch_key.empty()) return std::string(kDefaultTarget);
  return request.dispatch_key == "XLA" ? std::string(kXlaTarget) : std::string();
}

std::string sync_dispatch_key(const SyncRequest& request) {
  if (!request.dispatch_key.empty()) return request.dispatch_key;
  if (OpDb::canonical_target(sync_target(request)) == std::string(kTorchTpuTarget)) return std::string(kTorchTpuKey);
  return "XLA";
}

std::string opt_in_cpu_fallback(const std::string& target) {
  return target == kTorchTpuTarget ? std::string(kTorchTpuFallbackSwitch) : std::string();
}

SyncResult sync_from_python(const SyncRequest& request) {
  SyncResult result;
  const std::string key = sync_dispatch_key(request);
  std::string target = sync_target(request);
  if (target.empty()) {
    return failure(result, SyncError::BadRequest,
                   "dispatch key " + key + " answers for no built-in target: name one with --target");
  }
  result.target = OpDb::canonical_target(target).value_or(target);
  if (!valid_target_name(result.target)) {
    return failure(result, SyncError::BadRequest,
                   "`" + target + "` cannot name a target: use 1-40 of a-z, 0-9, - and _, starting with a letter");
  }
  // `-c` rather than a temporary file: nothing to clean up, and the script is a few KB.
  std::vector<std::string> argv = {request.python, "-c", std::string(embedded::kDispatchProbe), "--key",
                                   key, "--method", request.method};
  for (const auto& module : imports_for(request, key, result.target)) {
    argv.push_back("--import");
    argv.push_back(module);
  }
  ProcessResult run = run_process(argv, request.timeout_seconds);
  if (!run.started) {
    result.detail = run.error;
    return failure(result, SyncError::PythonNotRunnable, "cannot run " + request.python);
  }
  std::vector<std::string> problems;
  result.probe = parse_probe_output(run.out, problems);
  if (!result.probe.error.empty()) return probe_error(std::move(result), request, key);
  if (run.timed_out) {
    return failure(result, SyncError::ProbeFailed,
                   "the probe did not finish within " + std::to_string(request.timeout_seconds) + " s");
  }
  if (run.exit_code != 0 || !problems.empty() || result.probe.torch_version.empty()) {
    result.detail = !problems.empty() ? problems.front() : tail(run.err);
    std::string how = run.signal != 0 ? "was killed by signal " + std::to_string(run.signal)
                                      : "exited with status " + std::to_string(run.exit_code);
    return failure(result, SyncError::ProbeFailed,
                   problems.empty() ? request.python + " " + how + " while probing the dispatcher"
                                    : "the probe's output could not be read");
  }
  const bool any_kernel = std::any_of(result.probe.ops.begin(), result.probe.ops.end(), [&](const auto& op) {
    return std::find(op.keys.begin(), op.keys.end(), key) != op.keys.end();
  });
  if (!any_kernel) {
    return failure(result, SyncError::NoKernels,
                   "no operator has a " + key + " kernel in torch " + result.probe.torch_version +
                       ": import the backend's package with --import");
  }
  result.table = render_synced_table(
      result.probe,
      SyncedTableContext{result.target, request.python, utc_now(), opt_in_cpu_fallback(result.target)});
  return result;
}

}  // namespace tpu::opdb
