// SPDX-License-Identifier: Apache-2.0
// Tests of `opdb sync`: the probe run for real in Debian's python3 against its own torch (with the
// CPU dispatch key standing in for XLA, which that install lacks), the statuses it derives, where
// the user table lives, and how it takes precedence over the built-in table.

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "opdb/embedded_tables.h"
#include "opdb/opdb.h"
#include "opdb/sync.h"
#include "opdb/synced_table.h"
#include "opdb/user_tables.h"
#include "skip_support.h"
#include "test_support.h"

namespace {

using namespace tpu::opdb;

constexpr const char* kPython = "/usr/bin/python3";

// The built-in tables plus `synced`, as OpDb::builtin() assembles them from the data folder.
OpDb with_synced(std::vector<UserTable> synced) {
  return OpDb(TableTexts{embedded::kAtenOps,
                         embedded::kPythonApi,
                         embedded::kCudaApiMap,
                         {{"xla", embedded::kStatusXla},
                          {"torchtpu", embedded::kStatusTorchTpu},
                          {"mps", embedded::kStatusMps}},
                         std::move(synced),
                         {}});
}

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// What the probe prints for a backend `KEY` with a fallback, in the probe's own format.
constexpr std::string_view kProbeOutput =
    "#probe\t1\n#python\t3.11.2\n#torch\t2.9.0\n#module\ttorch_xla\t2.9.0\n#dispatch_key\tXLA\n"
    "#backend_fallback\t1\n#method\tregistrations\n"
    "aten::mm\tXLA,CPU\n"
    "aten::softmax.int\tCompositeImplicitAutograd\n"
    "aten::convolution\tCompositeExplicitAutograd\n"
    "aten::grid_sampler_2d\tCPU\n"
    "aten::_cudnn_rnn\t\n"
    "aten::_sparse_mm_only\tSparseCPU\n"
    "aten::nonzero\tXLA,CPU\n"
    "aten::addmm\tXLA,CPU\n"
    "aten::ctc_loss.IntList\tCompositeImplicitAutograd\n"
    "aten::linalg_qr\tXLA,CPU\n"
    "aten::brand_new_op\tXLA\n"
    "torchvision::nms\tCPU\n";

}  // namespace

TEST_CASE("opdb sync: probe output is parsed and classified by the dispatcher's rules") {
  std::vector<std::string> problems;
  ProbeOutput probe = parse_probe_output(kProbeOutput, problems);
  CHECK(problems.empty());
  CHECK(probe.torch_version == "2.9.0");
  CHECK(probe.dispatch_key == "XLA");
  REQUIRE(probe.modules.size() == 1);
  CHECK(probe.modules[0].first == "torch_xla");
  REQUIRE(probe.ops.size() == 12);

  auto status_of = [&](std::string_view name) {
    for (const auto& op : probe.ops)
      if (op.name == name) return classify(op, probe);
    FAIL("no op " << name);
    return SyncedStatus{};
  };
  CHECK(status_of("aten::mm").status == Status::Lowered);
  CHECK(status_of("aten::softmax.int").kind == "composite_implicit");
  CHECK(status_of("aten::convolution").kind == "composite_explicit");
  CHECK(status_of("aten::grid_sampler_2d").status == Status::Fallback);
  CHECK(status_of("aten::_cudnn_rnn").kind == "no_cpu_kernel");
  CHECK(status_of("aten::_sparse_mm_only").kind == "nondense_only");

  // Without a backend fallback registered, a CPU kernel is no way out: the call raises.
  probe.backend_fallback = "0";
  CHECK(status_of("aten::grid_sampler_2d").status == Status::Unsupported);
  CHECK(status_of("aten::grid_sampler_2d").kind == "no_backend_fallback");

  std::vector<std::string> bad;
  parse_probe_output("#torch\t1.0\nnot a row\n", bad);
  CHECK(bad.size() == 1);
}

TEST_CASE("opdb sync: TorchTPU's CPU fallback raises until the program switches it on") {
  std::vector<std::string> problems;
  ProbeOutput probe = parse_probe_output(kProbeOutput, problems);
  probe.dispatch_key = "PrivateUse1";  // TorchTPU registers a boxed fallback there, off by default
  const std::string opt_in = opt_in_cpu_fallback("torchtpu");
  CHECK(opt_in.find("enable_cpu_fallback") != std::string::npos);
  CHECK(opt_in_cpu_fallback("xla").empty());  // torch_xla's fallback runs by default
  const ProbeOutput::Op grid{"aten::grid_sampler_2d", {"CPU"}};
  SyncedStatus tpu = classify(grid, probe, opt_in);
  CHECK(tpu.status == Status::Unsupported);
  CHECK(tpu.kind == "cpu_fallback_opt_in");
  CHECK(tpu.reason.find("only when the program enables the CPU fallback (" + opt_in + ")") != std::string::npos);
  CHECK(classify(grid, probe).status == Status::Fallback);  // the same facts on a backend like torch_xla
  CHECK(classify(ProbeOutput::Op{"aten::mm", {"PrivateUse1", "CPU"}}, probe, opt_in).status == Status::Lowered);

  SyncRequest request;
  request.target = "torchtpu";
  CHECK(sync_dispatch_key(request) == "PrivateUse1");
  request.target = "xla";
  CHECK(sync_dispatch_key(request) == "XLA");
  // Neither key nor target: the default target, TorchTPU, and its key.
  request.target = "";
  CHECK(sync_target(request) == "torchtpu");
  CHECK(sync_dispatch_key(request) == "PrivateUse1");
  request.dispatch_key = "XLA";
  CHECK(sync_target(request) == "xla");
  request.dispatch_key = "CPU";
  CHECK(sync_target(request).empty());  // another key needs --target
}

TEST_CASE("opdb sync: a real PrivateUse1 backend answers for target torchtpu") {
  // torch_tpu is not installable here; a backend registered with torch.library at PrivateUse1
  // (tests/opdb_fixtures/privateuse1) puts real kernels in the same dispatcher table it fills.
  ScopedEnv path("PYTHONPATH", TPU_SOURCE_DIR "/tests/opdb_fixtures/privateuse1");
  SyncRequest request;
  request.python = kPython;
  request.target = "torchtpu";  // key PrivateUse1 by default
  request.imports = {"fake_privateuse1_backend"};
  SyncResult result = sync_from_python(request);
  if (result.error == SyncError::TorchMissing) {
    TPU_SKIP_TEST(kPython << " has no torch (Debian: apt install python3-torch)");
  }
  REQUIRE_MESSAGE(result.error == SyncError::None, result.message << " / " << result.detail);
  CHECK(result.target == "torchtpu");
  CHECK(result.probe.dispatch_key == "PrivateUse1");
  REQUIRE(result.probe.modules.size() == 1);  // --import named the backend: torch_tpu is not added
  CHECK(result.probe.modules[0] == std::pair<std::string, std::string>("fake_privateuse1_backend", "0.0-fixture"));
  CHECK(result.table.counts[static_cast<size_t>(Status::Lowered)] == 4);  // the four registered kernels

  OpDb db = with_synced({UserTable{"torchtpu", "/data/status_torchtpu.tsv", result.table.text}});
  CHECK(db.load_errors().empty());
  OpInfo mm_out = db.lookup("aten::mm.out", "torchtpu");
  CHECK(mm_out.status == Status::Lowered);
  CHECK(mm_out.kind == "synced_kernel");
  CHECK(mm_out.provenance.find("fake_privateuse1_backend 0.0-fixture") != std::string::npos);
  // mm itself: the dispatcher shows its generated wrapper; the built-in data knows it reaches mm.out.
  OpInfo mm = db.lookup("aten::mm", "torchtpu");
  CHECK(mm.status == Status::Lowered);
  CHECK(mm.kind == "structured_delegate");
  CHECK(mm.provenance.find("wrapper confirmed by") != std::string::npos);
  // Registered in TorchTPU's data but not by this backend: the install's answer wins. torch 1.13
  // cannot register a boxed fallback from Python, so the call raises without any switch.
  OpInfo grid = db.lookup("aten::grid_sampler_2d", "torchtpu");
  CHECK(grid.status == Status::Unsupported);
  CHECK(grid.kind == "no_backend_fallback");
  CHECK(db.lookup("aten::linear", "torchtpu").status == Status::Decomposed);

  request.imports.clear();  // now torch_tpu itself is asked for
  SyncResult missing = sync_from_python(request);
  CHECK(missing.error == SyncError::ModuleMissing);
  CHECK(missing.module == "torch_tpu");
}

TEST_CASE("opdb sync: a synced table takes precedence over the built-in one, keeping what it knows") {
  std::vector<std::string> problems;
  ProbeOutput probe = parse_probe_output(kProbeOutput, problems);
  SyncedTable table = render_synced_table(probe, SyncedTableContext{"xla", "/venv/bin/python", "2026-01-02T03:04:05Z"});
  CHECK(table.rows == 12);
  CHECK(table.provenance.find("torch 2.9.0 + torch_xla 2.9.0") != std::string::npos);
  CHECK(synced_header(table.text).front() == std::pair<std::string, std::string>("target", "xla"));

  OpDb db = with_synced({UserTable{"xla", "/data/status_xla.tsv", table.text}});
  CHECK(db.load_errors().empty());
  REQUIRE(db.synced_tables().size() == 1);
  CHECK(db.synced_tables()[0].target == "xla");

  // Synced rows win: linalg_qr falls back in the built-in data, this install has a kernel.
  CHECK(OpDb::embedded_only().lookup("aten::linalg_qr", "xla").status == Status::Fallback);
  OpInfo qr = db.lookup("aten::linalg_qr", "xla");
  CHECK(qr.status == Status::Lowered);
  CHECK(qr.kind == "synced_kernel");
  CHECK(qr.provenance.find("torch 2.9.0") != std::string::npos);
  // A registered kernel that only hands off to the CPU stays fallback (the built-in data knows).
  OpInfo nonzero = db.lookup("aten::nonzero", "xla");
  CHECK(nonzero.status == Status::Fallback);
  CHECK(nonzero.kind == "fallback_by_default");
  // A lowered op keeps its built-in fallback condition; provenance names both sources.
  OpInfo addmm = db.lookup("aten::addmm", "xla");
  CHECK(addmm.status == Status::Lowered);
  CHECK(addmm.condition == "beta != 1 or alpha != 1");
  CHECK(addmm.provenance.find("torch 2.9.0") != std::string::npos);
  CHECK(addmm.provenance.find("xla_cpu_fallback_conditions") != std::string::npos);
  // Both say composite: the built-in answer, refined by the callees, stays.
  CHECK(db.lookup("aten::ctc_loss.IntList", "xla").status == OpDb::embedded_only().lookup("aten::ctc_loss.IntList", "xla").status);
  // Rows the install lacks keep the built-in answer; rows only the install has are answered.
  CHECK(db.lookup("aten::topk", "xla").status == Status::Lowered);
  CHECK(db.lookup("aten::topk", "xla").provenance.find("xla_native_functions.yaml") != std::string::npos);
  CHECK(db.lookup("aten::brand_new_op", "xla").status == Status::Lowered);
  // Other targets are untouched.
  CHECK(db.lookup("aten::linalg_qr", "mps").provenance ==
        OpDb::embedded_only().lookup("aten::linalg_qr", "mps").provenance);
  // list() sees the merged answers.
  auto lowered = db.list(Status::Lowered, "xla");
  CHECK(std::any_of(lowered.begin(), lowered.end(), [](const OpInfo& i) { return i.name == "aten::linalg_qr"; }));
}

TEST_CASE("opdb sync: a synced target that is not built in becomes a target of its own") {
  std::vector<std::string> problems;
  ProbeOutput probe = parse_probe_output(kProbeOutput, problems);
  SyncedTable table = render_synced_table(probe, SyncedTableContext{"lab-tpu", "python3", "2026-01-02T03:04:05Z"});
  OpDb db = with_synced({UserTable{"lab-tpu", "/data/status_lab-tpu.tsv", table.text}});
  CHECK(db.resolve_target("lab-tpu") == std::optional<std::string>("lab-tpu"));
  CHECK(db.resolve_target("tpu") == std::optional<std::string>("torchtpu"));
  CHECK_FALSE(db.resolve_target("nope"));
  CHECK(db.all_targets().back() == "lab-tpu");
  CHECK(db.lookup("aten::mm", "lab-tpu").status == Status::Lowered);
  CHECK(db.lookup("aten::grid_sampler_2d", "lab-tpu").status == Status::Fallback);
  CHECK_FALSE(db.lookup("aten::topk", "lab-tpu").found);  // not in that table, no built-in below it
  CHECK(db.lookup("aten::mm", "nope").reason.find("lab-tpu") != std::string::npos);
}

TEST_CASE("opdb sync: runs for real in Debian's python3, with dispatch key CPU in place of XLA") {
  SyncRequest request;
  request.python = kPython;
  request.dispatch_key = "CPU";
  request.target = "cpu-check";
  SyncResult result = sync_from_python(request);
  if (result.error == SyncError::TorchMissing) {
    TPU_SKIP_TEST(kPython << " has no torch (Debian: apt install python3-torch)");
  }
  REQUIRE_MESSAGE(result.error == SyncError::None, result.message << " / " << result.detail);
  CHECK(result.target == "cpu-check");
  CHECK_FALSE(result.probe.torch_version.empty());
  CHECK(result.probe.dispatch_key == "CPU");
  CHECK(result.table.rows > 1000);
  CHECK(result.table.counts[static_cast<size_t>(Status::Lowered)] > 500);
  CHECK(result.table.counts[static_cast<size_t>(Status::Decomposed)] > 500);

  // Written where the user's tables live, then read back as OpDb::builtin() does.
  tpu::testing::TempDir dir;
  std::string error;
  REQUIRE(write_user_table(dir.path(), result.target, result.table.text, error));
  std::vector<std::string> errors;
  auto tables = read_user_tables(dir.path(), errors);
  CHECK(errors.empty());
  REQUIRE(tables.size() == 1);
  OpDb db = with_synced(tables);
  CHECK(db.load_errors().empty());

  // The dispatcher's facts: mm and nonzero have CPU kernels; linear is CompositeImplicitAutograd.
  OpInfo mm = db.lookup("aten::mm", "cpu-check");
  CHECK(mm.status == Status::Lowered);
  CHECK(mm.provenance.find("torch " + result.probe.torch_version) != std::string::npos);
  CHECK(db.lookup("aten::nonzero", "cpu-check").status == Status::Lowered);
  CHECK(db.lookup("aten::linear", "cpu-check").status == Status::Decomposed);
  CHECK(db.lookup("aten::add.Tensor", "cpu-check").status == Status::Lowered);
  // The built-in tables still answer the built-in targets.
  CHECK(db.lookup("aten::nonzero", "xla").status == Status::Fallback);

  // The older `_dispatch_dump` path, kept for torch versions without registration lists, sees the same.
  request.method = "dump";
  SyncResult by_dump = sync_from_python(request);
  REQUIRE(by_dump.error == SyncError::None);
  CHECK(by_dump.table.counts == result.table.counts);

  // A package that prints while it is imported (`this` prints the Zen of Python to stdout) must
  // not garble the probe's output: the probe moves everything else on stdout to stderr.
  request.method = "auto";
  request.imports = {"this"};
  SyncResult noisy = sync_from_python(request);
  REQUIRE_MESSAGE(noisy.error == SyncError::None, noisy.message << " / " << noisy.detail);
  CHECK(noisy.table.counts == result.table.counts);
  REQUIRE(noisy.probe.modules.size() == 1);
  CHECK(noisy.probe.modules[0].first == "this");
}

TEST_CASE("opdb sync: errors a user can fix are told apart") {
  SyncRequest request;
  request.python = kPython;
  request.target = "xla";
  SyncResult xla = sync_from_python(request);  // key XLA: imports torch_xla
  if (xla.error != SyncError::TorchMissing && xla.error != SyncError::None) {
    CHECK(xla.error == SyncError::ModuleMissing);
    CHECK(xla.module == "torch_xla");
    CHECK(xla.message.find("torch_xla is not installed") != std::string::npos);
  }
  request.target = "";  // the default target, TorchTPU: key PrivateUse1, imports torch_tpu
  SyncResult tpu = sync_from_python(request);
  if (tpu.error != SyncError::TorchMissing && tpu.error != SyncError::None) {
    CHECK(tpu.error == SyncError::ModuleMissing);
    CHECK(tpu.module == "torch_tpu");
  }

  request.python = "/nonexistent/python";
  CHECK(sync_from_python(request).error == SyncError::PythonNotRunnable);

  request.python = kPython;
  request.dispatch_key = "CPU";  // not XLA: no default target
  CHECK(sync_from_python(request).error == SyncError::BadRequest);
  request.target = "../etc";
  CHECK(sync_from_python(request).error == SyncError::BadRequest);

  request.target = "check";
  request.dispatch_key = "NoSuchKey";
  SyncResult bad_key = sync_from_python(request);
  if (bad_key.error != SyncError::TorchMissing) CHECK(bad_key.error == SyncError::BadDispatchKey);

  request.dispatch_key = "MPS";  // a key this Linux torch knows but has no kernels for
  SyncResult no_kernels = sync_from_python(request);
  if (no_kernels.error != SyncError::TorchMissing) CHECK(no_kernels.error == SyncError::NoKernels);
}

TEST_CASE("opdb sync: where the user tables live") {
  {
    ScopedEnv data("TPU_MIGRATE_DATA_DIR", "/tmp/somewhere");
    CHECK(user_data_dir() == std::filesystem::path("/tmp/somewhere"));
  }
  {
    ScopedEnv data("TPU_MIGRATE_DATA_DIR", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
    CHECK(user_data_dir() == std::filesystem::path("/xdg/tpu-migrate"));
  }
  {
    ScopedEnv data("TPU_MIGRATE_DATA_DIR", nullptr);
    ScopedEnv xdg("XDG_DATA_HOME", "relative/ignored");  // the XDG spec says: only absolute paths
    ScopedEnv home("HOME", "/home/u");
    CHECK(user_data_dir() == std::filesystem::path("/home/u/.local/share/tpu-migrate"));
  }
  CHECK(user_table_path("/d", "xla") == std::filesystem::path("/d/status_xla.tsv"));
  CHECK(valid_target_name("cpu-check_2"));
  CHECK_FALSE(valid_target_name("../x"));
  CHECK_FALSE(valid_target_name("Xla"));
  CHECK_FALSE(valid_target_name(""));

  tpu::testing::TempDir dir;
  dir.write("status_good.tsv", "#columns\toverload\tstatus\nmm\tlowered\n");
  dir.write("status_Bad Name.tsv", "#columns\toverload\tstatus\n");
  dir.write("notes.txt", "not a table");
  std::vector<std::string> errors;
  auto tables = read_user_tables(dir.path(), errors);
  REQUIRE(tables.size() == 1);
  CHECK(tables[0].target == "good");
  CHECK(errors.size() == 1);
  CHECK(read_user_tables(dir.path() / "missing", errors).empty());
}
