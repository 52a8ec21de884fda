// SPDX-License-Identifier: Apache-2.0
// What one C++/CUDA file contributes to the repository-wide inventory: its functions (with
// their calls, launches and CUDA use), its binding modules and each op they bind. Plain data,
// so that files analysed in parallel can be combined afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/cpp/structure.h"

namespace tpu::cpp {

struct FunctionFact {
  std::string name, qualified;
  uint32_t line = 0;
  CodeKind code = CodeKind::Host;
  bool is_template = false;
  bool lambda = false;            ///< an inline lambda a binding uses as its implementation
  bool cuda_api = false;          ///< launches kernels or calls CUDA runtime/library APIs
  bool cuda_reference = false;    ///< any CUDA reference at all (includes `x.is_cuda()` checks)
  bool computes = false;          ///< works on tensor data itself (loops, AT_DISPATCH, data_ptr)
  std::vector<std::string> calls;    ///< sorted, unique
  std::vector<std::string> kernels;  ///< kernels it launches, sorted, unique
  std::vector<std::string> libraries;  ///< NVIDIA libraries it calls, sorted, unique
};

struct ModuleFact {
  BindingFramework framework = BindingFramework::Pybind11;
  std::string name;          ///< as written (TORCH_EXTENSION_NAME, an identifier, an op namespace)
  std::string dispatch_key;
  uint32_t line = 0;
};

struct BindingFact {
  int module = -1;          ///< index into the file's modules
  std::string method;       ///< def | impl
  std::string op, schema, target, dispatch_key;
  int lambda_function = -1; ///< index into the file's functions when implemented inline
  uint32_t line = 0, column = 0;
};

struct CppFileFacts {
  std::string path;
  bool cuda_source = false;
  std::vector<FunctionFact> functions;
  std::vector<ModuleFact> modules;
  std::vector<BindingFact> bindings;
  /// Namespace-scope registrations (`REGISTER_DEVICE_IMPL(key, CUDA, impl);`): the names
  /// they mention, key first. Calling the key may reach each of the others.
  std::vector<std::vector<std::string>> registrations;
};

}  // namespace tpu::cpp
