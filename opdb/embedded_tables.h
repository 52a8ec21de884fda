// SPDX-License-Identifier: Apache-2.0
// The opdb/data/*.tsv tables and the sync probe script, compiled into the binary by
// opdb/embed_table.cmake at build time.
#pragma once

#include <string_view>

namespace tpu::opdb::embedded {

extern const std::string_view kAtenOps;      // aten_ops.tsv
extern const std::string_view kPythonApi;    // python_api.tsv
extern const std::string_view kCudaApiMap;   // cuda_api_map.tsv
extern const std::string_view kStatusXla;    // status_xla.tsv
extern const std::string_view kStatusTorchTpu;  // status_torchtpu.tsv
extern const std::string_view kStatusXpu;    // status_xpu.tsv
extern const std::string_view kStatusMps;    // status_mps.tsv
extern const std::string_view kStatusAscend; // status_ascend.tsv
extern const std::string_view kRewriteMap;   // rewrite_map.tsv (the rewriter's templates)
extern const std::string_view kDispatchProbe; // sync/dispatch_probe.py (run by `opdb sync` in the user's Python)

}  // namespace tpu::opdb::embedded
