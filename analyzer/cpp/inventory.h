// SPDX-License-Identifier: Apache-2.0
// The custom-op inventory of a repository's C++/CUDA extensions: every op its bindings expose
// (PYBIND11_MODULE m.def, TORCH_LIBRARY def/impl with dispatch keys), the implementations
// behind each (CUDA launchers and kernels, CPU kernels, composites, autograd), the verdict
// on a TPU, the porting routes, and the Python call sites that reach each op. Built once the
// whole repository has been read, from the per-file facts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analyzer/core/finding.h"
#include "analyzer/cpp/cpp_facts.h"

namespace tpu::cpp {

struct InventoryLocation {
  std::string path;
  uint32_t line = 0, column = 0;
};

struct InventoryImplementation {
  std::string backend;        ///< cuda | cpu | composite | autograd | xla | meta | other key, lower-case
  std::string dispatch_key;   ///< as registered (TORCH_LIBRARY_IMPL), empty for pybind11
  std::string function;
  InventoryLocation at;       ///< empty path when the function is not in the scanned files
  std::vector<std::string> kernels;    ///< kernels it launches, directly or through calls
  std::vector<std::string> libraries;  ///< NVIDIA libraries it calls, directly or through calls
};

struct InventoryRoute {
  std::string route;  ///< torch-ops | pallas | cpu-fallback
  std::string note;
};

struct InventoryCall {
  InventoryLocation at;
  std::string symbol;  ///< "fused_ops_cuda.rms_norm"
  bool is_import = false;
};

struct InventoryOp {
  std::string name;      ///< "rms_norm"
  std::string module;    ///< Python module (pybind11) or op namespace (TORCH_LIBRARY)
  std::string binding;   ///< pybind11 | torch_library
  std::string schema;    ///< TORCH_LIBRARY schema, when given
  std::string function;  ///< the bound C++ function (pybind11), empty for a lambda
  InventoryLocation at;  ///< the m.def
  std::vector<InventoryImplementation> implementations;
  std::string verdict;   ///< cuda-only | accelerator-only | cpu-fallback | composite | xla | unknown
  Severity severity = Severity::Warning;
  std::string explanation;  ///< reads after "the op …": "has only CUDA implementations: …"
  std::vector<InventoryRoute> routes;
  std::vector<InventoryCall> python_calls;
};

struct InventoryFunctionRef {
  std::string function;
  InventoryLocation at;
};

struct InventoryKernel {
  std::string name;
  InventoryLocation at;
  bool is_template = false;
  std::vector<InventoryFunctionRef> launched_by;
  std::vector<std::string> ops;  ///< ops whose implementations reach it
};

struct InventoryLauncher {
  InventoryFunctionRef function;
  std::vector<std::string> kernels;
};

struct InventoryModule {
  std::string name;         ///< the Python module, when the build names it; else as declared
  std::string declared_as;  ///< as written in PYBIND11_MODULE (TORCH_EXTENSION_NAME, …) or the op namespace
  std::string binding;      ///< pybind11 | torch_library
  InventoryLocation at;
  size_t ops = 0;
};

struct Inventory {
  std::string mode;  ///< fast | deep (how the C++ was parsed); empty when there was none
  size_t cpp_files = 0, cuda_files = 0, device_functions = 0;
  std::vector<InventoryModule> modules;
  std::vector<InventoryOp> ops;
  std::vector<InventoryKernel> kernels;
  std::vector<InventoryLauncher> launchers;
};

/// A Python reference to a module or function, from the Python front end.
struct PythonUse {
  std::string qualified;
  Location location;
  bool is_import = false;
};

/// Builds the inventory. `declared_modules` are the extension modules the build declares
/// (setup.py CUDAExtension names, cpp_extension.load names).
Inventory build_inventory(const std::vector<const CppFileFacts*>& files,
                          const std::vector<std::string>& declared_modules,
                          const std::vector<PythonUse>& python_uses);

/// Appends the inventory of another scan root, passing each of its paths through `rebase`
/// first (a scan of several folders reports paths relative to the working directory).
void append_inventory(Inventory& into, Inventory from,
                      const std::function<void(std::string&)>& rebase);

}  // namespace tpu::cpp
