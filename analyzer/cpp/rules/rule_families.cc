// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/rules/rule_families.h"

#include <algorithm>

namespace tpu::cpp {

Finding& CppRuleContext::report(const RuleMeta& rule, uint32_t begin, uint32_t end, std::string symbol,
                                std::string message, std::optional<Severity> severity) {
  Finding finding;
  finding.rule = std::string(rule.code);
  finding.category = rule.category;
  finding.severity = severity.value_or(rule.severity);
  finding.location = view.file->location(begin, std::max(begin, end));
  finding.symbol = std::move(symbol);
  finding.message = std::move(message);
  // No C++ rule has a mechanical fix: porting a kernel is not a text edit.
  out_.push_back(std::move(finding));
  return out_.back();
}

std::span<const CppRuleFamily> cpp_rule_families() {
  static const CppRuleFamily kFamilies[] = {
      {"cuda-kernel", kCudaKernelRules, check_cuda_kernel},
      {"cuda-runtime", kCudaRuntimeRules, check_cuda_runtime},
      {"cuda-libraries", kCudaLibraryRules, check_cuda_libraries},
      {"extension-bindings", kExtensionBindingRules, check_extension_bindings},
  };
  return kFamilies;
}

const RuleMeta* cpp_rule(std::string_view code) {
  for (const CppRuleFamily& family : cpp_rule_families())
    for (const RuleMeta& rule : family.rules)
      if (rule.code == code) return &rule;
  return nullptr;
}

}  // namespace tpu::cpp
