// SPDX-License-Identifier: Apache-2.0
// Names of the enums in finding.h, as they appear in reports and on the command line.
#include "analyzer/core/finding.h"

#include <array>

namespace tpu {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kCategoryNames = {
    "device-placement",  "cuda-api",         "amp",
    "backend-flags",     "distributed",      "dataloading",
    "third-party-cuda-lib", "custom-extension", "cuda-kernel",
    "cuda-runtime-cpp",  "cuda-libs-cpp",    "dynamic-shape-hazard",
    "torch-compile",     "unsupported-op",
};

constexpr std::array<std::string_view, 3> kSeverityNames = {"info", "warning", "blocker"};
constexpr std::array<std::string_view, 3> kApplicabilityNames = {"manual", "unsafe", "safe"};

}  // namespace

std::string_view to_string(Category category) {
  return kCategoryNames[static_cast<size_t>(category)];
}

std::optional<Category> parse_category(std::string_view name) {
  for (size_t i = 0; i < kCategoryNames.size(); ++i)
    if (kCategoryNames[i] == name) return static_cast<Category>(i);
  return std::nullopt;
}

std::string_view to_string(Severity severity) {
  return kSeverityNames[static_cast<size_t>(severity)];
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i)
    if (kSeverityNames[i] == name) return static_cast<Severity>(i);
  return std::nullopt;
}

std::string_view to_string(Applicability applicability) {
  return kApplicabilityNames[static_cast<size_t>(applicability)];
}

}  // namespace tpu
