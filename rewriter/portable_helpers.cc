// SPDX-License-Identifier: Apache-2.0
#include "rewriter/portable_helpers.h"

#include <array>
#include <span>

#include "opdb/targets.h"

namespace tpu::rewriter {
namespace {

struct Helper {
  std::string_view name;
  std::string_view depends_on;  ///< another helper, or empty
  std::string_view code;        ///< Python source, ending with a newline
};

// Helpers both targets share word for word: they build on the target's own `_tpu_device_name`.
constexpr Helper kDeviceTypeHelper{"device_type", "device_name", R"py(def _tpu_device_type():
    return _tpu_device_name()
)py"};
constexpr Helper kAutocastHelper{"autocast", "device_type", R"py(def _tpu_autocast_dtype():
    # A TPU (and the CPU) autocasts to bfloat16; CUDA keeps float16.
    return torch.float16 if _tpu_device_type() == "cuda" else torch.bfloat16
)py"};

// PyTorch/XLA's helpers. `_torch_xla` is the module when torch_xla imports, else None: every
// helper branches on it. On CUDA and the CPU each helper does what the original CUDA call did,
// so the rewritten program behaves the same there.
constexpr std::array<Helper, 29> kXlaHelpers = {{
    {"base", "", R"py(try:
    import torch_xla as _torch_xla
except ImportError:  # no TPU runtime: run on CUDA or the CPU as before
    _torch_xla = None
)py"},
    {"device", "base", R"py(def _tpu_device(index=None):
    if _torch_xla is not None:
        return _torch_xla.device()
    if torch.cuda.is_available():
        if index is None:
            return torch.device("cuda")
        # .cuda(device=...) also takes a device or a string, not only an index.
        return torch.device(index) if isinstance(index, (torch.device, str)) else torch.device("cuda", index)
    return torch.device("cpu")
)py"},
    {"device_name", "base", R"py(def _tpu_device_name(index=None):
    if _torch_xla is not None:
        return "xla"
    if torch.cuda.is_available():
        # "cuda:N" stays on GPU N: each DDP rank keeps its own device.
        return "cuda" if index is None else f"cuda:{index}"
    return "cpu"
)py"},
    kDeviceTypeHelper,
    kAutocastHelper,
    {"synchronize", "base", R"py(def _tpu_synchronize():
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        xm.wait_device_ops()
    elif torch.cuda.is_available():
        torch.cuda.synchronize()
)py"},
    {"manual_seed", "base", R"py(def _tpu_manual_seed(seed):
    if _torch_xla is not None:
        _torch_xla.manual_seed(seed)
    else:
        torch.cuda.manual_seed_all(seed)
)py"},
    {"set_device", "base", R"py(def _tpu_set_device(index):
    # Each TPU process owns its device; only CUDA selects one.
    if _torch_xla is None and torch.cuda.is_available():
        torch.cuda.set_device(index)
)py"},
    {"empty_cache", "base", R"py(def _tpu_empty_cache():
    # XLA has no caching allocator to empty; CUDA's is emptied as before.
    if _torch_xla is None:
        torch.cuda.empty_cache()
)py"},
    {"memory_allocated", "base", R"py(def _tpu_memory_allocated(device=None):
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        return xm.get_memory_info()["bytes_used"]
    return torch.cuda.memory_allocated(device)
)py"},
    {"memory_reserved", "base", R"py(def _tpu_memory_reserved(device=None):
    # XLA has no caching allocator: what it holds is what is in use.
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        return xm.get_memory_info()["bytes_used"]
    return torch.cuda.memory_reserved(device)
)py"},
    {"max_memory_allocated", "base", R"py(def _tpu_max_memory_allocated(device=None):
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        info = xm.get_memory_info()
        # Older torch_xla reports no peak; the bytes in use are the best it has.
        return info.get("peak_bytes_used", info["bytes_used"])
    return torch.cuda.max_memory_allocated(device)
)py"},
    {"mem_get_info", "base", R"py(def _tpu_mem_get_info(device=None):
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        info = xm.get_memory_info()
        return info["bytes_limit"] - info["bytes_used"], info["bytes_limit"]
    return torch.cuda.mem_get_info(device)
)py"},
    {"reset_peak_memory_stats", "base", R"py(def _tpu_reset_peak_memory_stats(device=None):
    # XLA keeps no resettable peak; only CUDA has one to reset.
    if _torch_xla is None:
        torch.cuda.reset_peak_memory_stats(device)
)py"},
    {"device_count", "base", R"py(def _tpu_device_count():
    if _torch_xla is not None:
        return _torch_xla.device_count()
    return torch.cuda.device_count()
)py"},
    {"current_device", "base", R"py(def _tpu_current_device():
    if _torch_xla is not None:
        import torch_xla.runtime as xr
        return xr.local_ordinal()
    return torch.cuda.current_device()
)py"},
    {"get_device_name", "base", R"py(def _tpu_get_device_name(device=None):
    if _torch_xla is not None:
        import torch_xla.core.xla_model as xm
        return xm.xla_device_hw(_torch_xla.device())
    return torch.cuda.get_device_name(device)
)py"},
    {"is_available", "base", R"py(def _tpu_is_available():
    return _torch_xla is not None or torch.cuda.is_available()
)py"},
    {"is_bf16_supported", "base", R"py(def _tpu_is_bf16_supported(*args, **kwargs):
    # A TPU computes in bfloat16 natively.
    return _torch_xla is not None or torch.cuda.is_bf16_supported(*args, **kwargs)
)py"},
    {"scaler_enabled", "base", R"py(def _tpu_scaler_enabled(enabled=True):
    # bfloat16 on a TPU needs no loss scaling: a disabled scaler passes calls through.
    return bool(enabled) and _torch_xla is None
)py"},
    {"allow_tf32", "base", R"py(def _tpu_allow_tf32(allow, flag="torch.backends.cuda.matmul.allow_tf32"):
    if _torch_xla is not None:
        import torch_xla.backends
        torch_xla.backends.set_mat_mul_precision("high" if allow else "highest")
    elif "cudnn" in flag:
        torch.backends.cudnn.allow_tf32 = allow
    else:
        torch.backends.cuda.matmul.allow_tf32 = allow
)py"},
    {"set_matmul_precision", "base", R"py(def _tpu_set_matmul_precision(precision):
    if _torch_xla is not None:
        import torch_xla.backends
        torch_xla.backends.set_mat_mul_precision("default" if precision == "medium" else precision)
    else:
        torch.set_float32_matmul_precision(precision)
)py"},
    {"dist_backend", "base", R"py(def _tpu_dist_backend():
    if _torch_xla is not None:
        import torch_xla.distributed.xla_backend  # registers the "xla" process group
        return "xla"
    return "nccl" if torch.cuda.is_available() else "gloo"
)py"},
    {"dist_init_method", "base", R"py(def _tpu_dist_init_method():
    # The xla process group rendezvouses through the TPU runtime; elsewhere keep the default.
    return "xla://" if _torch_xla is not None else None
)py"},
    {"cuda_only", "base", R"py(def _tpu_cuda_only(value):
    return None if _torch_xla is not None else value
)py"},
    {"pin_memory", "base", R"py(def _tpu_pin_memory():
    return _torch_xla is None and torch.cuda.is_available()
)py"},
    {"device_loader", "base", R"py(def _tpu_device_loader(loader):
    # On a TPU, upload batches in the background and cut the graph per batch.
    if _torch_xla is not None:
        import torch_xla.distributed.parallel_loader as pl
        return pl.MpDeviceLoader(loader, _torch_xla.device())
    return loader
)py"},
    {"compile_backend", "base", R"py(def _tpu_compile_backend():
    return "openxla" if _torch_xla is not None else "inductor"
)py"},
    {"step_boundary", "base", R"py(def _tpu_step_boundary():
    # XLA records the step lazily: run it once per step. CUDA and the CPU run eagerly.
    if _torch_xla is not None:
        _torch_xla.sync()
)py"},
}};


// TorchTPU's helpers (TARGETS.md, "TorchTPU as released"). TorchTPU loads with torch and, on a
// TPU host, makes the TPU torch's accelerator, so `_torch_tpu` says whether a TPU is there (torch_tpu
// 0.2.0 keeps torch.tpu.is_available/device_count/current_device/synchronize internal: they raise
// when user code calls them, so the helpers use torch.accelerator); every helper branches on
// it, and on CUDA and the CPU does what the original CUDA call did. TorchTPU has no public
// memory statistics, no device loader and no step boundary (it runs eagerly): the rewrite map
// has no portable fix for those on this target, so there are no such helpers here.
constexpr std::array<Helper, 22> kTorchTpuHelpers = {{
    {"base", "", R"py(# TorchTPU loads with torch and makes the TPU the accelerator; without a TPU, run on CUDA or the CPU as before.
# (torch.tpu.is_available() is internal to TorchTPU: it raises when user code calls it.)
_tpu_accelerator = torch.accelerator.current_accelerator() if hasattr(torch, "accelerator") else None
_torch_tpu = _tpu_accelerator is not None and _tpu_accelerator.type == "tpu"
)py"},
    {"device", "base", R"py(def _tpu_device(index=None):
    if _torch_tpu:
        # Each TorchTPU process sees its own chip as tpu:0: a CUDA index does not carry over.
        return torch.device("tpu")
    if torch.cuda.is_available():
        if index is None:
            return torch.device("cuda")
        # .cuda(device=...) also takes a device or a string, not only an index.
        return torch.device(index) if isinstance(index, (torch.device, str)) else torch.device("cuda", index)
    return torch.device("cpu")
)py"},
    {"device_name", "base", R"py(def _tpu_device_name(index=None):
    if _torch_tpu:
        return "tpu"
    if torch.cuda.is_available():
        # "cuda:N" stays on GPU N: each DDP rank keeps its own device.
        return "cuda" if index is None else f"cuda:{index}"
    return "cpu"
)py"},
    kDeviceTypeHelper,
    kAutocastHelper,
    {"synchronize", "base", R"py(def _tpu_synchronize():
    if _torch_tpu:
        torch.accelerator.synchronize()
    elif torch.cuda.is_available():
        torch.cuda.synchronize()
)py"},
    {"manual_seed", "base", R"py(def _tpu_manual_seed(seed):
    if _torch_tpu:
        torch.tpu.manual_seed_all(seed)
    else:
        torch.cuda.manual_seed_all(seed)
)py"},
    {"set_device", "base", R"py(def _tpu_set_device(index):
    # A TorchTPU process cannot switch chips (torch.tpu.set_device only validates); only CUDA selects one.
    if not _torch_tpu and torch.cuda.is_available():
        torch.cuda.set_device(index)
)py"},
    {"empty_cache", "base", R"py(def _tpu_empty_cache():
    # TorchTPU has no public cache to empty; CUDA's is emptied as before.
    if not _torch_tpu:
        torch.cuda.empty_cache()
)py"},
    {"device_count", "base", R"py(def _tpu_device_count():
    if _torch_tpu:
        return torch.accelerator.device_count()
    return torch.cuda.device_count()
)py"},
    {"current_device", "base", R"py(def _tpu_current_device():
    if _torch_tpu:
        return torch.accelerator.current_device_index()
    return torch.cuda.current_device()
)py"},
    {"get_device_name", "base", R"py(def _tpu_get_device_name(device=None):
    if _torch_tpu:
        return torch.tpu.get_device_name()
    return torch.cuda.get_device_name(device)
)py"},
    {"is_available", "base", R"py(def _tpu_is_available():
    return _torch_tpu or torch.cuda.is_available()
)py"},
    {"is_bf16_supported", "base", R"py(def _tpu_is_bf16_supported(*args, **kwargs):
    # A TPU computes in bfloat16 natively.
    return _torch_tpu or torch.cuda.is_bf16_supported(*args, **kwargs)
)py"},
    {"scaler_enabled", "base", R"py(def _tpu_scaler_enabled(enabled=True):
    # bfloat16 on a TPU needs no loss scaling: a disabled scaler passes calls through.
    return bool(enabled) and not _torch_tpu
)py"},
    {"allow_tf32", "base", R"py(def _tpu_allow_tf32(allow, flag="torch.backends.cuda.matmul.allow_tf32"):
    if _torch_tpu:
        # TorchTPU follows PyTorch's float32 matmul precision: "high" is 3 bfloat16 passes, "highest" 6.
        torch.set_float32_matmul_precision("high" if allow else "highest")
    elif "cudnn" in flag:
        torch.backends.cudnn.allow_tf32 = allow
    else:
        torch.backends.cuda.matmul.allow_tf32 = allow
)py"},
    {"set_matmul_precision", "base", R"py(def _tpu_set_matmul_precision(precision):
    # TorchTPU follows PyTorch's setting (a `with torch.tpu.precision(...)` block overrides it).
    torch.set_float32_matmul_precision(precision)
)py"},
    {"dist_backend", "base", R"py(def _tpu_dist_backend():
    if _torch_tpu:
        return "tpu_dist"
    return "nccl" if torch.cuda.is_available() else "gloo"
)py"},
    {"dist_init_method", "base", R"py(def _tpu_dist_init_method():
    # TorchTPU is launched with torchrun: the environment rendezvous, the default, serves it.
    return None
)py"},
    {"cuda_only", "base", R"py(def _tpu_cuda_only(value):
    return None if _torch_tpu else value
)py"},
    {"pin_memory", "base", R"py(def _tpu_pin_memory():
    return not _torch_tpu and torch.cuda.is_available()
)py"},
    {"compile_backend", "base", R"py(def _tpu_compile_backend():
    return "tpu" if _torch_tpu else "inductor"
)py"},
}};

std::span<const Helper> helpers_of(std::string_view target) {
  if (target == opdb::kXlaTarget) return kXlaHelpers;
  return kTorchTpuHelpers;
}

// Every block opens with this; the words after it name the target's runtime.
constexpr std::string_view kBeginFencePrefix = "# tpu-migrate: ignore-begin -- portable device helpers";

std::string begin_fence(std::string_view target) {
  return std::string(kBeginFencePrefix) +
         (target == opdb::kXlaTarget ? " (TPU via torch_xla, else CUDA, else CPU)" : " (TPU via TorchTPU, else CUDA, else CPU)");
}
constexpr std::string_view kEndFence = "# tpu-migrate: ignore-end";

const Helper* find(std::string_view name, std::string_view target) {
  for (const Helper& helper : helpers_of(target))
    if (helper.name == name) return &helper;
  return nullptr;
}

// The Python name a helper defines, used to tell whether a module already has it.
std::string defined_name(const Helper& helper, std::string_view target) {
  if (helper.name == "base") return target == opdb::kXlaTarget ? "_torch_xla" : "_torch_tpu";
  if (helper.name == "autocast") return "_tpu_autocast_dtype";
  return helper_function(helper.name);
}

}  // namespace

bool is_portable_helper(std::string_view name, std::string_view target) { return find(name, target) != nullptr; }

std::string helper_function(std::string_view name) { return "_tpu_" + std::string(name); }

std::string render_helper_functions(const std::set<std::string>& wanted, const std::set<std::string>& defined,
                                    std::string_view target) {
  // Close `wanted` over dependencies, then emit in table order (dependencies first).
  std::set<std::string> needed;
  for (std::string name : wanted) {
    for (const Helper* helper = find(name, target); helper != nullptr; helper = find(helper->depends_on, target))
      needed.insert(std::string(helper->name));
  }
  std::string block;
  for (const Helper& helper : helpers_of(target)) {
    if (!needed.count(std::string(helper.name)) || defined.count(defined_name(helper, target))) continue;
    block += (block.empty() ? "" : "\n\n") + std::string(helper.code);
  }
  return block;
}

std::string render_helpers(const std::set<std::string>& wanted, const std::set<std::string>& defined,
                           std::string_view target) {
  std::string block = render_helper_functions(wanted, defined, target);
  if (block.empty()) return {};
  return "\n\n" + begin_fence(target) + "\n" + block + std::string(kEndFence) + "\n";
}

HelperBlock find_helper_block(std::string_view text) {
  size_t begin = text.find(kBeginFencePrefix);
  if (begin == std::string_view::npos) return {};
  // The end fence at the start of a line after the begin fence.
  for (size_t end = text.find(kEndFence, begin); end != std::string_view::npos; end = text.find(kEndFence, end + 1))
    if (end > 0 && text[end - 1] == '\n') return HelperBlock{true, static_cast<uint32_t>(end)};
  return {};
}

}  // namespace tpu::rewriter
