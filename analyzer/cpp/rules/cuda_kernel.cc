// SPDX-License-Identifier: Apache-2.0
// cuda-kernel: the GPU code itself. Kernel and device-function definitions, launches (with
// `<<<…>>>`, through macros, AT_DISPATCH lambdas, cudaLaunchKernel and ATen's gpu_kernel),
// `dim3` launch configurations, and inside device code each use of the thread hierarchy,
// shared memory, barriers, warp intrinsics, atomics, kernel-loop macros (their #define, found
// by its grid-stride shape, and each use) and other device intrinsics.
#include "analyzer/cpp/rules/rule_families.h"

#include <algorithm>

namespace tpu::cpp {
namespace {

constexpr std::string_view kPallas =
    "Port the kernel: to PyTorch ops when it is elementwise/reduction work that the TPU compiler "
    "fuses, or to a Pallas kernel when it needs its own tiling (TorchTPU: a custom op from "
    "torch_tpu._internal.pallas.jax_op; PyTorch/XLA: "
    "torch_xla.experimental.custom_kernel.make_kernel_from_pallas, with jax_import_guard() "
    "before importing jax).";

constexpr RuleMeta kRules[] = {
    {.code = "TPU300", .name = "cuda-kernel-definition", .category = Category::CudaKernel,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a CUDA kernel (`__global__` function)",
     .rationale = "A `__global__` function is compiled by nvcc for NVIDIA GPUs. A TPU runs "
                  "neither its machine code nor its thread model; every kernel is work to port.",
     .tpu_way = kPallas,
     .before = "__global__ void scale_kernel(float* x, float a, int n) {\n"
               "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n  if (i < n) x[i] *= a;\n}",
     .after = "def scale(x, a):\n    return x * a  # the TPU compiler fuses it; or a Pallas kernel for custom tiling"},
    {.code = "TPU301", .name = "device-function-definition", .category = Category::CudaKernel,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a `__device__` (or `__host__ __device__`) function",
     .rationale = "Device functions are GPU code called from kernels; they are ported with the "
                  "kernels that call them (a `__host__ __device__` one also compiles for the host).",
     .tpu_way = "Port it with its kernels: a helper of the Pallas kernel, or plain torch ops.",
     .before = "__device__ float sigmoid(float x) { return 1.f / (1.f + __expf(-x)); }",
     .after = "torch.sigmoid(x)  # or a helper inside the Pallas kernel"},
    {.code = "TPU302", .name = "kernel-launch", .category = Category::CudaKernel,
     .severity = Severity::Blocker, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a CUDA kernel launch (`<<<…>>>`, cudaLaunchKernel, ATen's gpu_kernel)",
     .rationale = "The launch runs the kernel on a CUDA stream with a grid of thread blocks; on "
                  "a TPU the launch site calls the ported implementation instead.",
     .tpu_way = "Call the ported Pallas kernel or the torch-op equivalent here.",
     .before = "scale_kernel<<<blocks, 256, 0, stream>>>(x.data_ptr<float>(), a, n);",
     .after = "x.mul_(a)  # from Python, on the TPU device"},
    {.code = "TPU303", .name = "thread-index", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a use of `threadIdx`/`blockIdx`/`blockDim`/`gridDim`/`warpSize` in device code",
     .rationale = "The CUDA thread hierarchy has no TPU counterpart: a TPU core runs compiled tensor "
                  "programs (or a Pallas grid over blocks of data), not thousands of threads.",
     .tpu_way = "Index whole tensors (vectorised torch ops) or use the Pallas grid "
                "(pl.program_id) over blocks.",
     .before = "int i = blockIdx.x * blockDim.x + threadIdx.x;",
     .after = "i = pl.program_id(0)  # Pallas: one program per block of data"},
    {.code = "TPU304", .name = "shared-memory", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a `__shared__` (per-block shared memory) declaration",
     .rationale = "Shared memory is the GPU's per-block scratchpad; a TPU kernel stages data in "
                  "VMEM through Pallas BlockSpecs instead.",
     .tpu_way = "Let the TPU compiler stage data, or use Pallas BlockSpecs / scratch_shapes for VMEM buffers.",
     .before = "__shared__ float tile[32][33];",
     .after = "pl.BlockSpec((32, 32), lambda i, j: (i, j))  # Pallas stages the tile in VMEM"},
    {.code = "TPU305", .name = "block-synchronization", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a barrier or memory fence (`__syncthreads`, `__syncwarp`, cooperative groups)",
     .rationale = "Barriers order the threads of a block; TPU programs have no threads to "
                  "synchronise, so the algorithm around the barrier is rewritten.",
     .tpu_way = "Express the reduction or exchange with tensor ops (sum, cumsum, matmul).",
     .before = "__syncthreads();",
     .after = "# no barrier: whole-tensor ops"},
    {.code = "TPU306", .name = "warp-intrinsic", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a warp-level intrinsic (`__shfl_*_sync`, `__ballot_sync`, ATen's WARP_SHFL)",
     .rationale = "Warp shuffles exchange registers among 32 GPU threads; TPU vector units work on "
                  "(8, 128) tiles, so warp-level reductions become tensor reductions.",
     .tpu_way = "Use torch reductions (sum/max over a dim) or jnp reductions inside Pallas.",
     .before = "val += __shfl_down_sync(0xffffffff, val, offset);",
     .after = "total = x.sum(dim=-1)"},
    {.code = "TPU307", .name = "atomic-operation", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "an atomic read-modify-write in device code (`atomicAdd`, `gpuAtomicAdd`, …)",
     .rationale = "Atomics resolve races between GPU threads; on a TPU the same accumulation is a "
                  "deterministic scatter or segment reduction.",
     .tpu_way = "Use index_add_/scatter_add_/scatter_reduce (or a segment sum) on whole tensors.",
     .before = "atomicAdd(&out[idx[i]], v[i]);",
     .after = "out.index_add_(0, idx, v)"},
    {.code = "TPU308", .name = "kernel-loop-macro", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a grid-stride kernel loop macro (`CUDA_KERNEL_LOOP`, `CUDA_1D_KERNEL_LOOP`)",
     .rationale = "The macro spreads elements over CUDA threads; its body is the per-element "
                  "computation to vectorise.",
     .tpu_way = "Apply the loop body to whole tensors with torch ops, or to blocks in Pallas.",
     .before = "CUDA_1D_KERNEL_LOOP(i, n) { y[i] = x[i] * 2; }",
     .after = "y = x * 2"},
    {.code = "TPU309", .name = "constant-memory", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a `__constant__` or `__managed__` variable",
     .rationale = "Constant and managed memory are CUDA memory spaces; TPU kernels take such "
                  "values as inputs (or compile-time constants).",
     .tpu_way = "Pass the values as tensors or Python constants to the ported kernel.",
     .before = "__constant__ float kWeights[16];",
     .after = "weights = torch.tensor([...], device=device)"},
    {.code = "TPU310", .name = "device-intrinsic", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a CUDA device intrinsic (`__ldg`, `__expf`, `__float2half`, `__popc`, …)",
     .rationale = "Fast-math, cache-hint, bit and half-precision intrinsics are PTX-level; their "
                  "TPU equivalents are ordinary tensor ops (and bf16 rather than fp16).",
     .tpu_way = "Use torch/jnp math (torch.exp, bitwise ops) and bfloat16 instead of half.",
     .before = "float y = __expf(__ldg(&x[i]));",
     .after = "y = torch.exp(x)"},
    {.code = "TPU311", .name = "inline-ptx-assembly", .category = Category::CudaKernel,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "inline PTX assembly (`asm volatile(…)`) in device code",
     .rationale = "PTX is NVIDIA's virtual ISA; inline assembly has to be understood and "
                  "re-expressed, it cannot be translated mechanically.",
     .tpu_way = "Re-express what the assembly computes with tensor ops or Pallas.",
     .before = "asm volatile(\"mov.u32 %0, %%laneid;\" : \"=r\"(lane));",
     .after = "# no lanes: vectorised ops"},
    {.code = "TPU312", .name = "tensor-core-mma", .category = Category::CudaKernel,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "tensor-core matrix fragments (`nvcuda::wmma`, `mma_sync`)",
     .rationale = "WMMA programs NVIDIA tensor cores tile by tile; the TPU's MXU is driven by "
                  "the compiler's dot/conv lowering (or jnp.dot inside Pallas).",
     .tpu_way = "Use torch.matmul / einsum (bf16 inputs, fp32 accumulation) or jnp.dot in Pallas.",
     .before = "wmma::mma_sync(acc, a_frag, b_frag, acc);",
     .after = "acc = torch.matmul(a, b)"},
    {.code = "TPU313", .name = "device-lambda", .category = Category::CudaKernel,
     .severity = Severity::Warning, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a `__device__` / `GPU_LAMBDA` lambda (the body of a kernel ATen or Thrust launches)",
     .rationale = "An extended lambda is the per-element body of a GPU kernel (gpu_kernel, "
                  "thrust::transform); it is GPU code like a `__device__` function.",
     .tpu_way = "Apply the lambda's computation to whole tensors with torch ops.",
     .before = "gpu_kernel(iter, [] GPU_LAMBDA (float a, float b) -> float { return a * b; });",
     .after = "out = a * b"},
    {.code = "TPU314", .name = "launch-configuration", .category = Category::CudaKernel,
     .severity = Severity::Info, .language = Language::Cpp, .fix_sites = "", .fix_title = "",
     .summary = "a `dim3` launch configuration (grid or block shape of a kernel launch)",
     .rationale = "A grid of thread blocks is how a CUDA kernel divides its work; a TPU kernel "
                  "is tiled by a Pallas grid over blocks of data instead, or not at all.",
     .tpu_way = "Drop it with the launch; a Pallas kernel's grid and BlockSpecs take its place.",
     .before = "dim3 grid(DIVUP(n, 256)), block(256);",
     .after = "grid = (pl.cdiv(n, 256),)  # Pallas, with BlockSpecs of 256 elements"},
};

const RuleMeta& rule(std::string_view code) {
  for (const RuleMeta& r : kRules)
    if (r.code == code) return r;
  return kRules[0];
}

std::string backticked(std::string_view text) { return "`" + std::string(text) + "`"; }

// Where a definition's CUDA attribute stands when it is on an earlier line than the name
// (`__global__ void __launch_bounds__(256)` above `my_kernel(…)`): the finding starts there,
// on the line a port edits first.
uint32_t attribute_begin(const CppFileView& view, uint32_t name_begin) {
  const auto& tokens = view.lexed.tokens;
  auto it = std::lower_bound(tokens.begin(), tokens.end(), name_begin,
                             [](const Token& token, uint32_t at) { return token.begin < at; });
  uint32_t found = name_begin;
  for (size_t i = static_cast<size_t>(it - tokens.begin()), steps = 0; i > 0 && steps < 48; ++steps) {
    const Token& token = tokens[--i];
    if (token.directive >= 0) break;
    std::string_view word = view.lexed.spelling(token);
    if (word == ";" || word == "{" || word == "}") break;
    if (token.kind == TokenKind::Identifier && is_device_marker(word)) found = token.begin;
  }
  return view.file->line_of(found) == view.file->line_of(name_begin) ? name_begin : found;
}

void definitions(CppRuleContext& context) {
  const Structure& s = context.view.structure;
  for (size_t b = 0; b < s.blocks.size(); ++b) {
    const Block& block = s.blocks[b];
    std::string note = context.view.token_level_note(static_cast<int>(b));
    if (block.type == BlockType::Lambda) {
      if (is_device_code(block.code))
        context.report(rule("TPU313"), block.name_begin, block.name_end, "lambda",
                       "device lambda: the per-element body of a GPU kernel; apply it to whole "
                       "tensors with torch ops" + note);
      continue;
    }
    if (block.type != BlockType::Function) continue;
    std::string what = block.is_template ? "template " : "";
    if (block.code == CodeKind::Kernel) {
      context.report(rule("TPU300"), attribute_begin(context.view, block.name_begin), block.name_end, block.qualified,
                     "CUDA kernel " + backticked(block.qualified) + " (" + what + "`__global__`) runs only on "
                     "NVIDIA GPUs; port it to torch ops the TPU compiler fuses, or to a Pallas kernel" + note);
    } else if (is_device_code(block.code) || block.device_by_use) {
      std::string kind = block.code == CodeKind::HostDevice ? "`__host__ __device__`" : "`__device__`";
      if (block.device_by_use) kind = "device (it uses CUDA built-ins; its attribute comes from a macro the scan cannot see)";
      context.report(rule("TPU301"), attribute_begin(context.view, block.name_begin), block.name_end, block.qualified,
                     what + kind + " function " + backticked(block.qualified) +
                         " is GPU code; port it with the kernels that call it" + note);
    }
  }
}

void launches(CppRuleContext& context) {
  for (const Launch& launch : context.view.structure.launches) {
    std::string kernel = launch.kernel.empty() ? "an unnamed kernel" : backticked(launch.kernel);
    std::string how = launch.chevron != UINT32_MAX ? "`<<<…>>>`" : "";
    std::string where;
    if (!launch.macro.empty()) where = ", in macro " + backticked(launch.macro);
    else if (launch.from_ast_only) where = ", through a macro defined in another file";
    std::string message;
    if (launch.chevron == UINT32_MAX && !launch.from_ast_only) {
      std::string api(context.view.file->text().substr(launch.begin, launch.end - launch.begin));
      message = "launch of " + (launch.kernel == "<device lambda>" ? std::string("a device lambda") : kernel) +
                " through " + backticked(api) + "; on a TPU call the ported implementation (Pallas or torch ops)";
    } else {
      message = "launch of CUDA kernel " + kernel + (how.empty() ? "" : " with " + how) + where +
                "; on a TPU call the ported implementation (Pallas or torch ops) here";
    }
    std::string note;
    if (launch.macro.empty() && !launch.from_ast_only) {
      note = context.view.token_level_note(launch.block);
      if (note.empty() && context.view.ast.available && !launch.confirmed && launch.chevron != UINT32_MAX)
        note = " (recognised from tokens: the syntax tree has no launch here)";
      message += note;
    }
    std::string symbol = launch.kernel.empty() ? "<<<" : launch.kernel;
    context.report(rule("TPU302"), launch.begin, launch.end, symbol, message);
    // A `<<<` written on a later line than the kernel's name is where the grid is configured:
    // counted there too (as info, so that the launch weighs once).
    const SourceFile& file = *context.view.file;
    if (launch.chevron != UINT32_MAX && file.line_of(launch.chevron) != file.line_of(launch.begin))
      context.report(rule("TPU302"), launch.chevron, launch.chevron + 3, "<<<",
                     "launch configuration of " + kernel + " (the launch starts on line " +
                         std::to_string(file.line_of(launch.begin)) + ")" + note,
                     Severity::Info);
  }
}

std::string reference_message(const Reference& r) {
  std::string name = backticked(r.symbol);
  std::string_view code = r.match.rule;
  if (code == "TPU303") return name + " indexes the CUDA thread hierarchy; index whole tensors or a Pallas grid instead";
  if (code == "TPU304") return "`__shared__` memory is the GPU's per-block scratchpad; a TPU kernel stages data in VMEM (Pallas BlockSpecs)";
  if (code == "TPU305") return name + " synchronises GPU threads; rewrite the exchange with tensor ops";
  if (code == "TPU306") return name + " exchanges values inside a warp; use a tensor reduction instead";
  if (code == "TPU307") return name + " is an atomic update from GPU threads; use index_add_/scatter_add_ on whole tensors";
  if (code == "TPU308") return name + " spreads a loop over CUDA threads; apply its body to whole tensors";
  if (code == "TPU309") return name + " declares CUDA constant/managed memory; pass the values as tensors or constants";
  if (code == "TPU310") return name + " is a CUDA device intrinsic; use the ordinary tensor op (and bf16 rather than half)";
  if (code == "TPU311") return "inline PTX assembly; re-express what it computes with tensor ops or Pallas";
  if (code == "TPU314") return name + " shapes a CUDA launch grid or block; it goes away with the launch (a Pallas grid takes its place)";
  return name + " programs NVIDIA tensor cores; use torch.matmul/einsum (or jnp.dot in Pallas) for the MXU";
}

void references(CppRuleContext& context) {
  const CppFileView& view = context.view;
  for (const Reference& r : view.references) {
    std::string_view code = r.match.rule;
    if ((code < "TPU303" || code > "TPU312") && code != "TPU314") continue;
    std::string message = reference_message(r);
    if (!r.macro.empty()) message += " (in macro " + backticked(r.macro) + ")";
    else if (r.match.strength == Strength::DeviceOnly)  // its device context rests on the structure
      message += view.token_level_note(view.structure.function_at(r.begin));
    context.report(rule(code), r.begin, r.end, r.symbol, message);
  }
}

}  // namespace

const std::span<const RuleMeta> kCudaKernelRules = kRules;

void check_cuda_kernel(CppRuleContext& context) {
  definitions(context);
  launches(context);
  references(context);
}

}  // namespace tpu::cpp
