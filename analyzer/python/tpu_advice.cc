// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/tpu_advice.h"

#include "opdb/opdb.h"

namespace tpu::python {

std::string tpu_advice(std::string_view qualified_api) {
  const opdb::CudaApiEntry* entry = opdb::OpDb::builtin().cuda_api(qualified_api);
  if (entry == nullptr) return {};
  std::string advice;
  if (!entry->xla.empty()) advice += " PyTorch/XLA: " + entry->xla + ".";
  if (!entry->torchtpu.empty() && entry->torchtpu != entry->xla)
    advice += " TorchTPU: " + entry->torchtpu + ".";
  return advice;
}

}  // namespace tpu::python
