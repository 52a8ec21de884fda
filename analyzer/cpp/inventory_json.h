// SPDX-License-Identifier: Apache-2.0
// The inventory as the JSON report's `inventory` field (an added field of
// "tpu-migrate/report@1"; see the shape in inventory_json.cc).
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/cpp/inventory.h"

namespace tpu::cpp {

nlohmann::ordered_json inventory_json(const Inventory& inventory);

}  // namespace tpu::cpp
