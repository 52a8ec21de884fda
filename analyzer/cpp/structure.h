// SPDX-License-Identifier: Apache-2.0
// The structure of one C++/CUDA file as the rules and the inventory see it: function and
// lambda bodies (with their CUDA attributes), kernel launches, calls, and the extension's
// bindings. It is first read from the tokens (find_structure), then confirmed and completed
// by the syntax tree when there is one (merge_ast in ast_merge.h); what the tree could not
// confirm stays, marked as token-level.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/cpp/lexer.h"

namespace tpu::cpp {

enum class CodeKind : uint8_t { Host, Kernel, Device, HostDevice };

inline bool is_device_code(CodeKind kind) { return kind != CodeKind::Host; }

enum class BlockType : uint8_t { Function, Lambda, BindingModule };

/// A function, lambda or binding block with a body.
struct Block {
  BlockType type = BlockType::Function;
  std::string name;       ///< as written, without qualifier ("rms_norm_kernel"); empty for lambdas
  std::string qualified;  ///< with the qualifier written before it ("Foo::bar")
  uint32_t name_begin = 0, name_end = 0;
  uint32_t open = 0, close = 0;  ///< byte offsets of `{` and just after `}`
  CodeKind code = CodeKind::Host;
  bool is_template = false;
  bool from_ast_only = false;      ///< found by the tree alone (a function a macro defines)
  bool confirmed = false;          ///< the tree has a body at the same `{`
  bool device_by_use = false;      ///< no attribute seen, but its body uses CUDA built-ins
  int parent = -1;                 ///< enclosing block, -1 at namespace scope
  std::vector<std::string> calls;  ///< names called in the body (last component), sorted, unique
  bool computes = false;           ///< loops over data, AT_DISPATCH, parallel_for: real work
};

/// A `<<<…>>>` launch (or a launch through cudaLaunchKernel / gpu_kernel).
struct Launch {
  std::string kernel;               ///< as written, template arguments dropped
  uint32_t begin = 0, end = 0;      ///< the kernel name (or the `<<<` when there is no name)
  uint32_t chevron = UINT32_MAX;    ///< the `<<<`, when the launch is written with one
  int block = -1;                   ///< the function it sits in
  std::string macro;                ///< set when written in a #define body
  bool confirmed = false;           ///< the tree has this launch
  bool from_ast_only = false;       ///< launched through a macro written in another file
};

enum class BindingFramework : uint8_t { Pybind11, TorchLibrary, TorchLibraryFragment, TorchLibraryImpl };

/// PYBIND11_MODULE(name, m) / TORCH_LIBRARY(ns, m) / TORCH_LIBRARY_IMPL(ns, KEY, m).
struct BindingModule {
  BindingFramework framework = BindingFramework::Pybind11;
  std::string name;          ///< module name or op namespace, as written
  std::string dispatch_key;  ///< TORCH_LIBRARY_IMPL's key
  std::string variable;      ///< the module variable (`m`)
  uint32_t begin = 0, end = 0;  ///< the macro name
  int block = -1;
};

/// One `m.def(…)` / `m.impl(…)` inside a binding module.
struct Binding {
  int module = -1;
  std::string method;        ///< "def" or "impl"
  std::string op;            ///< "rms_norm" (namespace and overload stripped)
  std::string schema;        ///< the string as written when it is a schema
  std::string target;        ///< bound function name ("" for a lambda or a schema-only def)
  std::string dispatch_key;  ///< from torch::dispatch(…) or the module's key
  int lambda_block = -1;     ///< the lambda that implements it inline
  uint32_t begin = 0, end = 0;  ///< the op-name string
  uint32_t call_begin = 0;      ///< the `def`/`impl` token
};

struct Structure {
  std::vector<Block> blocks;  ///< in source order of `{`
  std::vector<Launch> launches;
  std::vector<BindingModule> modules;
  std::vector<Binding> bindings;
  /// (offset, kernel) of every place a kernel gets launched from: launches in code, calls of
  /// same-file macros whose body launches one, and launches the tree sees through macros.
  std::vector<std::pair<uint32_t, std::string>> launch_edges;
  std::vector<uint32_t> definition_names;  ///< offsets of names being defined (not references)
  /// Namespace-scope macro invocations that name functions, e.g. a device registry's
  /// `REGISTER_DEVICE_IMPL(roi_align_forward_impl, CUDA, roi_align_forward_cuda);`: the
  /// plain-identifier arguments in order (the first is the registry key).
  std::vector<std::vector<std::string>> registrations;

  /// The innermost block whose body contains `offset`, or -1.
  int block_at(uint32_t offset) const;
  /// The innermost *named* function containing `offset` (lambdas belong to their function).
  int function_at(uint32_t offset) const;
  /// True when code at `offset` is device code (a device function or lambda encloses it).
  bool in_device_code(uint32_t offset) const;
};

/// Macros that spell CUDA attributes (`#define HOST_DEVICE __host__ __device__`), and
/// function-like macros that are CUDA ties at each use (grid-stride kernel loops, tensor
/// device checks), gathered from every file of the repository so that a macro defined in a
/// header is known where a file uses it, whatever the parser could read.
struct AttributeMacros {
  static constexpr uint8_t kGlobal = 1, kDevice = 2, kHost = 4;
  std::unordered_map<std::string, uint8_t> flags;
  /// Function-like macros whose every use is a tie, with the rule a use reports: "TPU308"
  /// for a grid-stride kernel loop (a `for` over blockIdx/threadIdx, whatever its name),
  /// "TPU327" for a tensor device check (`x.is_cuda()`, `kCUDA`, or such a macro).
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  std::unordered_map<std::string, std::string_view, NameHash, std::equal_to<>> ties;
  /// Adds the file's #defines whose bodies name CUDA attributes or make ties (or use macros
  /// already known).
  void collect(const LexedFile& lexed);

 private:
  std::string_view tie_in_body(const LexedFile& lexed, const Directive& define) const;
};

/// True when the #define's body is a grid-stride loop: a `for` whose header reads the CUDA
/// thread hierarchy (`for (int i = blockIdx.x * blockDim.x + threadIdx.x; …)`).
bool is_kernel_loop_define(const LexedFile& lexed, const Directive& define);

/// Reads the structure from the tokens alone. `macros` may be null.
Structure find_structure(const LexedFile& lexed, const AttributeMacros* macros = nullptr);

/// True for C++ keywords and operator-like names that are never function calls.
bool is_not_a_callee(std::string_view word);

}  // namespace tpu::cpp
