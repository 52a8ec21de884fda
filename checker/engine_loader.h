// SPDX-License-Identifier: Apache-2.0
// Finds and loads the libtorch replay engine (libtpu_checker_torch.so) at run time.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "checker/engine.h"

namespace tpu::checker {

/// False when this build was configured without libtorch (no engine was built).
bool engine_built();

/// Where to look: $TPU_MIGRATE_CHECK_ENGINE (a file) if set, then beside the executable, then
/// ../lib/tpu-migrate/ from it.
std::vector<std::filesystem::path> engine_search_paths(const std::filesystem::path& executable_dir);

/// Loads the first engine library found and creates an engine. nullptr and `error` when none
/// is found, it is from another build (ABI), or the engine refuses the options (a device this
/// libtorch lacks, a worker that does not start). The library stays loaded until exit:
/// unloading libtorch runs its static destructors at a bad time.
std::unique_ptr<Engine> load_engine(const EngineOptions& options, const std::vector<std::filesystem::path>& search,
                                    std::string* error);

/// The Debian package that installs the libtorch parts (this engine and the TorchScript
/// tracer), for messages that say what to install when they are missing.
std::string_view torch_package_name();

/// The device worker's Python source (checker/worker/check_worker.py, compiled in).
std::string_view worker_script();

}  // namespace tpu::checker
