// SPDX-License-Identifier: Apache-2.0
// distributed: NCCL process groups, DDP pinned to CUDA device ids, LOCAL_RANK device
// selection and launcher assumptions (torchrun environment, mp.spawn).
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "opdb/targets.h"

#include <algorithm>
#include <cctype>

namespace tpu::python {
namespace {

constexpr RuleMeta kRules[] = {
    {.code = "TPU200", .name = "nccl-backend", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "nccl.backend",
     .fix_title = "Use the TPU process group",
     .summary = "a process group on the NCCL backend",
     .rationale = "NCCL is NVIDIA's collective library; there is none on a TPU host, so "
                  "`init_process_group(\"nccl\")` fails.",
     .tpu_way = "TorchTPU: `dist.init_process_group(backend=\"tpu_dist\")`. PyTorch/XLA: "
                "`import torch_xla.distributed.xla_backend` then "
                "`dist.init_process_group(\"xla\", init_method=\"xla://\")`.",
     .before = "dist.init_process_group(backend=\"nccl\")",
     .after = "dist.init_process_group(backend=\"tpu_dist\")"},
    {.code = "TPU201", .name = "ddp-device-ids", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "ddp.device_ids ddp.output_device",
     .fix_title = "Drop device_ids/output_device",
     .summary = "DistributedDataParallel pinned to CUDA device ids",
     .rationale = "`device_ids` and `output_device` name CUDA devices; on a TPU each process "
                  "owns one TPU device and DDP takes none.",
     .tpu_way = "`DDP(model)` after moving the model to the TPU device (TorchTPU: "
                "`torch.device(\"tpu\")`); PyTorch/XLA: `DDP(model, gradient_as_bucket_view=True)` "
                "on `torch_xla.device()`, or `xm.optimizer_step(optimizer)` to all-reduce "
                "gradients.",
     .before = "model = DDP(model, device_ids=[local_rank], output_device=local_rank)",
     .after = "model = DDP(model, gradient_as_bucket_view=True)"},
    {.code = "TPU202", .name = "local-rank-device", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "device selection from LOCAL_RANK / --local_rank",
     .rationale = "Picking `cuda:LOCAL_RANK` assumes one CUDA device per torchrun process. On a "
                  "TPU each process owns its device already (TorchTPU: every process sees "
                  "`tpu:0`; PyTorch/XLA: each process `torch_xla.launch` starts).",
     .tpu_way = "TorchTPU: `torch.device(\"tpu\")`, and the torchrun-style RANK variables for "
                "the rank itself. PyTorch/XLA: `torch_xla.device()`, and `xr.local_ordinal()` / "
                "`xr.global_ordinal()` for the rank.",
     .before = "local_rank = int(os.environ[\"LOCAL_RANK\"])\ntorch.cuda.set_device(local_rank)",
     .after = "device = torch.device(\"tpu\")"},
    {.code = "TPU203", .name = "process-launcher", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "the torch.distributed.launch / torch.distributed.run launcher module "
                "(mp.spawn itself is no tie)",
     .rationale = "One process per CUDA device, spawned by hand, is the GPU pattern. TorchTPU "
                  "keeps torchrun-style launching behind its `singlehost_wrapper` launcher; "
                  "PyTorch/XLA starts one process per TPU device itself.",
     .tpu_way = "TorchTPU: torchrun after the `singlehost_wrapper` launcher. PyTorch/XLA: "
                "`torch_xla.launch(fn, args=…)` with PJRT_DEVICE=TPU (older: `xmp.spawn`).",
     .before = "mp.spawn(train, args=(world_size,), nprocs=world_size)",
     .after = "# torchrun --nproc-per-node=N train.py  (PyTorch/XLA: torch_xla.launch(train))"},
    {.code = "TPU204", .name = "torchrun-env", .category = Category::Distributed,
     .severity = Severity::Info, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "torchrun's rendezvous environment (MASTER_ADDR, MASTER_PORT); RANK and "
                "WORLD_SIZE reads are no tie",
     .rationale = "torchrun sets these; PyTorch/XLA's `torch_xla.launch` does not set all of "
                  "them, so code that requires them fails under that launcher. TorchTPU keeps "
                  "torchrun-style launching, which sets them.",
     .tpu_way = "TorchTPU: keep them with a torchrun-style launch. PyTorch/XLA: "
                "`xr.world_size()`, `xr.global_ordinal()`, `xr.local_ordinal()`.",
     .before = "world_size = int(os.environ[\"WORLD_SIZE\"])",
     .after = "world_size = int(os.environ[\"WORLD_SIZE\"])  # torchrun-style launch (PyTorch/XLA: xr.world_size())"},
    {.code = "TPU205", .name = "nccl-env-var", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "an NCCL_* environment variable",
     .rationale = "NCCL tuning variables configure NVIDIA collectives and are ignored on a TPU.",
     .tpu_way = "Remove it; TPU collectives run over ICI and are configured by the runtime.",
     .before = "os.environ[\"NCCL_P2P_DISABLE\"] = \"1\"",
     .after = "# (removed)"},
    {.code = "TPU206", .name = "data-parallel", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "single-process `torch.nn.DataParallel` over CUDA devices",
     .rationale = "DataParallel scatters to CUDA devices inside one process; it has no TPU "
                  "path.",
     .tpu_way = "One process per device with DDP (TorchTPU: torchrun-style launch and the "
                "tpu_dist backend, or DTensor over `init_device_mesh(\"tpu\", …)`; PyTorch/XLA: "
                "`torch_xla.launch` and the xla backend, or SPMD sharding).",
     .before = "model = nn.DataParallel(model)",
     .after = "# one process per device, each wrapping its model in DDP"},
    {.code = "TPU207", .name = "cuda-process-group", .category = Category::Distributed,
     .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
     .fix_title = "",
     .summary = "process-group setup written for CUDA devices: `init_process_group`, "
                "`DistributedDataParallel` wraps, `SyncBatchNorm.convert_sync_batchnorm`, "
                "`barrier(device_ids=…)`",
     .rationale = "Each of these assumes one CUDA device per process under torchrun: the "
                  "backend, the device the module sits on, cuDNN's synchronised batch norm, "
                  "the devices a barrier waits on. A port decides about each.",
     .tpu_way = "TorchTPU: `dist.init_process_group(backend=\"tpu_dist\")`, DDP without device "
                "ids, plain BatchNorm (or all-reduce the statistics yourself), barriers without "
                "device ids. PyTorch/XLA: `dist.init_process_group(\"xla\", "
                "init_method=\"xla://\")`, DDP without device ids (or SPMD sharding), "
                "`xm.rendezvous` for barriers.",
     .before = "dist.init_process_group(backend)\nmodel = DDP(model)\n"
               "model = nn.SyncBatchNorm.convert_sync_batchnorm(model)",
     .after = "dist.init_process_group(backend=\"tpu_dist\")\nmodel = DDP(model)"},
};

const RuleMeta& kNccl = kRules[0];
const RuleMeta& kDdpDeviceIds = kRules[1];
const RuleMeta& kLocalRank = kRules[2];
const RuleMeta& kLauncher = kRules[3];
const RuleMeta& kTorchrunEnv = kRules[4];
const RuleMeta& kNcclEnv = kRules[5];
const RuleMeta& kDataParallel = kRules[6];
const RuleMeta& kProcessGroup = kRules[7];

bool is_ddp(std::string_view qualified) {
  return qualified == "torch.nn.parallel.DistributedDataParallel" ||
         qualified == "torch.nn.parallel.distributed.DistributedDataParallel" ||
         qualified == "torch.nn.DistributedDataParallel";
}

// The xla process group also needs init_method="xla://". It can be written right after the
// backend when the call is init_process_group, names no init_method yet, and the backend is
// a keyword or the last positional argument (so that `, init_method=…` keeps the call valid).
bool init_method_can_follow(const Call& call, std::string_view qualified, TSNode backend) {
  if (qualified != "torch.distributed.init_process_group") return false;
  if (!is_null(call.argument(1, "init_method"))) return false;
  // `**options` may hold an init_method already; a second one would raise.
  TSNode arguments = field(call.node, "arguments");
  for (uint32_t i = 0; i < ts_node_named_child_count(arguments); ++i) {
    std::string_view type = kind(ts_node_named_child(arguments, i));
    if (type == "dictionary_splat" || type == "list_splat") return false;
  }
  if (is(ts_node_parent(backend), "keyword_argument")) return true;
  return !call.positional.empty() &&
         ts_node_end_byte(call.positional.back()) == ts_node_end_byte(backend);
}

// One finding per line: `init_process_group(backend="nccl")` is reported once, for NCCL.
bool first_on_line(std::vector<uint32_t>& lines, TSNode node) {
  uint32_t line = ts_node_start_point(node).row + 1;
  if (std::find(lines.begin(), lines.end(), line) != lines.end()) return false;
  lines.push_back(line);
  return true;
}

bool is_nccl_word(std::string_view value) {
  if (value.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != "nccl"[i]) return false;
  return true;
}

// A process group already on the TPU's backend is ported.
bool is_tpu_backend(const ModuleView& view, const Call& call) {
  auto backend = string_constant(view, call.argument(0, "backend"), call.context);
  return backend && (*backend == "xla" || *backend == "tpu_dist");
}

void check_process_group(RuleContext& context, std::vector<uint32_t>& lines) {
  const ModuleView& view = context.view;
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    std::string what;
    if (q == "torch.distributed.init_process_group" && !is_tpu_backend(view, call))
      what = "`init_process_group` sets up torchrun-style CUDA process groups";
    else if (is_ddp(q))
      what = "DistributedDataParallel wraps a module on a CUDA device";
    else if (call.method == "convert_sync_batchnorm" || q.ends_with("SyncBatchNorm"))
      what = "SyncBatchNorm synchronises batch statistics over NCCL";
    else if (q == "torch.distributed.barrier" && !is_null(call.keyword("device_ids")))
      what = "`barrier(device_ids=…)` waits on CUDA devices";
    // Reported beside an NCCL finding on the same line: a helper that sets up the process
    // group passes this one on to its callers.
    if (what.empty()) continue;
    context.report(kProcessGroup, call.node, q.empty() ? call.method : q,
                   what + "; on a TPU: " +
                       target_way(context.target,
                                  "init_process_group(\"xla\", init_method=\"xla://\"), DDP without device "
                                  "ids, or SPMD sharding",
                                  "init_process_group(backend=\"tpu_dist\"), DDP without device ids, or DTensor"));
  }
  // "nccl" wherever it is written as a value: a default, a config entry, a comparison.
  for (const Mention& mention : context.mentions.strings()) {
    auto value = string_value(mention.node, view.source());
    if (!value || !is_nccl_word(*value) || is_prose_string(view, mention.node) ||
        !first_on_line(lines, mention.node))
      continue;
    context.report(kNccl, mention.node, "nccl",
                   "the NCCL backend, named here, does not exist on a TPU: use " +
                       target_way(context.target, "the xla backend (init_method=\"xla://\")", "the \"tpu_dist\" backend"))
        .fix.reset();
  }
  for (const Mention& mention : context.mentions.names()) {
    std::string qualified = view.qualify(mention.node);
    // Also NCCL's process-group class and its options (`ProcessGroupNCCL.Options(…)`).
    bool nccl = qualified.ends_with("Backend.NCCL") ||
                has_prefix(qualified, "torch.distributed.ProcessGroupNCCL") ||
                has_prefix(qualified, "torch.distributed.distributed_c10d.ProcessGroupNCCL");
    if (!nccl || !first_on_line(lines, mention.node)) continue;
    context.report(kNccl, mention.node, qualified,
                   "`" + qualified + "` names the NCCL backend, which does not exist on a TPU")
        .fix.reset();
  }
}

// `NCCL_DEBUG`, `TORCH_NCCL_DUMP_ON_TIMEOUT`: a variable for NVIDIA's NCCL, as PyTorch's
// ProcessGroupNCCL reads it (its own are TORCH_NCCL_*). Upper case, digits and underscores only.
bool is_nccl_env_name(std::string_view name) {
  if (!name.starts_with("NCCL_") && !name.starts_with("TORCH_NCCL_")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

const std::span<const RuleMeta> kDistributedRules = kRules;

void check_distributed(RuleContext& context) {
  const ModuleView& view = context.view;
  const size_t first = context.findings_so_far();
  for (const Call& call : view.calls()) {
    const std::string& q = call.qualified;
    if (q == "torch.distributed.init_process_group" || q == "torch.distributed.new_group" ||
        q == "torch.distributed.new_subgroups") {
      TSNode backend = q == "torch.distributed.init_process_group" ? call.argument(0, "backend")
                                                                   : call.keyword("backend");
      auto value = string_constant(view, backend, call.context);
      if (value && value->find("nccl") != std::string::npos) {
        TSNode spelled = unparenthesize(backend);
        Finding& finding = context.report(kNccl, spelled, "nccl",
                       "the NCCL backend does not exist on a TPU: " +
                           target_way(context.target,
                                      "import torch_xla.distributed.xla_backend and use "
                                      "init_process_group(\"xla\", init_method=\"xla://\")",
                                      "use backend=\"tpu_dist\""));
        // Only a literal is replaced; a variable's value is fixed where it is set.
        if (string_value(spelled, view.source()))
          context.with_site(finding, init_method_can_follow(call, q, spelled) ? "nccl.backend.init"
                                                                             : "nccl.backend",
                            spelled);
        else finding.fix.reset();
      }
    } else if (q == "torch.distributed.is_nccl_available") {
      context.report(kNccl, call.node, q, std::string("NCCL is never available on a TPU; check for the ") +
                         (context.target == opdb::kXlaTarget ? "xla" : "tpu_dist") + " backend instead").fix.reset();
    } else if (is_ddp(q)) {
      for (const auto& [name, value] : call.keywords)
        // Already gated by the portable helper: nothing left to fix.
        if ((name == "device_ids" || name == "output_device") &&
            !view.text(value).starts_with("_tpu_cuda_only(")) {
          Finding& finding = context.report(
              kDdpDeviceIds, value, std::string(name),
              "`" + std::string(name) + "` pins DDP to CUDA devices; on a TPU pass none" +
                  std::string(context.target == opdb::kXlaTarget
                                  ? " (DDP(model, gradient_as_bucket_view=True)) or use xm.optimizer_step(optimizer)"
                                  : ": DDP(model)"));
          context.with_site(finding, "ddp." + std::string(name), ts_node_parent(value),
                            {std::string(view.text(value))});
        }
    } else if (q == "torch.nn.DataParallel" || q == "torch.nn.parallel.DataParallel") {
      context.report(kDataParallel, call.node, q,
                     "DataParallel scatters over CUDA devices in one process; on a TPU use one "
                     "process per device with DDP: " +
                         target_way(context.target, "torch_xla.launch, or SPMD sharding",
                                    "a torchrun-style launch, or DTensor over a \"tpu\" mesh"));
    } else if ((call.method == "add_argument") && !call.positional.empty()) {
      auto flag = string_value(call.positional[0], view.source());
      if (flag && (*flag == "--local_rank" || *flag == "--local-rank"))
        context.report(kLocalRank, call.positional[0], *flag,
                       "`" + *flag + "` is how torch.distributed.launch hands each process its "
                       "CUDA device; on a TPU each process owns its device (" +
                           target_way(context.target, "xr.local_ordinal()", "torch.device(\"tpu\")") + ")");
    }
  }
  for (const Import& import : view.imports()) {
    if (has_prefix(import.module, "torch.distributed.launch") ||
        has_prefix(import.module, "torch.distributed.run"))
      context.report(kLauncher, import.node, import.module,
                     "`" + import.module + "` is the torchrun launcher; on a TPU use " +
                         target_way(context.target, "torch_xla.launch(fn, args=...)",
                                    "torchrun after TorchTPU's singlehost_wrapper launcher"));
  }
  for_each_env_access(view, [&](TSNode node, std::string_view name, const Context&) {
    if (name == "LOCAL_RANK") {
      context.report(kLocalRank, node, "LOCAL_RANK",
                     "LOCAL_RANK selects a CUDA device per torchrun process; on a TPU use " +
                         target_way(context.target, "torch_xla.device() and xr.local_ordinal()",
                                    "torch.device(\"tpu\"): every process sees tpu:0"));
    } else if (name == "MASTER_ADDR" || name == "MASTER_PORT") {
      // RANK and WORLD_SIZE mean the same under the TPU launcher: reading them is no tie.
      context.report(kTorchrunEnv, node, std::string(name),
                     std::string(name) + " is set by torchrun; " +
                         target_way(context.target,
                                    "under torch_xla.launch use xr.world_size() / xr.global_ordinal() / "
                                    "xr.local_ordinal()",
                                    "a torchrun-style launch sets it"));
    } else if (is_nccl_env_name(name)) {
      context.report(kNcclEnv, node, std::string(name),
                     std::string(name) + " tunes NVIDIA's NCCL and is ignored on a TPU; remove it");
    }
  });
  std::vector<uint32_t> lines = context.lines_since(first);
  // An NCCL variable's name as a value (a dict of defaults later written to os.environ, a list
  // of variables to export): the NCCL setting is made there.
  for (const Mention& mention : context.mentions.strings()) {
    auto value = string_value(mention.node, view.source());
    if (!value || !is_nccl_env_name(*value) || is_prose_string(view, mention.node)) continue;
    uint32_t line = ts_node_start_point(mention.node).row + 1;
    if (std::find(lines.begin(), lines.end(), line) != lines.end()) continue;
    lines.push_back(line);
    context.report(kNcclEnv, mention.node, *value,
                   *value + " tunes NVIDIA's NCCL and is ignored on a TPU; remove it");
  }
  check_process_group(context, lines);
}

}  // namespace tpu::python
