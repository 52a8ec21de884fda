// SPDX-License-Identifier: Apache-2.0
// The trace model: what a traced run dispatched (ops, signatures, source lines), the runtime
// hazards found in it, and the sampled calls saved for the numerics checker. Written as the
// trace's index.json and read back by `scan --trace` and `check` (docs/trace-format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::runtime {

inline constexpr std::string_view kIndexSchema = "tpu-migrate/trace@1";
inline constexpr std::string_view kPartSchema = "tpu-migrate/trace-part@1";
inline constexpr std::string_view kSampleFormat = "tpu-migrate/sample@1";

/// One way an op was called: dtypes of its tensor inputs (lists flattened, in argument order),
/// their shapes (exact in a part, each dimension rounded up to a power of two in the index),
/// output dtypes and the device.
struct CallSignature {
  std::vector<std::string> dtypes;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<std::string> out_dtypes;
  std::string device;      ///< of the first tensor input (or output for factories): "cpu", "cuda:0"
  std::string out_device;  ///< only when it differs from `device` (a device-to-host copy)
  uint64_t count = 0;
};

/// Where an op ran: the innermost user frame (absolute path as the program saw it).
struct OpSite {
  std::string path;
  uint32_t line = 0;
  uint64_t count = 0;
  uint32_t distinct_shapes = 0;  ///< exact input shape signatures seen at this line
  uint32_t steps = 0;            ///< training steps (backward passes) in which it ran
  uint32_t late_shapes = 0;      ///< shapes first seen after the step the line first ran in
  bool shape_overflow = false;   ///< more distinct shapes than a part keeps
  std::vector<std::vector<std::string>> input_dtypes;  ///< distinct input dtype lists
  std::vector<std::string> out_dtypes;                 ///< every output dtype, sorted
  uint64_t host_copies = 0;  ///< calls that copied from a device to the CPU
};

struct TracedOp {
  std::string name;      ///< "aten::add.Tensor"; "aten::addmm" for the default overload
  std::string op;        ///< "aten::add"
  std::string overload;  ///< "Tensor", "default"
  uint64_t count = 0;
  std::vector<CallSignature> signatures;  ///< bucketed, most frequent first
  std::vector<OpSite> sites;              ///< most frequent first
};

/// CudaOnly: a call into code that exists only for CUDA (a custom op with no CPU kernel, a CUDA
/// extension build, a Triton kernel), which `--cuda-as-cpu` cannot run and a TPU cannot either.
enum class HazardKind : uint8_t { HostSync, HostCopy, DynamicShape, Float64, ShapeChurn, CudaOnly };
std::string_view to_string(HazardKind kind);  ///< "host-sync", "host-copy", ...
std::optional<HazardKind> parse_hazard_kind(std::string_view name);

/// Something that runs badly on a TPU, at the user line that caused it.
struct Hazard {
  HazardKind kind = HazardKind::HostSync;
  std::string op;  ///< the op (or "Tensor.cpu" for a host copy seen without an op)
  std::string path;
  uint32_t line = 0;
  uint64_t count = 0;
  std::string detail;  ///< one line, for the finding message
};

/// One sampled call saved for the checker: samples/<file>.pt (docs/trace-format.md).
struct SampleRef {
  std::string file;  ///< relative to the trace folder
  std::string op, overload;
  std::vector<std::string> dtypes;
  std::string path;
  uint32_t line = 0;
  uint64_t bytes = 0;
  std::vector<std::string> omitted;  ///< argument names described but not saved (too large...)
};

struct ProcessInfo {
  int64_t pid = 0, ppid = 0;
  std::optional<int64_t> rank;
  std::string role;  ///< "main", "fork" (DataLoader worker, multiprocessing), "spawned"
  uint64_t ops = 0;
  bool complete = false;  ///< the process wrote its part at exit (false: killed or still running)
  std::string part;       ///< "parts/p123.json"
};

struct TraceData {
  std::string schema = std::string(kIndexSchema);
  std::string backend;  ///< "python-dispatch" or "torchscript"
  std::string torch_version;
  std::vector<std::string> command;
  std::string cwd;
  bool cuda_as_cpu = false;
  std::optional<int> exit_code;  ///< the program's; 128+N when killed by signal N
  std::string stopped_by;        ///< "", "max-seconds", "limit-ops", "interrupted"
  double wall_seconds = 0;
  uint64_t total_calls = 0;
  uint32_t steps = 0;
  std::vector<ProcessInfo> processes;
  std::vector<TracedOp> ops;  ///< sorted by name
  std::vector<Hazard> hazards;
  std::vector<SampleRef> samples;
  std::vector<std::string> errors;  ///< problems reading or writing the trace; never fatal
};

/// Reads `path` (a trace folder or its index.json). Never throws: a missing or malformed index
/// comes back as a TraceData whose `errors` say why (and whose ops are empty).
TraceData load_trace(const std::filesystem::path& path);

/// The index as JSON text (stable field order; see docs/trace-format.md).
std::string index_json(const TraceData& trace);
/// Parses index JSON text; errors as data, like load_trace.
TraceData parse_index(std::string_view text);

/// "aten::add" + "Tensor" -> "aten::add.Tensor"; the default overload keeps the bare name.
std::string op_overload_name(std::string_view op, std::string_view overload);

}  // namespace tpu::runtime
