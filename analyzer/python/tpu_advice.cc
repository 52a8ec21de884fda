// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/tpu_advice.h"

#include "opdb/opdb.h"

namespace tpu::python {

std::string tpu_advice(std::string_view qualified_api, std::string_view target) {
  const opdb::CudaApiEntry* entry = opdb::OpDb::builtin().cuda_api(qualified_api);
  if (entry == nullptr) return {};
  const bool xla_first = target == opdb::kXlaTarget;
  const std::string& first = xla_first ? entry->xla : entry->torchtpu;
  const std::string& second = xla_first ? entry->torchtpu : entry->xla;
  const std::string_view first_name = xla_first ? "PyTorch/XLA" : "TorchTPU";
  const std::string_view second_name = xla_first ? "TorchTPU" : "PyTorch/XLA";
  std::string advice;
  if (!first.empty()) advice += " " + std::string(first_name) + ": " + first + ".";
  if (!second.empty() && second != first) advice += " " + std::string(second_name) + ": " + second + ".";
  return advice;
}

}  // namespace tpu::python
