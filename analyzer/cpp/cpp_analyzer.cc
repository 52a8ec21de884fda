// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/cpp_analyzer.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "analyzer/core/suppressions.h"
#include "analyzer/cpp/cpp_view.h"
#include "analyzer/cpp/rules/rule_families.h"

namespace tpu::cpp {
namespace {

void sort_unique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

// The C++ findings that make a function CUDA code (every family but the bindings; tensor
// device checks count although the spec files them under device-placement).
bool is_cuda_category(Category category) {
  return category == Category::CudaKernel || category == Category::CudaRuntimeCpp ||
         category == Category::CudaLibsCpp || category == Category::DevicePlacement;
}

// Facts for the inventory: one FunctionFact per named function, plus one per lambda an op
// binding uses as its implementation.
CppFileFacts extract_facts(const CppFileView& view, const std::vector<Finding>& all_findings) {
  const SourceFile& file = *view.file;
  const Structure& s = view.structure;
  CppFileFacts facts;
  facts.path = file.path();
  facts.cuda_source = view.cuda_source;

  std::vector<int> fact_of(s.blocks.size(), -1);
  std::vector<bool> wanted_lambda(s.blocks.size(), false);
  for (const Binding& binding : s.bindings)
    if (binding.lambda_block >= 0) wanted_lambda[binding.lambda_block] = true;
  for (size_t b = 0; b < s.blocks.size(); ++b) {
    const Block& block = s.blocks[b];
    bool lambda = block.type == BlockType::Lambda;
    if (block.type == BlockType::BindingModule || (lambda && !wanted_lambda[b])) continue;
    FunctionFact fact;
    fact.name = lambda ? "<lambda>" : block.name;
    fact.qualified = lambda ? "<lambda>" : block.qualified;
    fact.line = file.line_of(block.name_begin);
    fact.code = block.device_by_use && block.code == CodeKind::Host ? CodeKind::Device : block.code;
    fact.is_template = block.is_template;
    fact.lambda = lambda;
    fact.computes = block.computes;
    fact.calls = block.calls;
    fact_of[b] = static_cast<int>(facts.functions.size());
    facts.functions.push_back(std::move(fact));
  }
  // The facts that hold for the named function at an offset, and for an op's inline lambda.
  auto owners = [&](uint32_t offset) {
    std::vector<int> out;
    int named = s.function_at(offset);
    if (named >= 0 && fact_of[named] >= 0) out.push_back(fact_of[named]);
    for (int b = s.block_at(offset); b >= 0; b = s.blocks[b].parent)
      if (s.blocks[b].type == BlockType::Lambda && fact_of[b] >= 0) out.push_back(fact_of[b]);
    return out;
  };
  for (const auto& [offset, kernel] : s.launch_edges)
    for (int f : owners(offset)) {
      facts.functions[f].kernels.push_back(kernel);
      facts.functions[f].cuda_api = true;
    }
  for (const Finding& finding : all_findings) {
    if (!is_cuda_category(finding.category)) continue;
    for (int f : owners(finding.location.begin_byte)) {
      facts.functions[f].cuda_reference = true;
      if (finding.severity == Severity::Blocker) facts.functions[f].cuda_api = true;
    }
  }
  for (const Reference& reference : view.references)
    if (!reference.match.library.empty() && reference.macro.empty())
      for (int f : owners(reference.begin)) facts.functions[f].libraries.emplace_back(reference.match.library);
  for (FunctionFact& fact : facts.functions) {
    sort_unique(fact.kernels);
    sort_unique(fact.libraries);
  }

  facts.registrations = s.registrations;
  for (const BindingModule& module : s.modules)
    facts.modules.push_back({module.framework, module.name, module.dispatch_key, file.line_of(module.begin)});
  for (const Binding& binding : s.bindings) {
    BindingFact fact;
    fact.module = binding.module;
    fact.method = binding.method;
    fact.op = binding.op;
    fact.schema = binding.schema;
    fact.target = binding.target;
    fact.dispatch_key = binding.dispatch_key;
    fact.lambda_function = binding.lambda_block >= 0 ? fact_of[binding.lambda_block] : -1;
    // Where the binding's finding stands (the `def` of `m.def(`), so that the op's verdict
    // finds its finding.
    fact.line = file.line_of(binding.call_begin);
    fact.column = file.column_of(binding.call_begin);
    facts.bindings.push_back(std::move(fact));
  }
  return facts;
}

// A file of another accelerator's backend (mmcv's `pytorch/mlu/nms_mlu.cpp`,
// `common/musa/…`, `*_npu.cpp`, a `hip/` folder): its code mirrors CUDA's names but is not
// a CUDA tie. One of the path's words (split at `/`, `_`, `-`, `.`) names the platform.
bool other_accelerator_path(std::string_view path) {
  static constexpr std::string_view kWords[] = {"musa", "mlu", "npu", "mps", "hip", "rocm",
                                                "xpu", "dipu", "ascend", "cambricon"};
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find_first_of("/\\_-.", start);
    if (end == std::string_view::npos) end = path.size();
    std::string word(path.substr(start, end - start));
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view platform : kWords)
      if (word == platform) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

CppAnalysis analyze_cpp(const SourceFile& file, AstFacts ast, std::string no_tree, bool deep,
                        const AttributeMacros* macros) {
  CppAnalysis analysis;
  CppFileView view = build_view(file, std::move(ast), std::move(no_tree), deep, macros);
  for (const LexProblem& problem : view.lexed.problems)
    analysis.errors.push_back(InputError{file.path(), file.line_of(problem.begin), problem.message});

  std::vector<Finding> findings;
  CppRuleContext context(view, findings);
  for (const CppRuleFamily& family : cpp_rule_families()) family.check(context);
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.begin_byte, a.location.end_byte, a.rule) <
           std::tie(b.location.begin_byte, b.location.end_byte, b.rule);
  });
  analysis.facts = extract_facts(view, findings);

  if (other_accelerator_path(file.path())) findings.clear();  // the facts stay: the inventory lists its kernels

  Suppressions suppressions;
  for (const Comment& comment : view.lexed.comments)
    suppressions.add_comment(file.line_of(comment.begin),
                             file.text().substr(comment.begin, comment.end - comment.begin));
  for (Finding& finding : findings) {
    const RuleMeta* rule = cpp_rule(finding.rule);
    if (!suppressions.suppresses(finding, rule != nullptr ? rule->name : std::string_view()))
      analysis.findings.push_back(std::move(finding));
  }
  return analysis;
}

}  // namespace tpu::cpp
