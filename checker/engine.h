// SPDX-License-Identifier: Apache-2.0
// The boundary between tpu-migrate and the libtorch replay engine. The engine lives in a
// shared library (libtpu_checker_torch.so) that `check` loads with dlopen, so that every other
// subcommand starts without loading libtorch (about 0.6 s and 280 shared objects on Debian).
// Both sides are built from this header in the same build; kEngineAbi guards against a stale
// library from another build.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "checker/check_result.h"
#include "checker/tolerances.h"

namespace tpu::checker {

inline constexpr int kEngineAbi = 2;  ///< bump when anything in this header changes
inline constexpr const char* kEngineFactorySymbol = "tpu_checker_create_engine";
inline constexpr const char* kEngineAbiSymbol = "tpu_checker_engine_abi";

enum class Executor {
  Libtorch,      ///< the op on a device of the engine's own libtorch (cpu; cuda when built with it)
  PythonWorker,  ///< the op in a worker process of the user's Python (xla, cuda, mps, xpu...)
  EmulateTpu,    ///< CPU arithmetic rounded as a TPU rounds it (tpu_emulation.h)
  PerturbTest,   ///< test executor: the CPU result damaged (10% off), to prove failures show
};
std::string_view to_string(Executor executor);

/// XLA's matmul/convolution precision on a TPU: DEFAULT one bfloat16 pass, HIGH three
/// (bf16x3), HIGHEST float32 (six passes).
enum class Precision { Default, High, Highest };
std::string_view to_string(Precision precision);

struct EngineOptions {
  Executor executor = Executor::Libtorch;
  std::string device = "cpu";  ///< torch device string for Libtorch and PythonWorker
  Precision precision = Precision::Default;
  std::string python;          ///< worker interpreter
  std::string worker_script;   ///< the worker's Python source (embedded in tpu-migrate)
  std::filesystem::path scratch_dir;  ///< an empty private folder for worker files
  double worker_timeout_seconds = 600;  ///< per request
  ToleranceTable tolerances;
  /// Test damage (--perturb), never a device's behaviour: ops (or, with --model, modules) whose
  /// candidate result is damaged, "NAME" (10% off) or "NAME=float16" (computed in float16). The
  /// PerturbTest executor damages every op when this is empty.
  std::vector<std::string> perturb;
};

/// One sampled call to replay.
struct SampleJob {
  std::filesystem::path sample_file;  ///< absolute
  std::string file;                   ///< as the trace index names it
  std::string source_device;          ///< where the recorded outputs came from ("cuda:0")
};

/// One forward and backward of a whole model (docs/check.md, "Whole model").
struct ModelJob {
  std::string model;                ///< TorchScript file, or "module:callable"
  std::vector<std::string> inputs;  ///< "float32[8,16]", "int64[4,32]:0:100"
  uint64_t seed = 0;
  std::filesystem::path cwd;  ///< where module:callable is imported from
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual CandidateInfo candidate() const = 0;
  /// Never throws: problems come back as Status::Skipped or Status::Error with a reason.
  virtual SampleCheck replay(const SampleJob& job) = 0;
  virtual ModelCheck check_model(const ModelJob& job) = 0;
};

/// kEngineAbi folded with the sizes of everything that crosses the boundary, so that a
/// library built from an older checkout of these headers is refused instead of crashing.
constexpr uint64_t engine_abi_fingerprint() {
  uint64_t h = static_cast<uint64_t>(kEngineAbi);
  for (uint64_t size : {sizeof(EngineOptions), sizeof(SampleJob), sizeof(ModelJob), sizeof(SampleCheck),
                        sizeof(OutputCheck), sizeof(ModelCheck), sizeof(LayerCheck), sizeof(CandidateInfo),
                        sizeof(Metrics), sizeof(Tolerance), sizeof(TolerancePatch), sizeof(OpPolicy),
                        sizeof(ToleranceTable)})
    h = h * 1099511628211ULL + size;
  return h;
}

/// The plugin's entry points (extern "C" in the plugin, looked up by name).
using EngineFactory = Engine* (*)(const EngineOptions& options, std::string* error);
using EngineAbi = uint64_t (*)();

}  // namespace tpu::checker
