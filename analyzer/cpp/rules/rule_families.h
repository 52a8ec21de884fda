// SPDX-License-Identifier: Apache-2.0
// The C++/CUDA rule families. Each file in this folder defines one family's rules (with the
// documentation `explain` prints) and a check over the file's CppFileView; the list lives
// in rule_families.cc. Rules never print and never write files.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/core/rule.h"
#include "analyzer/cpp/cpp_view.h"

namespace tpu::cpp {

class CppRuleContext {
 public:
  CppRuleContext(const CppFileView& view, std::vector<Finding>& out) : view(view), out_(out) {}

  const CppFileView& view;

  /// Reports `rule` over the bytes [begin, end); `severity` overrides the rule's default.
  Finding& report(const RuleMeta& rule, uint32_t begin, uint32_t end, std::string symbol,
                  std::string message, std::optional<Severity> severity = std::nullopt);

 private:
  std::vector<Finding>& out_;
};

struct CppRuleFamily {
  std::string_view name;
  std::span<const RuleMeta> rules;
  void (*check)(CppRuleContext&);
};

std::span<const CppRuleFamily> cpp_rule_families();

/// The rule with `code` among the C++ families (nullptr when none).
const RuleMeta* cpp_rule(std::string_view code);

extern const std::span<const RuleMeta> kCudaKernelRules;
void check_cuda_kernel(CppRuleContext& context);
extern const std::span<const RuleMeta> kCudaRuntimeRules;
void check_cuda_runtime(CppRuleContext& context);
extern const std::span<const RuleMeta> kCudaLibraryRules;
void check_cuda_libraries(CppRuleContext& context);
extern const std::span<const RuleMeta> kExtensionBindingRules;
void check_extension_bindings(CppRuleContext& context);

/// The rule codes the severity of which follows an op's inventory verdict.
inline constexpr std::string_view kOpBindingRules[] = {"TPU361", "TPU362"};

}  // namespace tpu::cpp
