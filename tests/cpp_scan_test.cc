// SPDX-License-Identifier: Apache-2.0
// Whole scans of C++/CUDA extensions: golden findings and inventory on the sample
// extension, fast and deep mode (with compile_commands.json) agreeing, a missing header,
// the per-file time bound, suppressions, and a TORCH_LIBRARY extension's dispatch keys.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

#include "analyzer/cpp/compile_flags.h"
#include "analyzer/cpp/fast_parser.h"
#include "analyzer/cpp/inventory_json.h"
#include "analyzer/scan.h"
#include "golden_support.h"
#include "skip_support.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace tpu;

namespace {

fs::path source(const std::string& relative) { return fs::path(TPU_SOURCE_DIR) / relative; }

// "path:line:col RULE severity symbol" for the C++ files' findings.
std::string cpp_findings(const ScanResult& result, bool with_severity = true) {
  std::string out;
  for (const Finding& f : result.findings) {
    bool cpp = f.rule >= "TPU300" && f.rule < "TPU400";
    if (!cpp) continue;
    out += f.location.path + ":" + std::to_string(f.location.line) + ":" + std::to_string(f.location.column) + " " +
           f.rule + " " + (with_severity ? std::string(to_string(f.severity)) + " " : "") + f.symbol + "\n";
  }
  return out;
}

// A copy of `relative` (a folder under the source tree) in a fresh temporary folder.
void copy_tree(const std::string& relative, const testing::TempDir& dir) {
  fs::copy(source(relative), dir.path(), fs::copy_options::recursive);
}

ScanOptions with_mode(cpp::CppMode mode) {
  ScanOptions options;
  options.cpp_mode = mode;
  options.jobs = 2;
  return options;
}

}  // namespace

TEST_CASE("cpp scan: the sample extension's findings and inventory (fast mode, the default)") {
  ScanResult result = scan(source("samples/gpt_trainer"), ScanOptions{});
  CHECK(result.errors.empty());
  CHECK(result.cpp_stats.mode == "fast");
  CHECK(result.cpp_stats.files == 5);
  CHECK(result.cpp_stats.with_tree == 5);
  CHECK_GOLDEN(source("tests/cpp_fixtures/gpt_trainer.findings.golden"), cpp_findings(result));
  CHECK_GOLDEN(source("tests/cpp_fixtures/gpt_trainer.inventory.json"),
               cpp::inventory_json(result.inventory).dump(2) + "\n");
  // Python call sites are tied to the ops they reach.
  auto tpu403 = std::find_if(result.findings.begin(), result.findings.end(), [](const Finding& f) {
    return f.rule == "TPU403" && f.symbol == "fused_ops_cuda.linear_cublas";
  });
  REQUIRE(tpu403 != result.findings.end());
  CHECK(tpu403->message.find("has only CUDA implementations") != std::string::npos);
}

TEST_CASE("cpp scan: with compile_commands.json the scan goes deep and finds the same") {
  testing::TempDir dir;
  copy_tree("samples/gpt_trainer", dir);
  // What `bear -- python setup.py build_ext` records: nvcc for .cu, g++ for .cpp.
  std::string csrc = (dir.path() / "csrc").string();
  std::string database = "[\n";
  for (const char* file : {"fused_ops.cu", "linalg_ops.cu", "fused_ops.cpp", "fused_ops_cpu.cpp"}) {
    bool cu = std::string(file).ends_with(".cu");
    std::string compiler = cu ? "/usr/local/cuda/bin/nvcc" : "/usr/bin/g++";
    std::string flags = cu ? "-gencode=arch=compute_80,code=sm_80 --use_fast_math -Xcompiler -fPIC,-DWITH_CUDA "
                             "--expt-relaxed-constexpr -O3"
                           : "-fPIC -O3 -std=c++17 -fno-gnu-unique -DWITH_CUDA";
    if (database.size() > 2) database += ",\n";
    database += "  {\"directory\": \"" + dir.path().string() + "\", \"file\": \"" + csrc + "/" + file +
                "\", \"command\": \"" + compiler + " -c " + csrc + "/" + file + " -o build/" + file + ".o -I" +
                csrc + " -DTORCH_EXTENSION_NAME=fused_ops_cuda " + flags + "\"}";
  }
  database += "\n]\n";
  dir.write("build/compile_commands.json", database);

  ScanResult fast = scan(source("samples/gpt_trainer"), with_mode(cpp::CppMode::Fast));
  ScanResult deep = scan(dir.path(), with_mode(cpp::CppMode::Auto));
  CHECK(deep.cpp_stats.mode == "deep");
  CHECK(deep.cpp_stats.flags_source.starts_with("compile_commands.json at "));
  CHECK(deep.cpp_stats.with_tree == 5);
  CHECK(deep.errors.empty());
  CHECK(cpp_findings(deep) == cpp_findings(fast));
  nlohmann::ordered_json a = cpp::inventory_json(fast.inventory), b = cpp::inventory_json(deep.inventory);
  a.erase("mode");
  b.erase("mode");
  CHECK(a == b);
}

TEST_CASE("cpp scan: a missing header loses no findings, in fast and (inferred-flags) deep mode") {
  testing::TempDir dir;
  copy_tree("samples/gpt_trainer", dir);
  fs::remove(dir.path() / "csrc/fused_ops.h");
  ScanResult full = scan(source("samples/gpt_trainer"), with_mode(cpp::CppMode::Fast));
  for (cpp::CppMode mode : {cpp::CppMode::Fast, cpp::CppMode::Deep}) {
    CAPTURE(static_cast<int>(mode));
    ScanResult partial = scan(dir.path(), with_mode(mode));
    CHECK(partial.errors.empty());
    if (mode == cpp::CppMode::Deep)  // and without a compilation database, deep mode infers its flags
      CHECK(partial.cpp_stats.flags_source.starts_with("inferred flags"));
    // The other files lose nothing (the removed header's own findings go with it).
    std::string full_without_header;
    std::istringstream lines(cpp_findings(full));
    for (std::string line; std::getline(lines, line);)
      if (!line.starts_with("csrc/fused_ops.h:")) full_without_header += line + "\n";
    CHECK(cpp_findings(partial) == full_without_header);
    CHECK(partial.inventory.ops.size() == 4);
  }
}

TEST_CASE("cpp scan: a file past the per-file time bound is an error and keeps its token findings") {
  testing::TempDir dir;
  // Deeply nested template instantiations: far more than a millisecond of parsing.
  std::string text = "template <int N> struct Deep { static constexpr int value = Deep<N - 1>::value + 1; };\n"
                     "template <> struct Deep<0> { static constexpr int value = 0; };\n";
  for (int i = 0; i < 300; ++i) text += "int v" + std::to_string(i) + " = Deep<" + std::to_string(400 + i) + ">::value;\n";
  text += "__global__ void slow_kernel(float* x) { x[threadIdx.x] = 0; }\n";
  dir.write("slow.cu", text);
  dir.write("quick.cu", "__global__ void quick_kernel() { __syncthreads(); }\n");
  ScanOptions options = with_mode(cpp::CppMode::Fast);
  options.cpp_file_timeout_ms = 1;
  ScanResult result = scan(dir.path(), options);
  bool bounded = std::any_of(result.errors.begin(), result.errors.end(), [](const InputError& e) {
    return e.path == "slow.cu" && e.message.find("time bound") != std::string::npos;
  });
  CHECK(bounded);
  std::string findings = cpp_findings(result, false);
  CHECK(findings.find("slow.cu:303:17 TPU300 slow_kernel") != std::string::npos);
  CHECK(findings.find("slow.cu:303:43 TPU303 threadIdx.x") != std::string::npos);
  CHECK(findings.find("quick.cu:1:17 TPU300 quick_kernel") != std::string::npos);
  auto kernel = std::find_if(result.findings.begin(), result.findings.end(),
                             [](const Finding& f) { return f.symbol == "slow_kernel"; });
  REQUIRE(kernel != result.findings.end());
  CHECK(kernel->message.find("recognised from tokens: the parse ran past the per-file time bound") != std::string::npos);
}

TEST_CASE("cpp scan: `// tpu-migrate: ignore[…]` comments, --select and --ignore") {
  testing::TempDir dir;
  dir.write("k.cu",
            "__global__ void k(float* x) {  // tpu-migrate: ignore[TPU300]\n"
            "  x[threadIdx.x] = 0;  // tpu-migrate: ignore[thread-index]\n"
            "  __syncthreads();  // tpu-migrate: ignore\n"
            "  atomicAdd(x, 1.f);\n"
            "}\n");
  ScanResult result = scan(dir.path(), with_mode(cpp::CppMode::Fast));
  CHECK(cpp_findings(result, false) == "k.cu:4:3 TPU307 atomicAdd\n");
  ScanOptions options = with_mode(cpp::CppMode::Fast);
  options.filter = RuleFilter({"cuda-kernel"}, {"TPU307"});
  CHECK(cpp_findings(scan(dir.path(), options), false).empty());
}

TEST_CASE("cpp scan: a TORCH_LIBRARY extension's ops, dispatch keys and verdicts") {
  ScanResult result = scan(source("tests/cpp_fixtures/torch_library_ext"), with_mode(cpp::CppMode::Fast));
  CHECK(result.errors.empty());
  CHECK_GOLDEN(source("tests/cpp_fixtures/torch_library_ext.inventory.json"),
               cpp::inventory_json(result.inventory).dump(2) + "\n");
  auto verdict = [&](const std::string& name) {
    for (const cpp::InventoryOp& op : result.inventory.ops)
      if (op.name == name) return op.verdict;
    return std::string("missing");
  };
  CHECK(verdict("nms") == "cpu-fallback");
  CHECK(verdict("box_iou") == "cuda-only");
  CHECK(verdict("box_area") == "composite");
  // The op definitions take their verdict's severity.
  for (const Finding& f : result.findings)
    if (f.rule == "TPU362" && f.symbol == "boxops::box_iou") CHECK(f.severity == Severity::Blocker);
}

TEST_CASE("cpp scan: deep mode adds what needs types (the class a method belongs to)") {
  // Real torch headers need the CUDA toolkit's for c10/cuda; without torch, the stand-in serves.
  cpp::Toolchain toolchain = cpp::find_toolchain();
  // (Debian's libtorch-dev without nvcc's headers: c10/cuda/CUDAStream.h needs cuda_runtime_api.h.)
  if (!toolchain.torch.empty() && toolchain.cuda.empty())
    TPU_SKIP_TEST("torch headers without a CUDA toolkit cannot declare c10::cuda::CUDAStream");
  testing::TempDir dir;
  dir.write("streams.cpp",
            "#include <c10/cuda/CUDAStream.h>\n"
            "void wait(c10::cuda::CUDAStream s) {\n"
            "  auto raw = s.stream();\n"
            "  (void)raw;\n"
            "}\n");
  std::string fast = cpp_findings(scan(dir.path(), with_mode(cpp::CppMode::Fast)), false);
  std::string deep = cpp_findings(scan(dir.path(), with_mode(cpp::CppMode::Deep)), false);
  CHECK(fast.find("streams.cpp:2:11 TPU322 c10::cuda::CUDAStream") != std::string::npos);
  CHECK(fast.find("streams.cpp:3:") == std::string::npos);  // tokens cannot know what `s` is
  CHECK(deep.find("streams.cpp:3:16 TPU322 c10::cuda::CUDAStream::stream") != std::string::npos);
}

namespace {

// An mmcv-style op: `roi_forward` bound with pybind11, dispatching through a device registry to
// whatever implementations a test registers.
void write_registry_binding(testing::TempDir& dir) {
  dir.write("csrc/pybind.cpp",
            "#include <torch/extension.h>\n"
            "at::Tensor roi_forward(at::Tensor x);\n"
            "PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def(\"roi_forward\", &roi_forward); }\n");
  dir.write("csrc/roi.cpp",
            "#include \"device_registry.hpp\"\n"
            "at::Tensor roi_forward_impl(at::Tensor x) { return DISPATCH_DEVICE_IMPL(roi_forward_impl, x); }\n"
            "at::Tensor roi_forward(at::Tensor x) { return roi_forward_impl(x); }\n");
}

}  // namespace

TEST_CASE("cpp scan: implementations reached through a device registry (mmcv style)") {
  testing::TempDir dir;
  dir.write("setup.py", "from torch.utils.cpp_extension import CUDAExtension\next = CUDAExtension('ext._ext', [])\n");
  dir.write("ext/ops.py", "from . import _ext\n\ndef roi(x):\n    return _ext.roi_forward(x)\n");
  dir.write("ext/__init__.py", "");
  write_registry_binding(dir);
  dir.write("csrc/cuda/cudabind.cpp",
            "#include \"device_registry.hpp\"\n"
            "at::Tensor RoiForwardCUDALauncher(at::Tensor x);\n"
            "at::Tensor roi_forward_cuda(at::Tensor x) { return RoiForwardCUDALauncher(x); }\n"
            "at::Tensor roi_forward_impl(at::Tensor x);\n"
            "REGISTER_DEVICE_IMPL(roi_forward_impl, CUDA, roi_forward_cuda);\n");
  dir.write("csrc/cuda/roi_cuda.cu",
            "__global__ void roi_kernel(float* x) { x[threadIdx.x] = 0; }\n"
            "at::Tensor RoiForwardCUDALauncher(at::Tensor x) { roi_kernel<<<1, 32>>>(x.data_ptr<float>()); return x; }\n");
  dir.write("csrc/mlu/roi_mlu.cpp",
            "at::Tensor roi_forward_mlu(at::Tensor x) { auto* p = x.data_ptr<float>(); for (int i = 0; i < 4; ++i) p[i] = 0; return x; }\n"
            "REGISTER_DEVICE_IMPL(roi_forward_impl, MLU, roi_forward_mlu);\n");
  ScanResult result = scan(dir.path(), with_mode(cpp::CppMode::Fast));
  REQUIRE(result.inventory.ops.size() == 1);
  const cpp::InventoryOp& op = result.inventory.ops.front();
  CHECK(op.module == "ext._ext");
  CHECK(op.verdict == "cuda-only");  // an MLU kernel is no more runnable on a TPU than a CUDA one
  std::vector<std::string> backends;
  for (const cpp::InventoryImplementation& impl : op.implementations) backends.push_back(impl.backend + ":" + impl.function);
  std::sort(backends.begin(), backends.end());
  CHECK(backends == std::vector<std::string>{"cuda:RoiForwardCUDALauncher", "mlu:roi_forward_mlu"});
  REQUIRE(op.python_calls.size() == 1);
  CHECK(op.python_calls.front().at.path == "ext/ops.py");
  REQUIRE(result.inventory.kernels.size() == 1);
  CHECK(result.inventory.kernels.front().ops == std::vector<std::string>{"ext._ext.roi_forward"});
}

TEST_CASE("cpp scan: an op implemented only for another accelerator blocks a TPU too") {
  testing::TempDir dir;
  write_registry_binding(dir);
  dir.write("csrc/mlu/roi_mlu.cpp",
            "at::Tensor roi_forward_mlu(at::Tensor x) { auto* p = x.data_ptr<float>(); p[0] = 0; return x; }\n"
            "REGISTER_DEVICE_IMPL(roi_forward_impl, MLU, roi_forward_mlu);\n");
  ScanResult result = scan(dir.path(), with_mode(cpp::CppMode::Fast));
  REQUIRE(result.inventory.ops.size() == 1);
  const cpp::InventoryOp& op = result.inventory.ops.front();
  CHECK(op.verdict == "accelerator-only");
  CHECK(op.severity == Severity::Blocker);
  nlohmann::ordered_json summary = cpp::inventory_json(result.inventory)["summary"];
  CHECK(summary["accelerator_only"] == 1);
  CHECK(summary["unknown"] == 0);
}

TEST_CASE("cpp fast mode: preparing the C++ stand-in does not invalidate the CUDA one") {
  // Each precompiled stand-in records the header's modification time (in seconds). The header
  // used to be rewritten for the second language, so a .cu file parsed more than a second
  // after a .cpp file's preparation got no tree at all.
  cpp::WorkDir work;
  cpp::FastParser parser(work);
  REQUIRE(parser.prepare(/*cuda=*/true) == "");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(parser.prepare(/*cuda=*/false) == "");
  cpp::IndexPtr index = cpp::make_index();
  std::string problem;
  cpp::AstFacts facts = cpp::parse_and_collect(index.get(), (work.path() / "k.cu").string(),
                                               "__global__ void k(float* x) { x[threadIdx.x] = 0; }\n",
                                               parser.arguments(/*cuda=*/true), cpp::FastParser::options(), problem);
  CHECK_MESSAGE(facts.available, problem);
}

TEST_CASE("cpp scan: other accelerators' backends stay quiet, CUDA ones do not (mmcv layout)") {
  testing::TempDir dir;
  // MUSA and MLU mirror CUDA's names (blockIdx, kernel-loop macros, atomics): not CUDA ties.
  const char* kernel =
      "#define ONE_D_LOOP(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += gridDim.x)\n"
      "__global__ void scale(float* x, int n) { ONE_D_LOOP(i, n) { atomicAdd(&x[0], x[i]); } }\n";
  dir.write("csrc/common/musa/helper_musa.hpp", kernel);
  dir.write("csrc/pytorch/mlu/scale_mlu.cpp", "void scale_mlu(at::Tensor x) { TORCH_CHECK(x.is_cuda()); }\n");
  dir.write("csrc/pytorch/npu/scale_npu.cpp", "void scale_npu(at::Tensor x) { cudaDeviceSynchronize(); }\n");
  dir.write("csrc/common/cuda/helper_cuda.cuh", kernel);
  dir.write("csrc/shipping/scale.cpp", "void scale_cpu(at::Tensor x) { TORCH_CHECK(x.is_cuda()); }\n");
  std::string found = cpp_findings(scan(dir.path(), with_mode(cpp::CppMode::Fast)), false);
  CAPTURE(found);
  CHECK(found.find("musa") == std::string::npos);
  CHECK(found.find("mlu") == std::string::npos);
  CHECK(found.find("npu") == std::string::npos);
  CHECK(found.find("csrc/common/cuda/helper_cuda.cuh:1:9 TPU308 ONE_D_LOOP") != std::string::npos);
  CHECK(found.find("csrc/common/cuda/helper_cuda.cuh:2:42 TPU308 ONE_D_LOOP") != std::string::npos);
  CHECK(found.find("csrc/shipping/scale.cpp:1:46 TPU327 is_cuda") != std::string::npos);
}

TEST_CASE("cpp scan: a kernel-loop or device-check macro from a header is a tie where another file uses it") {
  testing::TempDir dir;
  dir.write("csrc/common/loops.h",
            "#pragma once\n"
            "#define EACH_THREAD(i, n) \\\n"
            "  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)\n"
            "#define EACH_ROW(i, n) for (int i = 0; i < (n); ++i)\n"
            "#define CHECK_DEVICE(x) TORCH_CHECK(x.device().is_cuda(), #x \" must be on the GPU\")\n"
            "#define CHECK_INPUT(x) CHECK_DEVICE(x); TORCH_CHECK(x.is_contiguous())\n"
            "#define CHECK_LAYOUT(x) TORCH_CHECK(x.is_contiguous())\n");
  dir.write("csrc/ops/scale_kernel.cu",
            "#include \"../common/loops.h\"\n"
            "__global__ void scale(float* x, int n) {\n"
            "  EACH_THREAD(i, n) { x[i] *= 2.f; }\n"
            "  EACH_ROW(r, 4) { x[r] += 1.f; }\n"
            "}\n");
  dir.write("csrc/ops/scale.cpp",
            "#include \"../common/loops.h\"\n"
            "void scale_op(at::Tensor x) {\n"
            "  CHECK_INPUT(x);\n"
            "  CHECK_LAYOUT(x);\n"
            "}\n");
  std::string found = cpp_findings(scan(dir.path(), with_mode(cpp::CppMode::Fast)), false);
  CAPTURE(found);
  CHECK(found.find("csrc/common/loops.h:2:9 TPU308 EACH_THREAD") != std::string::npos);
  CHECK(found.find("csrc/common/loops.h:4:") == std::string::npos);
  CHECK(found.find("csrc/ops/scale_kernel.cu:3:3 TPU308 EACH_THREAD") != std::string::npos);
  CHECK(found.find("csrc/ops/scale_kernel.cu:4:") == std::string::npos);
  CHECK(found.find("csrc/ops/scale.cpp:3:3 TPU327 CHECK_INPUT") != std::string::npos);
  CHECK(found.find("csrc/ops/scale.cpp:4:") == std::string::npos);
}
