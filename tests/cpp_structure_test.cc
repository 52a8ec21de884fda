// SPDX-License-Identifier: Apache-2.0
// The token-level structure (functions, lambdas, launches, calls, bindings) and what the
// syntax tree adds to it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "analyzer/cpp/ast_merge.h"
#include "analyzer/cpp/fast_parser.h"
#include "analyzer/cpp/structure.h"

using namespace tpu::cpp;

namespace {

const Block* find_block(const Structure& s, std::string_view name) {
  for (const Block& block : s.blocks)
    if (block.name == name) return &block;
  return nullptr;
}

bool calls(const Block* block, std::string_view name) {
  return block != nullptr && std::find(block->calls.begin(), block->calls.end(), name) != block->calls.end();
}

}  // namespace

TEST_CASE("cpp structure: functions, kernels, device code and lambdas") {
  std::string text =
      "namespace ops {\n"
      "template <typename T> __global__ void __launch_bounds__(256) k1(T* x) { helper(x); }\n"
      "__device__ __forceinline__ float helper(float* x) { return *x; }\n"
      "C10_HOST_DEVICE int both() { return 1; }\n"
      "struct Box { Box(int v) : value_(v), other_{v} { init(); } int get() const { return value_; } int value_, other_; };\n"
      "auto run(int n) -> int { auto f = [=] __device__ (int i) { return i; }; int a[] {1, 2}; return n; }\n"
      "}\n";
  LexedFile lexed = lex(text);
  Structure s = find_structure(lexed);
  const Block* k1 = find_block(s, "k1");
  REQUIRE(k1 != nullptr);
  CHECK(k1->code == CodeKind::Kernel);
  CHECK(k1->is_template);
  CHECK(calls(k1, "helper"));
  CHECK(find_block(s, "helper")->code == CodeKind::Device);
  CHECK(find_block(s, "both")->code == CodeKind::HostDevice);
  CHECK(find_block(s, "Box") != nullptr);  // the constructor, through its initialiser list
  CHECK(calls(find_block(s, "Box"), "init"));
  CHECK(find_block(s, "get")->code == CodeKind::Host);
  const Block* run = find_block(s, "run");
  REQUIRE(run != nullptr);
  size_t lambdas = std::count_if(s.blocks.begin(), s.blocks.end(), [](const Block& b) { return b.type == BlockType::Lambda; });
  CHECK(lambdas == 1);  // `int a[] {1, 2}` is not a lambda
  uint32_t inside_lambda = static_cast<uint32_t>(text.find("return i;"));
  CHECK(s.in_device_code(inside_lambda));
  CHECK(s.function_at(inside_lambda) == static_cast<int>(run - s.blocks.data()));
  CHECK(!s.in_device_code(static_cast<uint32_t>(text.find("return n;"))));
}

TEST_CASE("cpp structure: attribute macros from another file") {
  LexedFile header = lex("#define KERNEL_ATTRS __global__\n#define HD KERNEL_HD_INNER\n");
  AttributeMacros macros;
  macros.collect(header);
  CHECK(macros.flags.count("KERNEL_ATTRS"));
  LexedFile lexed = lex("KERNEL_ATTRS void k(int n) { }\nvoid h() { }\n");
  Structure with = find_structure(lexed, &macros);
  CHECK(find_block(with, "k")->code == CodeKind::Kernel);
  Structure without = find_structure(lexed);
  CHECK(find_block(without, "k")->code == CodeKind::Host);
}

TEST_CASE("cpp structure: launches, their kernels and launchers") {
  std::string text =
      "#define LAUNCH(kern, n) kern<<<n, 1>>>(n)\n"
      "void go(int n) {\n"
      "  ns::k<float, 2><<<1, 2>>>(n);\n"
      "  AT_DISPATCH_FLOATING_TYPES(t, \"go\", [&] { (k2)<<<1, 1, 0, s>>>(n); });\n"
      "  LAUNCH(k3, n);\n"
      "  cudaLaunchKernel((const void*)k4, 1, 1, nullptr, 0, s);\n"
      "}\n";
  LexedFile lexed = lex(text);
  Structure s = find_structure(lexed);
  std::vector<std::string> kernels;
  for (const Launch& launch : s.launches) kernels.push_back(launch.kernel);
  CHECK(kernels == std::vector<std::string>{"kern", "k", "k2", "k4"});
  CHECK(text.substr(s.launches[1].begin, s.launches[1].end - s.launches[1].begin) == "ns::k");
  CHECK(s.launches[0].macro == "LAUNCH");
  int go = s.function_at(static_cast<uint32_t>(text.find("ns::k")));
  CHECK(s.launches[1].block == go);
  CHECK(s.launches[2].block == go);  // inside the dispatch lambda: the function launches it
  std::vector<std::string> edges;
  for (const auto& [offset, kernel] : s.launch_edges)
    if (s.function_at(offset) == go) edges.push_back(kernel);
  std::sort(edges.begin(), edges.end());
  CHECK(edges == std::vector<std::string>{"k", "k2", "k3", "k4"});
}

TEST_CASE("cpp structure: pybind11 and TORCH_LIBRARY bindings") {
  std::string text =
      "PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {\n"
      "  m.def(\"a\", &ns::fa).def(\"b\", fb);\n"
      "  m.def(\"c\", [](int x) { return fc(x); });\n"
      "  py::class_<Foo>(m, \"Foo\").def(\"method\", &Foo::method);\n"
      "}\n"
      "TORCH_LIBRARY(myops, m) {\n"
      "  m.def(TORCH_SELECTIVE_SCHEMA(\"myops::roi.vec(Tensor x) -> Tensor\"));\n"
      "  m.def(\"d\", torch::dispatch(c10::DispatchKey::CPU, TORCH_FN(fd)));\n"
      "}\n"
      "TORCH_LIBRARY_IMPL(myops, CUDA, m) { m.impl(\"roi\", &roi_cuda); }\n";
  Structure s = find_structure(lex(text));
  REQUIRE(s.modules.size() == 3);
  CHECK(s.modules[0].name == "TORCH_EXTENSION_NAME");
  CHECK(s.modules[2].dispatch_key == "CUDA");
  REQUIRE(s.bindings.size() == 6);
  CHECK(s.bindings[0].op == "a");
  CHECK(s.bindings[0].target == "fa");
  CHECK(s.bindings[1].op == "b");
  CHECK(s.bindings[1].target == "fb");
  CHECK(s.bindings[2].op == "c");
  CHECK(s.bindings[2].lambda_block >= 0);
  CHECK(s.bindings[3].op == "roi");
  CHECK(s.bindings[3].schema == "myops::roi.vec(Tensor x) -> Tensor");
  CHECK(s.bindings[4].dispatch_key == "CPU");
  CHECK(s.bindings[4].target == "fd");
  CHECK(s.bindings[5].method == "impl");
  CHECK(s.bindings[5].dispatch_key == "CUDA");
  CHECK(s.bindings[5].target == "roi_cuda");
}

TEST_CASE("cpp structure: the tree confirms bodies and adds what macros define") {
  std::string text =
      "#define DEFINE_KERNEL(name) __global__ void name(float* x) { x[threadIdx.x] = 0; }\n"
      "DEFINE_KERNEL(zero_kernel)\n"
      "__global__ void plain(int n) { }\n"
      "void launch(float* x) { zero_kernel<<<1, 32>>>(x); }\n";
  WorkDir work;
  FastParser parser(work);
  REQUIRE(parser.prepare(true).empty());
  IndexPtr index = make_index();
  std::string problem;
  AstFacts facts = parse_and_collect(index.get(), (work.path() / "m.cu").string(), text, parser.arguments(true),
                                     FastParser::options(), problem);
  REQUIRE(facts.available);
  LexedFile lexed = lex(text);
  Structure s = find_structure(lexed);
  CHECK(find_block(s, "zero_kernel") == nullptr);  // tokens cannot see through the macro
  merge_ast(s, facts, lexed);
  const Block* zero = find_block(s, "zero_kernel");
  REQUIRE(zero != nullptr);
  CHECK(zero->code == CodeKind::Kernel);
  CHECK(zero->from_ast_only);
  CHECK(find_block(s, "plain")->confirmed);
  REQUIRE(s.launches.size() == 1);
  CHECK(s.launches[0].confirmed);
}
