// SPDX-License-Identifier: Apache-2.0
// Implementations are found by following calls by name through the repository's own
// functions (a bounded breadth-first walk): a function that launches a kernel or calls CUDA
// APIs is a CUDA implementation, a host function outside CUDA files that works on tensor
// data (AT_DISPATCH, data_ptr, parallel_for) is a CPU implementation, and an entry that only
// calls torch ops is a composite that runs anywhere. TORCH_LIBRARY ops say it themselves
// through their dispatch keys.
#include "analyzer/cpp/inventory.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

namespace tpu::cpp {
namespace {

struct FnRef {
  size_t file = 0, fn = 0;
  bool operator<(const FnRef& o) const { return std::tie(file, fn) < std::tie(o.file, o.fn); }
  bool operator==(const FnRef& o) const { return file == o.file && fn == o.fn; }
};

constexpr size_t kMaxCandidates = 4;  // a name defined more often than this is too ambiguous to follow
constexpr int kMaxDepth = 6;

class Repository {
 public:
  explicit Repository(const std::vector<const CppFileFacts*>& files) : files_(files) {
    for (size_t f = 0; f < files.size(); ++f)
      for (size_t i = 0; i < files[f]->functions.size(); ++i)
        if (!files[f]->functions[i].lambda) by_name_[files[f]->functions[i].name].push_back({f, i});
    // A device registry (mmcv's REGISTER_DEVICE_IMPL and the like) binds a key function to
    // implementations in other files: calling the key may reach each of them.
    for (const CppFileFacts* file : files)
      for (const std::vector<std::string>& names : file->registrations)
        if (by_name_.count(names.front()))
          for (size_t n = 1; n < names.size(); ++n)
            if (by_name_.count(names[n])) registered_[names.front()].push_back(names[n]);
  }

  const FunctionFact& fn(FnRef r) const { return files_[r.file]->functions[r.fn]; }
  const CppFileFacts& file(FnRef r) const { return *files_[r.file]; }
  InventoryLocation where(FnRef r) const { return {files_[r.file]->path, fn(r).line, 0}; }

  // The definitions a call of `name` from `from_file` may reach: the file's own first.
  std::vector<FnRef> resolve(const std::string& name, size_t from_file) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return {};
    std::vector<FnRef> same;
    for (FnRef r : it->second)
      if (r.file == from_file) same.push_back(r);
    if (!same.empty()) return same;
    if (it->second.size() > kMaxCandidates) return {};
    return it->second;
  }

  // Every repository function reachable from `entries` through calls, entries first.
  std::vector<FnRef> reach(const std::vector<FnRef>& entries) const {
    std::vector<FnRef> order;
    std::set<FnRef> seen;
    std::vector<std::pair<FnRef, int>> queue;
    for (FnRef e : entries)
      if (seen.insert(e).second) queue.push_back({e, 0});
    for (size_t q = 0; q < queue.size(); ++q) {
      auto [r, depth] = queue[q];
      order.push_back(r);
      if (depth >= kMaxDepth) continue;
      auto follow = [&](const std::string& name) {
        for (FnRef next : resolve(name, r.file))
          if (seen.insert(next).second) queue.push_back({next, depth + 1});
      };
      for (const std::string& call : fn(r).calls) follow(call);
      if (auto it = registered_.find(fn(r).name); it != registered_.end())
        for (const std::string& implementation : it->second) follow(implementation);
    }
    return order;
  }

  void collect(const std::vector<FnRef>& reached, std::vector<std::string>& kernels,
               std::vector<std::string>& libraries) const {
    for (FnRef r : reached) {
      kernels.insert(kernels.end(), fn(r).kernels.begin(), fn(r).kernels.end());
      libraries.insert(libraries.end(), fn(r).libraries.begin(), fn(r).libraries.end());
    }
    for (auto* list : {&kernels, &libraries}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
  }

  size_t size() const { return files_.size(); }
  const std::vector<const CppFileFacts*>& files() const { return files_; }

 private:
  const std::vector<const CppFileFacts*>& files_;
  std::unordered_map<std::string, std::vector<FnRef>> by_name_;
  std::unordered_map<std::string, std::vector<std::string>> registered_;
};

// Another accelerator's implementation (Cambricon MLU, Ascend NPU, Apple MPS, Moore Threads
// MUSA, Intel XPU, AMD HIP), told by its folder or its name: not a CPU kernel, and no more
// runnable on a TPU than a CUDA one.
std::string other_accelerator(const std::string& path, const std::string& name) {
  static constexpr std::string_view kAccelerators[] = {"mlu", "npu", "mps", "musa", "xpu", "hip", "ascend"};
  std::string lower_path = path, lower_name = name;
  for (std::string* text : {&lower_path, &lower_name})
    std::transform(text->begin(), text->end(), text->begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view accelerator : kAccelerators) {
    std::string word(accelerator);
    if (("/" + lower_path).find("/" + word + "/") != std::string::npos) return word;
    if (lower_name.ends_with("_" + word) || lower_name.find("_" + word + "_") != std::string::npos) return word;
  }
  // Upper-case inside a CamelCase name (NMSMLUKernelLauncher) only for names no English word
  // contains (NPU is in INPUT, HIP in SHIP).
  for (std::string_view upper : {"MLU", "MUSA", "XPU"})
    if (name.find(upper) != std::string::npos) {
      std::string word(upper);
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
      return word;
    }
  return {};
}

bool is_cpu_implementation(const Repository& repo, FnRef r) {
  const FunctionFact& f = repo.fn(r);
  return !repo.file(r).cuda_source && f.code == CodeKind::Host && f.computes && !f.cuda_api;
}

InventoryImplementation implementation(const Repository& repo, FnRef r, std::string backend) {
  InventoryImplementation impl;
  impl.backend = std::move(backend);
  impl.function = repo.fn(r).qualified;
  impl.at = repo.where(r);
  repo.collect(repo.reach({r}), impl.kernels, impl.libraries);
  return impl;
}

// The implementations reached from an untyped entry (a pybind11 function, a catch-all def).
std::vector<InventoryImplementation> classify(const Repository& repo, const std::vector<FnRef>& entries) {
  std::vector<InventoryImplementation> out;
  std::vector<FnRef> reached = repo.reach(entries);
  bool any_cuda = false, any_cpu = false;
  for (FnRef r : reached) {
    std::string accelerator = other_accelerator(repo.file(r).path, repo.fn(r).name);
    if (repo.fn(r).cuda_api) {
      out.push_back(implementation(repo, r, "cuda"));
      any_cuda = true;
    } else if (!accelerator.empty() && repo.fn(r).computes) {
      out.push_back(implementation(repo, r, accelerator));
      any_cuda = true;  // not runnable on a TPU either
    } else if (is_cpu_implementation(repo, r)) {
      out.push_back(implementation(repo, r, "cpu"));
      any_cpu = true;
    }
  }
  // An entry that only calls torch ops (no CUDA, no raw data access) runs on any device.
  for (FnRef e : entries) {
    const FunctionFact& f = repo.fn(e);
    if (!any_cuda && !any_cpu && !f.cuda_reference && !f.computes && f.code == CodeKind::Host)
      out.push_back(implementation(repo, e, "composite"));
  }
  return out;
}

std::string backend_of_key(const std::string& key) {
  if (key == "CPU" || key == "QuantizedCPU" || key == "SparseCPU") return "cpu";
  if (key == "CUDA" || key == "QuantizedCUDA" || key == "SparseCUDA") return "cuda";
  if (key.starts_with("Autograd")) return "autograd";
  if (key.starts_with("Composite") || key == "Math" || key == "DefaultBackend") return "composite";
  if (key == "XLA" || key == "AutogradXLA") return "xla";
  if (key == "Meta") return "meta";
  std::string lower = key;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

void decide(InventoryOp& op) {
  auto has = [&](std::string_view backend) {
    return std::any_of(op.implementations.begin(), op.implementations.end(),
                       [&](const InventoryImplementation& i) { return i.backend == backend; });
  };
  std::vector<std::string> kernels, libraries;
  for (const InventoryImplementation& impl : op.implementations) {
    kernels.insert(kernels.end(), impl.kernels.begin(), impl.kernels.end());
    libraries.insert(libraries.end(), impl.libraries.begin(), impl.libraries.end());
  }
  std::sort(libraries.begin(), libraries.end());
  libraries.erase(std::unique(libraries.begin(), libraries.end()), libraries.end());
  bool pybind = op.binding == "pybind11";
  if (has("xla")) {
    op.verdict = "xla";
    op.severity = Severity::Info;
    op.explanation = "has an XLA kernel: it runs on a TPU as is";
  } else if (has("composite")) {
    op.verdict = "composite";
    op.severity = Severity::Info;
    op.explanation = "is implemented with torch ops only (no CUDA, no raw data access): it runs on a TPU as is";
  } else if (has("cpu")) {
    op.verdict = "cpu-fallback";
    op.severity = Severity::Warning;
    op.explanation = pybind ? "has a CPU implementation: on a TPU it runs only if the call site moves the "
                              "tensors to the CPU and back (slow, a host round trip per call)"
                            : "has a CPU kernel: on a TPU it runs only through the CPU fallback (slow, a host "
                              "round trip per call; PyTorch/XLA falls back silently, TorchTPU only once the "
                              "program enables its CPU fallback)";
  } else if (has("cuda")) {
    op.verdict = "cuda-only";
    op.severity = Severity::Blocker;
    op.explanation = "has only CUDA implementations: it cannot run on a TPU until it is ported";
  } else if (!op.implementations.empty() &&
             std::none_of(op.implementations.begin(), op.implementations.end(),
                          [](const InventoryImplementation& i) { return i.backend == "autograd" || i.backend == "meta"; })) {
    op.verdict = "accelerator-only";
    op.severity = Severity::Blocker;
    op.explanation = "has only other accelerators' implementations (" + op.implementations.front().backend +
                     "): it cannot run on a TPU until it is ported";
  } else {
    op.verdict = "unknown";
    op.severity = Severity::Warning;
    op.explanation = "has no implementation in the scanned files";
  }
  if (op.verdict == "xla" || op.verdict == "composite") return;
  std::string hint = "re-express it with torch ops; the TPU compiler fuses elementwise and reduction chains";
  for (const std::string& library : libraries) {
    if (library == "cuBLAS" || library == "CUTLASS") hint += "; torch.matmul for the " + library + " GEMMs";
    else if (library == "CUB" || library == "Thrust") hint += "; torch.sum/cumsum/sort for the " + library + " primitives";
    else if (library == "cuDNN") hint += "; torch.nn.functional for the cuDNN calls";
    else if (library == "cuRAND") hint += "; torch.rand/randn on the TPU device for cuRAND";
    else if (library == "NCCL") hint += "; torch.distributed collectives for NCCL (TorchTPU: tpu_dist; PyTorch/XLA: the xla backend)";
  }
  op.routes.push_back({"torch-ops", hint});
  op.routes.push_back({"pallas", "write a Pallas kernel when it needs its own tiling or fusion (TorchTPU: "
                                 "torch_tpu._internal.pallas.jax_op; PyTorch/XLA: "
                                 "torch_xla.experimental.custom_kernel.make_kernel_from_pallas)"});
  if (op.verdict == "cpu-fallback")
    op.routes.push_back({"cpu-fallback", "keep the CPU implementation for now: it works, slowly"});
}

std::string last_component(const std::string& dotted) {
  size_t dot = dotted.rfind('.');
  return dot == std::string::npos ? dotted : dotted.substr(dot + 1);
}

class Builder {
 public:
  Builder(const std::vector<const CppFileFacts*>& files, const std::vector<std::string>& declared,
          const std::vector<PythonUse>& uses)
      : repo_(files), declared_(declared), uses_(uses) {}

  Inventory run() {
    Inventory inventory;
    inventory.cpp_files = repo_.size();
    pybind(inventory);
    torch_library(inventory);
    for (InventoryOp& op : inventory.ops) decide(op);
    kernels(inventory);
    std::sort(inventory.ops.begin(), inventory.ops.end(), [](const InventoryOp& a, const InventoryOp& b) {
      return std::tie(a.module, a.name, a.at.path, a.at.line) < std::tie(b.module, b.name, b.at.path, b.at.line);
    });
    return inventory;
  }

 private:
  // The Python names a PYBIND11_MODULE may be imported as.
  std::vector<std::string> python_names(const std::string& declared_as) const {
    if (declared_as == "TORCH_EXTENSION_NAME") return declared_;
    std::vector<std::string> names;
    for (const std::string& module : declared_)
      if (last_component(module) == declared_as) names.push_back(module);
    if (names.empty()) names.push_back(declared_as);
    return names;
  }

  void link_python(InventoryOp& op, const std::vector<std::string>& modules) const {
    for (const PythonUse& use : uses_) {
      for (const std::string& module : modules) {
        std::string prefix = module + "." + op.name;
        if (use.qualified != prefix && !use.qualified.starts_with(prefix + ".")) continue;
        op.python_calls.push_back({{use.location.path, use.location.line, use.location.column}, use.qualified, use.is_import});
        break;
      }
    }
  }

  void pybind(Inventory& inventory) {
    for (size_t f = 0; f < repo_.size(); ++f) {
      const CppFileFacts& file = *repo_.files()[f];
      for (size_t m = 0; m < file.modules.size(); ++m) {
        const ModuleFact& module = file.modules[m];
        if (module.framework != BindingFramework::Pybind11) continue;
        std::vector<std::string> names = python_names(module.name);
        InventoryModule entry;
        entry.declared_as = module.name;
        entry.name = names.size() == 1 ? names.front() : module.name;
        entry.binding = "pybind11";
        entry.at = {file.path, module.line, 0};
        for (const BindingFact& binding : file.bindings) {
          if (binding.module != static_cast<int>(m)) continue;
          ++entry.ops;
          InventoryOp op;
          op.name = binding.op;
          op.module = entry.name;
          op.binding = "pybind11";
          op.function = binding.target;
          op.at = {file.path, binding.line, binding.column};
          std::vector<FnRef> entries;
          if (binding.lambda_function >= 0) entries.push_back({f, static_cast<size_t>(binding.lambda_function)});
          else if (!binding.target.empty()) entries = repo_.resolve(binding.target, f);
          if (!entries.empty()) op.implementations = classify(repo_, entries);
          link_python(op, names);
          inventory.ops.push_back(std::move(op));
        }
        inventory.modules.push_back(std::move(entry));
      }
    }
  }

  void torch_library(Inventory& inventory) {
    std::map<std::pair<std::string, std::string>, size_t> index;  // (namespace, op) -> ops slot
    std::map<std::string, size_t> namespaces;
    for (size_t f = 0; f < repo_.size(); ++f) {
      const CppFileFacts& file = *repo_.files()[f];
      for (const BindingFact& binding : file.bindings) {
        const ModuleFact& module = file.modules[binding.module];
        if (module.framework == BindingFramework::Pybind11) continue;
        auto [ns_it, ns_new] = namespaces.try_emplace(module.name, inventory.modules.size());
        if (ns_new) inventory.modules.push_back({module.name, module.name, "torch_library", {file.path, module.line, 0}, 0});
        InventoryModule& ns = inventory.modules[ns_it->second];
        // The namespace is where TORCH_LIBRARY defines it; an _IMPL block only until that is seen.
        if (module.framework != BindingFramework::TorchLibraryImpl && !defined_.count(module.name)) {
          defined_.insert(module.name);
          ns.at = {file.path, module.line, 0};
        }
        auto [it, added] = index.try_emplace({module.name, binding.op}, inventory.ops.size());
        if (added) {
          ++ns.ops;
          InventoryOp op;
          op.name = binding.op;
          op.module = module.name;
          op.binding = "torch_library";
          op.at = {file.path, binding.line, binding.column};
          inventory.ops.push_back(std::move(op));
        }
        InventoryOp& op = inventory.ops[it->second];
        if (added) link_python(op, {"torch.ops." + module.name});  // torch.ops.<ns>.<op>(…)
        if (binding.method == "def") {
          op.at = {file.path, binding.line, binding.column};
          if (binding.schema.find('(') != std::string::npos) op.schema = binding.schema;
        }
        std::vector<FnRef> entries;
        if (binding.lambda_function >= 0) entries.push_back({f, static_cast<size_t>(binding.lambda_function)});
        else if (!binding.target.empty()) entries = repo_.resolve(binding.target, f);
        if (binding.target.empty() && entries.empty()) continue;  // a schema-only def
        if (binding.dispatch_key.empty()) {
          for (InventoryImplementation& impl : classify(repo_, entries)) op.implementations.push_back(std::move(impl));
          continue;
        }
        std::string backend = backend_of_key(binding.dispatch_key);
        if (entries.empty()) {
          InventoryImplementation impl;
          impl.backend = backend;
          impl.dispatch_key = binding.dispatch_key;
          impl.function = binding.target;
          op.implementations.push_back(std::move(impl));
          continue;
        }
        for (FnRef e : entries) {
          InventoryImplementation impl = implementation(repo_, e, backend);
          impl.dispatch_key = binding.dispatch_key;
          op.implementations.push_back(std::move(impl));
        }
      }
    }
  }

  void kernels(Inventory& inventory) {
    std::map<std::string, std::vector<InventoryFunctionRef>> launchers_of;
    for (size_t f = 0; f < repo_.size(); ++f) {
      const CppFileFacts& file = *repo_.files()[f];
      if (file.cuda_source) ++inventory.cuda_files;
      for (size_t i = 0; i < file.functions.size(); ++i) {
        const FunctionFact& fn = file.functions[i];
        if (fn.code == CodeKind::Device || fn.code == CodeKind::HostDevice) ++inventory.device_functions;
        if (fn.kernels.empty()) continue;
        InventoryFunctionRef ref{fn.qualified, {file.path, fn.line, 0}};
        inventory.launchers.push_back({ref, fn.kernels});
        for (const std::string& kernel : fn.kernels) launchers_of[kernel].push_back(ref);
      }
    }
    for (size_t f = 0; f < repo_.size(); ++f) {
      const CppFileFacts& file = *repo_.files()[f];
      for (const FunctionFact& fn : file.functions) {
        if (fn.code != CodeKind::Kernel) continue;
        InventoryKernel kernel;
        kernel.name = fn.qualified;
        kernel.at = {file.path, fn.line, 0};
        kernel.is_template = fn.is_template;
        if (auto it = launchers_of.find(fn.name); it != launchers_of.end()) kernel.launched_by = it->second;
        for (const InventoryOp& op : inventory.ops)
          for (const InventoryImplementation& impl : op.implementations)
            if (std::find(impl.kernels.begin(), impl.kernels.end(), fn.name) != impl.kernels.end()) {
              std::string id = op.binding == "pybind11" ? op.module + "." + op.name : op.module + "::" + op.name;
              if (std::find(kernel.ops.begin(), kernel.ops.end(), id) == kernel.ops.end()) kernel.ops.push_back(id);
            }
        std::sort(kernel.ops.begin(), kernel.ops.end());
        inventory.kernels.push_back(std::move(kernel));
      }
    }
  }

  Repository repo_;
  std::set<std::string> defined_;  ///< op namespaces whose TORCH_LIBRARY block has been seen
  const std::vector<std::string>& declared_;
  const std::vector<PythonUse>& uses_;
};

}  // namespace

Inventory build_inventory(const std::vector<const CppFileFacts*>& files,
                          const std::vector<std::string>& declared_modules,
                          const std::vector<PythonUse>& python_uses) {
  return Builder(files, declared_modules, python_uses).run();
}

void append_inventory(Inventory& into, Inventory from,
                      const std::function<void(std::string&)>& rebase) {
  auto at = [&](InventoryLocation& location) {
    if (!location.path.empty()) rebase(location.path);
  };
  for (InventoryModule& module : from.modules) at(module.at);
  for (InventoryOp& op : from.ops) {
    at(op.at);
    for (InventoryImplementation& implementation : op.implementations) at(implementation.at);
    for (InventoryCall& call : op.python_calls) at(call.at);
  }
  for (InventoryKernel& kernel : from.kernels) {
    at(kernel.at);
    for (InventoryFunctionRef& launcher : kernel.launched_by) at(launcher.at);
  }
  for (InventoryLauncher& launcher : from.launchers) at(launcher.function.at);

  if (into.mode.empty()) into.mode = from.mode;
  else if (!from.mode.empty() && from.mode != into.mode) into.mode = "mixed";
  into.cpp_files += from.cpp_files;
  into.cuda_files += from.cuda_files;
  into.device_functions += from.device_functions;
  auto move_all = [](auto& to, auto& items) {
    to.insert(to.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
  };
  move_all(into.modules, from.modules);
  move_all(into.ops, from.ops);
  move_all(into.kernels, from.kernels);
  move_all(into.launchers, from.launchers);
}

}  // namespace tpu::cpp
