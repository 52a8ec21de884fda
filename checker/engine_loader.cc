// SPDX-License-Identifier: Apache-2.0
#include "checker/engine_loader.h"

#include <dlfcn.h>

#include <cstdlib>

#ifndef TPU_CHECKER_HAS_ENGINE
#define TPU_CHECKER_HAS_ENGINE 0
#endif


namespace tpu::checker {

extern const char kWorkerScript[];

namespace {
constexpr const char* kEngineFile = "libtpu_checker_torch.so";
}  // namespace

bool engine_built() { return TPU_CHECKER_HAS_ENGINE != 0; }

std::string_view worker_script() { return kWorkerScript; }

std::string_view torch_package_name() { return TPU_TORCH_PACKAGE_NAME; }

std::vector<std::filesystem::path> engine_search_paths(const std::filesystem::path& executable_dir) {
  std::vector<std::filesystem::path> paths;
  if (const char* explicit_path = std::getenv("TPU_MIGRATE_CHECK_ENGINE"); explicit_path && *explicit_path)
    paths.emplace_back(explicit_path);
  paths.push_back(executable_dir / kEngineFile);
  paths.push_back(executable_dir.parent_path() / "lib" / "tpu-migrate" / kEngineFile);
  return paths;
}

std::unique_ptr<Engine> load_engine(const EngineOptions& options, const std::vector<std::filesystem::path>& search,
                                    std::string* error) {
  std::string tried;
  bool found_any = false;
  for (const std::filesystem::path& path : search) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      tried += "\n  " + path.string() + " (not found)";
      continue;
    }
    found_any = true;
    void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      tried += "\n  " + path.string() + ": " + ::dlerror();
      continue;
    }
    auto abi = reinterpret_cast<EngineAbi>(::dlsym(library, kEngineAbiSymbol));
    auto factory = reinterpret_cast<EngineFactory>(::dlsym(library, kEngineFactorySymbol));
    if (!abi || !factory || abi() != engine_abi_fingerprint()) {
      tried += "\n  " + path.string() + ": from another build of tpu-migrate (engine ABI mismatch)";
      continue;
    }
    std::string why;
    Engine* engine = factory(options, &why);
    if (!engine) {
      *error = why;
      return nullptr;
    }
    return std::unique_ptr<Engine>(engine);
  }
  *error = "the replay engine (" + std::string(kEngineFile) + ") could not be loaded:" + tried;
  // Installed from the packages, the engine lives in its own package (it pulls in libtorch,
  // which the scan and the CI gate do not need): say which one to install.
  if (!found_any)
    *error += "\n  it comes with the " + std::string(torch_package_name()) +
              " package (which installs libtorch); or build tpu-migrate with libtorch-dev";
  return nullptr;
}

}  // namespace tpu::checker
