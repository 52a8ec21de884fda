// SPDX-License-Identifier: Apache-2.0
#include "checker/engine.h"

namespace tpu::checker {

std::string_view to_string(Executor executor) {
  switch (executor) {
    case Executor::Libtorch: return "libtorch";
    case Executor::PythonWorker: return "python-worker";
    case Executor::EmulateTpu: return "emulate-tpu";
    case Executor::PerturbTest: return "perturb-test";
  }
  return "libtorch";
}

std::string_view to_string(Precision precision) {
  switch (precision) {
    case Precision::Default: return "default";
    case Precision::High: return "high";
    case Precision::Highest: return "highest";
  }
  return "default";
}

}  // namespace tpu::checker
