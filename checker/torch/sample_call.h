// SPDX-License-Identifier: Apache-2.0
// One sampled op call, decoded from its sample file (docs/trace-format.md, "Sample files"),
// and rebuilt for an executor: the schema's arguments pushed on a dispatcher stack, each value
// converted to what the schema wants, with tensors moved and cast as the executor asks.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "checker/torch/torch_headers.h"

namespace tpu::checker {

/// Thrown while decoding or building a call that cannot be replayed (an input the trace did
/// not save, an argument kind libtorch cannot take): the sample is skipped, not failed.
class NotReplayable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SavedArg {
  std::string name;
  c10::IValue value;  ///< as saved: tensors, scalars, lists, tagged dicts ({"dtype": ...})
};

struct SampleCall {
  std::string op, overload;  ///< "aten::add", "Tensor" ("default" for the unnamed overload)
  c10::OperatorHandle handle;
  std::vector<SavedArg> args;
  std::vector<c10::IValue> recorded_outputs;  ///< one per return, as the source device produced them
  bool nondeterministic = false;
  std::string path;
  int64_t line = 0;
};

/// Decodes a loaded sample record. Throws NotReplayable when the call cannot be replayed here
/// (unknown format, op missing from this libtorch, random op, input not saved...).
SampleCall decode_sample(const c10::IValue& record);

/// How an executor wants the inputs.
enum class FloatPolicy {
  Keep,              ///< as recorded
  Float64,           ///< floating tensors and dtype arguments widened (the reference)
  Float64Tensors,    ///< tensors widened, dtype arguments kept (fallback reference)
  NarrowFloat64,     ///< float64 -> float32 (a TPU has no float64)
};

struct ArgPolicy {
  c10::Device device{c10::kCPU};
  FloatPolicy floats = FloatPolicy::Keep;
  /// Applied to every tensor after the dtype change, before the move to `device`; gets the
  /// argument's name (TPU emulation rounds matmul operands here).
  std::function<at::Tensor(const at::Tensor&, const std::string&)> tensor_hook;
};

/// The call's arguments in schema order. Throws NotReplayable.
torch::jit::Stack build_stack(const SampleCall& call, const ArgPolicy& policy);

/// Runs the op through the dispatcher; returns one IValue per schema return. Throws what the
/// kernel throws (c10::Error).
std::vector<c10::IValue> call_boxed(const SampleCall& call, torch::jit::Stack stack);

/// A flattened output: tensors, with scalars as 0-dim tensors; None left out.
struct FlatValue {
  std::string name;  ///< "out[0]", "out[1][2]"
  at::Tensor tensor;
};
std::vector<FlatValue> flatten_outputs(const std::vector<c10::IValue>& returns);

/// Index of the schema argument called `name`, or -1.
int argument_index(const SampleCall& call, const std::string& name);

}  // namespace tpu::checker
