// SPDX-License-Identifier: Apache-2.0
// The HTML report's custom-op inventory: each op a C++/CUDA extension exposes, its verdict on a
// TPU, the backends that implement it, the kernels they reach, and the Python lines that call
// it. Rendered from the inventory's JSON form (analyzer/cpp/inventory_json.h), which a fresh
// scan and a saved report both have.
#pragma once

#include <nlohmann/json.hpp>
#include <sstream>

namespace tpu::reports {

/// Writes the panel; nothing when the inventory lists no op.
void inventory_panel(std::ostringstream& out, const nlohmann::ordered_json& inventory);

}  // namespace tpu::reports
