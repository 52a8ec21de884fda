// SPDX-License-Identifier: Apache-2.0
// Tests of the op database: real op statuses checked by hand against the upstream files, the Python
// API map, the CUDA API map, and the loader on small inline tables.

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "opdb/opdb.h"

namespace {

using tpu::opdb::OpDb;
using tpu::opdb::Status;

struct Expected {
  std::string_view op;
  std::string_view target;
  Status status;
  std::string_view kind;  // empty: not checked
};

// Each row was checked by reading ../shared/upstream by hand: the op's section in
// pytorch-xla/xla_native_functions.yaml (or its absence), its dispatch table and structured_delegate in
// pytorch/native_functions.yaml, and derived/xla_cpu_fallback_conditions.tsv; XPU/MPS rows by their
// dispatch keys, Ascend rows by op-plugin's op_plugin_functions.yaml.
constexpr Expected kVerified[] = {
    // Lowered: listed in the XLA yaml.
    {"aten::mm", "xla", Status::Lowered, "lowered"},                      // supported
    {"aten::bmm", "xla", Status::Lowered, "lowered"},                     // supported
    {"aten::_convolution", "xla", Status::Lowered, "lowered"},            // supported
    {"aten::native_layer_norm", "xla", Status::Lowered, "lowered"},       // autograd section
    {"aten::native_group_norm", "xla", Status::Lowered, "lowered"},       // autograd section
    {"aten::native_batch_norm", "xla", Status::Lowered, "lowered"},       // supported
    {"aten::_softmax", "xla", Status::Lowered, "lowered"},                // supported
    {"aten::_log_softmax", "xla", Status::Lowered, "lowered"},            // supported
    {"aten::embedding", "xla", Status::Lowered, "lowered"},               // supported + symint
    {"aten::sort", "xla", Status::Lowered, "lowered"},                    // supported
    {"aten::topk", "xla", Status::Lowered, "lowered"},                    // supported
    {"aten::kthvalue", "xla", Status::Lowered, "lowered"},                // supported
    {"aten::index_put_", "xla", Status::Lowered, "lowered"},              // supported
    {"aten::_index_put_impl_", "xla", Status::Lowered, "lowered"},        // supported
    {"aten::scatter_add", "xla", Status::Lowered, "lowered"},             // supported
    {"aten::_linalg_svd", "xla", Status::Lowered, "lowered"},             // supported
    {"aten::_linalg_slogdet", "xla", Status::Lowered, "lowered"},         // supported
    {"aten::triangular_solve", "xla", Status::Lowered, "lowered"},        // supported
    {"aten::nll_loss_forward", "xla", Status::Lowered, "lowered"},        // supported
    {"aten::gelu", "xla", Status::Lowered, "lowered"},                    // supported
    {"aten::relu", "xla", Status::Lowered, "lowered"},                    // full_codegen
    {"aten::silu", "xla", Status::Lowered, "lowered"},                    // full_codegen
    {"aten::upsample_bilinear2d", "xla", Status::Lowered, "lowered"},     // supported
    {"aten::cumsum", "xla", Status::Lowered, "lowered"},                  // supported
    {"aten::logsumexp", "xla", Status::Lowered, "lowered"},               // supported
    {"aten::_cdist_forward", "xla", Status::Lowered, "lowered"},          // supported
    {"aten::native_dropout", "xla", Status::Lowered, "lowered"},          // supported
    {"aten::affine_grid_generator", "xla", Status::Lowered, "lowered"},   // supported
    // Lowered through a sibling or a *_copy op.
    {"aten::scatter_add_", "xla", Status::Lowered, "lowered"},            // in-place of scatter_add
    {"aten::mm.out", "xla", Status::Lowered, "lowered"},                  // out= of mm
    {"aten::transpose.int", "xla", Status::Lowered, "lowered"},           // transpose_copy.int listed
    // Lowered, with a condition under which the XLA kernel still falls back.
    {"aten::addmm", "xla", Status::Lowered, "lowered_conditional"},       // beta != 1 or alpha != 1
    {"aten::addmm_", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::scatter_reduce.two", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::linalg_inv_ex", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::_linalg_eigh", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::max_pool2d_with_indices", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::_adaptive_avg_pool2d", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::_embedding_bag_forward_only", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::cumprod", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::randperm", "xla", Status::Lowered, "lowered_conditional"},
    {"aten::multinomial", "xla", Status::Lowered, "lowered_conditional"},
    // Fallback by default: the condition starts with ALWAYS.
    {"aten::nonzero", "xla", Status::Fallback, "fallback_by_default"},
    {"aten::masked_select", "xla", Status::Fallback, "fallback_by_default"},
    {"aten::_local_scalar_dense", "xla", Status::Fallback, "fallback_by_default"},
    {"torchvision::nms", "xla", Status::Fallback, "fallback_by_default"},
    // CPU fallback: not in the XLA yaml, not composite, a CPU kernel exists.
    {"aten::_unique2", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::unique_dim", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::unique_consecutive", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::grid_sampler_2d", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::grid_sampler_3d", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_fft_r2c", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_fft_c2c", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_fft_c2r", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::linalg_cholesky_ex", "xla", Status::Fallback, "cpu_fallback"},  // via linalg_cholesky_ex.L (CPU)
    {"aten::linalg_qr", "xla", Status::Fallback, "cpu_fallback"},          // XLA lowers only legacy `qr`
    {"aten::_linalg_det", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::linalg_lu_factor_ex", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::linalg_solve_triangular", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::bincount", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::histc", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::median", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_ctc_loss", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_embedding_bag", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::upsample_bicubic2d", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::col2im", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::im2col", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::repeat_interleave.Tensor", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_fused_adam_", "xla", Status::Fallback, "cpu_fallback"},
    {"aten::_int_mm", "xla", Status::Fallback, "cpu_fallback"},
    // Unsupported: no CPU kernel to fall back to.
    {"aten::cudnn_convolution", "xla", Status::Unsupported, "no_cpu_kernel"},
    {"aten::_scaled_dot_product_flash_attention", "xla", Status::Unsupported, "no_cpu_kernel"},
    {"aten::_cslt_sparse_mm", "xla", Status::Unsupported, "no_cpu_kernel"},
    {"aten::_weight_int4pack_mm", "xla", Status::Unsupported, "no_cpu_kernel"},
    {"aten::mm.dtype", "xla", Status::Unsupported, "no_cpu_kernel"},
    // Composite ops, refined by what they decompose into.
    {"aten::convolution", "xla", Status::Decomposed, "composite_explicit"},  // -> _convolution
    {"aten::conv2d", "xla", Status::Decomposed, "composite_implicit"},       // -> convolution
    {"aten::layer_norm", "xla", Status::Decomposed, "composite_implicit"},   // -> native_layer_norm
    {"aten::softmax", "xla", Status::Decomposed, "composite_implicit"},      // softmax.int -> _softmax
    {"aten::linear", "xla", Status::Decomposed, "composite_implicit"},       // -> addmm, matmul
    {"aten::cross_entropy_loss", "xla", Status::Decomposed, "composite_implicit"},
    {"aten::scaled_dot_product_attention", "xla", Status::Decomposed, "composite_implicit"},
    {"aten::native_layer_norm_backward", "xla", Status::Decomposed, "bypassed_by_xla_autograd"},
    {"aten::grid_sampler", "xla", Status::Fallback, "composite_implicit"},      // -> grid_sampler_2d
    {"aten::fft_fft", "xla", Status::Fallback, "composite_implicit"},           // -> _fft_r2c / _fft_c2c
    {"aten::embedding_bag", "xla", Status::Fallback, "composite_implicit"},     // training -> _embedding_bag
    {"aten::ctc_loss.IntList", "xla", Status::Fallback, "composite_implicit"},  // -> _ctc_loss
    {"aten::linalg_eigvalsh", "xla", Status::Fallback, "composite_implicit"},   // _linalg_eigh, compute_v=False
    {"aten::linalg_solve", "xla", Status::Fallback, "composite_implicit"},      // -> _linalg_solve_ex
    {"aten::argwhere", "xla", Status::Fallback, "composite_implicit"},          // -> nonzero
    {"aten::item", "xla", Status::Fallback, "composite_implicit"},              // -> _local_scalar_dense
    // Other targets.
    {"aten::nonzero", "xpu", Status::Lowered, "kernel"},                   // XPU key
    {"aten::_fft_r2c", "xpu", Status::Lowered, "kernel"},                  // XPU key
    {"aten::linalg_qr", "xpu", Status::Fallback, "cpu_fallback"},          // linalg_qr.out: CPU, CUDA, MPS
    {"aten::cudnn_convolution", "xpu", Status::Unsupported, "no_cpu_kernel"},
    {"aten::linalg_qr", "mps", Status::Lowered, "kernel"},                 // MPS key on linalg_qr.out
    {"aten::histc", "mps", Status::Lowered, "kernel"},                     // CPU, MPS: histogram_histc
    {"aten::_pdist_forward", "mps", Status::Fallback, "cpu_fallback"},     // CPU, CUDA, XPU only
    {"aten::linear", "mps", Status::Lowered, "kernel"},                    // MPS key beats CIA
    {"aten::nonzero", "ascend", Status::Lowered, "kernel"},                // official, all_version
    {"aten::_fft_r2c", "ascend", Status::Lowered, "kernel"},               // op_api [v2.1, newest]
    {"aten::_local_scalar_dense", "ascend", Status::Fallback, "cpu_fallback"},
    // TorchTPU (../shared/upstream/torch-tpu: registered_aten_ops.tsv, NOTES.md §6).
    {"aten::nonzero", "torchtpu", Status::Lowered, "kernel"},               // registered at PrivateUse1
    {"aten::mm", "torchtpu", Status::Lowered, "structured_delegate"},       // -> mm.out (inferred)
    {"aten::embedding", "torchtpu", Status::Decomposed, "composite_explicit"},
    {"aten::unique_consecutive", "torchtpu", Status::Unsupported, "cpu_fallback_opt_in"},  // raises by default
    {"aten::cudnn_convolution", "torchtpu", Status::Unsupported, "no_cpu_kernel"},
    {"aten::max_pool2d", "torchtpu", Status::Lowered, "kernel"},            // AutogradPrivateUse1 only
};

}  // namespace

// These tests check the tables compiled in, so they read OpDb::embedded_only(): OpDb::builtin() would
// also read whatever the developer running them has synced (opdb/user_tables.h).
TEST_CASE("opdb: the builtin tables load cleanly") {
  const OpDb& db = OpDb::embedded_only();
  CHECK(db.load_errors().empty());
  CHECK(&db == &OpDb::embedded_only());  // one instance
  CHECK(db.synced_tables().empty());
  CHECK(&OpDb::builtin() == &OpDb::builtin());
}

TEST_CASE("opdb: statuses checked by hand against the upstream files") {
  const OpDb& db = OpDb::embedded_only();
  for (const auto& row : kVerified) {
    CAPTURE(row.op);
    CAPTURE(row.target);
    auto info = db.lookup(row.op, row.target);
    CHECK(info.found);
    CHECK(tpu::opdb::to_string(info.status) == tpu::opdb::to_string(row.status));
    if (!row.kind.empty()) CHECK(info.kind == row.kind);
    CHECK(!info.reason.empty());
  }
  CHECK(std::size(kVerified) >= 40);
}

TEST_CASE("opdb: lookup details") {
  const OpDb& db = OpDb::embedded_only();

  auto addmm = db.lookup("aten::addmm", "xla");
  CHECK(addmm.name == "aten::addmm");
  CHECK(addmm.condition == "beta != 1 or alpha != 1");
  CHECK(addmm.provenance.find("41398bfff334fc8d3b1c00be6ea8cc5411f6d6bf") != std::string::npos);
  CHECK(addmm.core);

  auto nonzero = db.lookup("aten::nonzero", "xla");
  CHECK(nonzero.dynamic_output_shape);
  CHECK(nonzero.condition.rfind("ALWAYS", 0) == 0);

  CHECK(db.lookup("aten::_local_scalar_dense", "xla").data_dependent_output);

  auto softmax = db.lookup("aten::softmax", "xla");
  CHECK(softmax.name == "aten::softmax.int");  // no default overload: the first functional one
  REQUIRE(softmax.decomposes_into.size() == 1);
  CHECK(softmax.decomposes_into[0] == "aten::_softmax");
  CHECK(softmax.provenance.find("composite_calls.tsv") != std::string::npos);

  auto fallback = db.lookup("aten::_unique2", "xla");
  CHECK(fallback.reason == "no XLA lowering; CPU fallback (host round trip per call)");
  CHECK(fallback.provenance == "native_functions.yaml@torch-2.14.1");
}

TEST_CASE("opdb: op name spellings resolve to the same overload") {
  const OpDb& db = OpDb::embedded_only();
  for (std::string_view spelling : {"aten::add.Tensor", "add.Tensor", "torch.ops.aten.add.Tensor", "aten::add"}) {
    CAPTURE(spelling);
    CHECK(db.lookup(spelling).name == "aten::add.Tensor");
  }
  CHECK(db.lookup("aten::nonzero.default", "xla").name == "aten::nonzero");
  CHECK(db.lookup("torch.ops.torchvision.nms.default", "xla").name == "torchvision::nms");
  // "tpu" is TorchTPU's device name: it names TorchTPU, never PyTorch/XLA.
  CHECK(db.lookup("nonzero", "tpu").target == "torchtpu");
  CHECK(OpDb::canonical_target("tpu") == std::optional<std::string>("torchtpu"));
  // Without a target, the lookup answers for the default target, TorchTPU.
  CHECK(db.lookup("aten::nonzero").target == tpu::opdb::kDefaultTarget);
  CHECK(db.lookup("aten::unique_consecutive").reason == db.lookup("aten::unique_consecutive", "torchtpu").reason);
}

TEST_CASE("opdb: unknown ops and targets") {
  const OpDb& db = OpDb::embedded_only();
  auto missing = db.lookup("aten::definitely_not_an_op", "xla");
  CHECK_FALSE(missing.found);
  CHECK(missing.status == Status::Unknown);
  CHECK(!missing.reason.empty());

  auto removed = db.lookup("aten::cholesky", "xla");  // XLA lowers it, but torch 2.14 removed it
  CHECK_FALSE(removed.found);

  auto custom = db.lookup("mylib::fused_thing", "xla");
  CHECK(custom.status == Status::Unknown);

  auto bad_target = db.lookup("aten::mm", "gpu");
  CHECK(bad_target.status == Status::Unknown);
  CHECK(bad_target.reason.find("unknown target") != std::string::npos);
  CHECK_FALSE(OpDb::canonical_target("gpu").has_value());
}

TEST_CASE("opdb: overloads and lists") {
  const OpDb& db = OpDb::embedded_only();
  auto overloads = db.overloads("aten::nonzero");
  CHECK(std::set<std::string>(overloads.begin(), overloads.end()) ==
        std::set<std::string>{"aten::nonzero", "aten::nonzero.out"});
  CHECK(db.overloads("aten::add.Tensor").size() >= 4);

  auto fallbacks = db.list(Status::Fallback, "xla");
  CHECK(fallbacks.size() > 100);
  for (const auto& info : fallbacks) CHECK(info.status == Status::Fallback);
  CHECK(std::is_sorted(fallbacks.begin(), fallbacks.end(),
                       [](const auto& a, const auto& b) { return a.name < b.name; }));
  // TorchTPU never runs an op on the CPU silently: what XLA falls back on raises there.
  CHECK(db.list(Status::Fallback, "torchtpu").empty());
  CHECK(db.list(Status::Lowered, "torchtpu").size() > 800);
  CHECK(db.list(Status::Unknown, "torchtpu").empty());
}

TEST_CASE("opdb: TorchTPU answers with its source commit and the opt-in CPU fallback") {
  const OpDb& db = OpDb::embedded_only();
  auto nonzero = db.lookup("aten::nonzero", "torchtpu");
  CHECK(nonzero.provenance.find("4438ac1cec8ba9ea52bdf54f219492c8309fdf2a") != std::string::npos);
  auto unique = db.lookup("aten::unique_consecutive", "torchtpu");
  CHECK(unique.reason.find("only when the program enables TorchTPU's CPU fallback") != std::string::npos);
  CHECK(db.lookup("aten::unique_consecutive", "xla").status == Status::Fallback);  // the same op on XLA
}

TEST_CASE("opdb: status names round-trip") {
  for (auto status : {Status::Lowered, Status::Decomposed, Status::Fallback, Status::Unsupported, Status::Unknown}) {
    CHECK(tpu::opdb::status_from_string(tpu::opdb::to_string(status)) == status);
  }
  CHECK_FALSE(tpu::opdb::status_from_string("broken").has_value());
}

TEST_CASE("opdb: Python API -> aten op") {
  const OpDb& db = OpDb::embedded_only();
  struct Row {
    std::string_view api, aten;
  };
  constexpr Row kRows[] = {
      {"torch.nonzero", "aten::nonzero"},
      {"Tensor.nonzero", "aten::nonzero"},
      {"torch.Tensor.nonzero", "aten::nonzero"},
      {"torch.add", "aten::add.Tensor"},
      {"torch.matmul", "aten::matmul"},
      {"torch.linalg.inv", "aten::linalg_inv"},
      {"torch.linalg.qr", "aten::linalg_qr"},
      {"torch.fft.fft", "aten::fft_fft"},
      {"torch.special.erf", "aten::special_erf"},
      {"torch._C._nn.gelu", "aten::gelu"},
      {"torch.unique", "aten::_unique2"},
      {"torch.where", "aten::where.self"},
      {"Tensor.item", "aten::item"},
      {"torch.nn.functional.softmax", "aten::softmax.int"},
      {"torch.nn.functional.conv2d", "aten::conv2d"},
      {"torch.nn.functional.cross_entropy", "aten::cross_entropy_loss"},
      {"torch.nn.functional.grid_sample", "aten::grid_sampler"},
      {"torch.nn.functional.interpolate", "aten::upsample_nearest2d.vec"},
      {"torch.nn.Conv2d", "aten::convolution"},
      {"torch.nn.Linear", "aten::linear"},
      {"torch.nn.LayerNorm", "aten::native_layer_norm"},
      {"torch.nn.Embedding", "aten::embedding"},
      {"torch.nn.BatchNorm2d", "aten::native_batch_norm"},
      {"torch.nn.Dropout", "aten::dropout"},
      {"torch.nn.MultiheadAttention", "aten::scaled_dot_product_attention"},
  };
  for (const auto& row : kRows) {
    CAPTURE(row.api);
    auto aten = db.aten_for_python(row.api);
    REQUIRE(aten.has_value());
    CHECK(*aten == row.aten);
    CHECK(db.lookup(*aten).found);  // every target of the map is in the database
  }
  CHECK_FALSE(db.aten_for_python("torch.no_such_function").has_value());
  CHECK_FALSE(db.aten_for_python("numpy.nonzero").has_value());

  const auto* linear = db.python_api("torch.nn.Linear");
  REQUIRE(linear != nullptr);
  CHECK(linear->source == "manual");
  CHECK(linear->also == std::vector<std::string_view>{"aten::addmm", "aten::matmul"});
  CHECK(db.python_api("torch.nonzero")->source == "derived");
}

TEST_CASE("opdb: CUDA API map") {
  const OpDb& db = OpDb::embedded_only();
  const auto* sync = db.cuda_api("torch.cuda.synchronize");
  REQUIRE(sync != nullptr);
  CHECK(sync->category == "cuda-api");
  CHECK(sync->xla.find("wait_device_ops") != std::string::npos);
  CHECK(sync->torchtpu.find("torch.accelerator.synchronize") != std::string::npos);

  const auto* scaler = db.cuda_api("torch.cuda.amp.GradScaler");
  REQUIRE(scaler != nullptr);
  CHECK(scaler->category == "amp");
  CHECK(scaler->xla.rfind("remove", 0) == 0);

  const auto* autocast = db.cuda_api("torch.cuda.amp.autocast");
  REQUIRE(autocast != nullptr);
  CHECK(autocast->xla.find("bfloat16") != std::string::npos);

  CHECK(db.cuda_api("torch.backends.cudnn.benchmark")->category == "backend-flags");
  CHECK(db.cuda_api("torch.distributed.init_process_group")->xla.find("xla://") != std::string::npos);
  CHECK(db.cuda_api("torch.distributed.init_process_group")->torchtpu.find("tpu_dist") != std::string::npos);
  CHECK(db.cuda_api("torch.compile")->torchtpu.find("backend='tpu'") != std::string::npos);
  CHECK(db.cuda_api("torch.utils.data.DataLoader")->xla.find("MpDeviceLoader") != std::string::npos);

  // Longest dotted prefix with a row answers for the names under it.
  const auto* flash = db.cuda_api("flash_attn.flash_attn_func");
  REQUIRE(flash != nullptr);
  CHECK(flash->api == "flash_attn");
  CHECK(db.cuda_api("torch.cuda.some_future_api")->api == "torch.cuda");
  CHECK(db.cuda_api("numpy.array") == nullptr);

  const std::set<std::string> categories = {"device-placement", "cuda-api", "amp", "backend-flags", "distributed",
                                            "dataloading", "third-party-cuda-lib", "custom-extension",
                                            "torch-compile"};
  CHECK(db.cuda_apis().size() >= 50);
  for (const auto& entry : db.cuda_apis()) {
    CAPTURE(entry.api);
    CHECK(categories.count(entry.category) == 1);
    CHECK(!entry.source.empty());
  }
}

TEST_CASE("opdb: loader on inline tables") {
  constexpr std::string_view kOps =
      "# title\n"
      "#columns\toverload\top\trepresentative\tcore\tdynamic_output_shape\tdata_dependent_output\tother_tags\t"
      "dispatch\tkernels\tpython_decomposition\tcore_decomposition\tautogen_from\n"
      "foo\tfoo\t1\t1\t0\t0\tpointwise\tbackend\tCPU\t0\t0\t\n"
      "foo.out\tfoo\t0\t0\t0\t0\t\tbackend\tCPU\t0\t0\t\n";
  constexpr std::string_view kStatus =
      "#provenance\tp\tsomewhere@abc\n"
      "#columns\toverload\tstatus\tkind\treason\tcondition\tdecomposes_into\tprovenance\n"
      "foo\tfallback\tcpu_fallback\tno lowering\t\t\tp\n"
      "foo.out\tbogus\tcpu_fallback\tno lowering\t\t\tp\n"
      "too\tfew\tfields\n";
  constexpr std::string_view kPython = "#columns\tapi\taten\talso\tsource\tnote\ntorch.foo\taten::foo\t\tderived\t\n";
  constexpr std::string_view kCuda = "#columns\tapi\tcategory\txla\ttorchtpu\tnote\tsource\n";
  OpDb db(tpu::opdb::TableTexts{kOps, kPython, kCuda, {{"xla", kStatus}}});

  CHECK(db.load_errors().size() == 2);  // the bad status and the short row
  auto foo = db.lookup("foo", "xla");
  CHECK(foo.status == Status::Fallback);
  CHECK(foo.provenance == "somewhere@abc");
  CHECK(foo.tags == std::vector<std::string>{"core", "pointwise"});
  CHECK_FALSE(db.lookup("foo.out", "xla").found);  // its status row was rejected
  CHECK(db.aten_for_python("torch.foo") == std::optional<std::string>("aten::foo"));
  CHECK(db.cuda_apis().empty());
}
