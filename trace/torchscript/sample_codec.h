// SPDX-License-Identifier: Apache-2.0
// Sampled op calls in the trace's sample format (docs/trace-format.md, "Sample files"), from
// libtorch: encoding a call's IValues for torch::pickle_save, and describing a loaded sample.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace tpu::torchscript {

/// Encodes one call's values; counts the bytes saved and names the tensors left out.
class SampleEncoder {
 public:
  explicit SampleEncoder(uint64_t max_tensor_bytes) : max_tensor_bytes_(max_tensor_bytes) {}

  /// `real_type` is the schema argument's real type (ScalarType, Layout... arrive as ints on the
  /// JIT stack); null for outputs.
  c10::IValue encode(const c10::IValue& value, const c10::TypePtr& real_type, const std::string& name);

  uint64_t bytes = 0;
  std::vector<std::string> omitted;

 private:
  c10::IValue tensor(const at::Tensor& tensor, const std::string& name);
  uint64_t max_tensor_bytes_;
};

/// The str-keyed dict saved as one sample file.
c10::IValue sample_record(const c10::FunctionSchema& schema, c10::impl::GenericList args,
                          c10::impl::GenericList outputs, const std::vector<std::string>& omitted,
                          const std::string& path, int64_t line);

/// A JSON view of a loaded sample (tensors as dtype, shape and the sum of their values), used
/// to check that libtorch reads what Python wrote.
nlohmann::json describe(const c10::IValue& value);

}  // namespace tpu::torchscript
