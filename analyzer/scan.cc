// SPDX-License-Identifier: Apache-2.0
#include "analyzer/scan.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <unordered_set>
#include <variant>

#include "analyzer/python/python_analyzer.h"
#include "analyzer/python/rules/rule_families.h"

namespace tpu {
namespace {

struct FileOutcome {
  std::vector<Finding> findings;
  std::vector<InputError> errors;
  python::PythonAnalysis analysis;
  uint64_t bytes = 0;
  bool analysed = false;
};

FileOutcome analyse_file(const DiscoveredFile& file, const ScanOptions& options) {
  FileOutcome outcome;
  if (file.language != FileLanguage::Python) return outcome;  // C++ front end: issue 4
  auto read = SourceFile::read(file.absolute, file.relative, options.limits);
  if (auto* error = std::get_if<InputError>(&read)) {
    outcome.errors.push_back(std::move(*error));
    return outcome;
  }
  const SourceFile& source = std::get<SourceFile>(read);
  outcome.bytes = source.text().size();
  outcome.analysed = true;
  outcome.analysis = python::analyze_python(source, options.target);
  outcome.errors = std::move(outcome.analysis.errors);
  for (Finding& finding : outcome.analysis.findings) {
    const RuleMeta* rule = find_rule(finding.rule);
    if (rule != nullptr && options.filter.enabled(*rule))
      outcome.findings.push_back(std::move(finding));
  }
  outcome.analysis.findings.clear();
  return outcome;
}

bool refers_to(std::string_view reference, const std::string& module) {
  if (reference == module) return true;
  return reference.size() > module.size() && reference.starts_with(module) &&
         reference[module.size()] == '.';
}

// Links Python code to the repository's own CUDA extensions: the modules that setup.py or
// cpp_extension.load declare, wherever the repository imports or calls them.
void link_extension_uses(std::vector<FileOutcome>& outcomes, const ScanOptions& options) {
  const RuleMeta& rule = python::kExtensionModuleUse;
  if (!options.filter.enabled(rule)) return;
  std::vector<std::string> modules;
  for (const FileOutcome& outcome : outcomes)
    modules.insert(modules.end(), outcome.analysis.declared_extensions.begin(),
                   outcome.analysis.declared_extensions.end());
  if (modules.empty()) return;
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
  for (FileOutcome& outcome : outcomes) {
    for (const python::ModuleReference& reference : outcome.analysis.references) {
      for (const std::string& module : modules) {
        if (!refers_to(reference.qualified, module)) continue;
        Finding finding;
        finding.rule = std::string(rule.code);
        finding.category = rule.category;
        finding.severity = rule.severity;
        finding.location = reference.location;
        finding.symbol = reference.qualified;
        finding.message = (reference.is_import ? "import of `" : "call of `") + reference.qualified +
                          "`, from the repository's CUDA extension `" + module +
                          "`; on a TPU it breaks or takes its fallback: call the ported "
                          "implementation (Pallas or PyTorch ops)";
        if (!outcome.analysis.suppressions.suppresses(finding, rule.name))
          outcome.findings.push_back(std::move(finding));
        break;
      }
    }
  }
}

// One OpUse per op across the repository, with every call site.
std::vector<OpUse> aggregate_op_uses(const std::vector<FileOutcome>& outcomes) {
  std::map<std::string, OpUse> by_op;
  for (const FileOutcome& outcome : outcomes) {
    for (const OpUse& use : outcome.analysis.op_uses) {
      auto [it, inserted] = by_op.try_emplace(use.op, use);
      if (inserted) continue;
      it->second.count += use.count;
      it->second.locations.insert(it->second.locations.end(), use.locations.begin(), use.locations.end());
    }
  }
  std::vector<OpUse> ops;
  for (auto& [name, use] : by_op) {
    std::sort(use.locations.begin(), use.locations.end(), [](const Location& a, const Location& b) {
      return std::tie(a.path, a.line, a.column) < std::tie(b.path, b.line, b.column);
    });
    ops.push_back(std::move(use));
  }
  return ops;
}

bool finding_order(const Finding& a, const Finding& b) {
  const Location& x = a.location;
  const Location& y = b.location;
  return std::tie(x.path, x.line, x.column, a.rule, x.end_line, x.end_column) <
         std::tie(y.path, y.line, y.column, b.rule, y.end_line, y.end_column);
}

}  // namespace

ScanResult scan(const std::filesystem::path& root, const ScanOptions& options) {
  Discovery discovery = discover(root, options.discovery);
  ScanResult result;
  result.python_files = discovery.python_files;
  result.cpp_files = discovery.cpp_files;
  result.errors = std::move(discovery.errors);

  const std::vector<DiscoveredFile>& files = discovery.files;
  std::vector<FileOutcome> outcomes(files.size());
  unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(files.size(), 1)));
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      outcomes[i] = analyse_file(files[i], options);
      size_t finished = ++done;
      if (options.progress) options.progress(finished, files.size());
    }
  };
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::jthread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  }

  link_extension_uses(outcomes, options);
  result.ops = aggregate_op_uses(outcomes);
  for (FileOutcome& outcome : outcomes) {
    if (outcome.analysed) ++result.files_scanned;
    result.bytes_scanned += outcome.bytes;
    std::move(outcome.findings.begin(), outcome.findings.end(), std::back_inserter(result.findings));
    std::move(outcome.errors.begin(), outcome.errors.end(), std::back_inserter(result.errors));
  }
  std::sort(result.findings.begin(), result.findings.end(), finding_order);
  // Two rules can match one node the same way (an alias imported twice): keep one.
  result.findings.erase(std::unique(result.findings.begin(), result.findings.end(),
                                    [](const Finding& a, const Finding& b) {
                                      return !finding_order(a, b) && !finding_order(b, a);
                                    }),
                        result.findings.end());
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const InputError& a, const InputError& b) {
                     return std::tie(a.path, a.line) < std::tie(b.path, b.line);
                   });
  return result;
}

}  // namespace tpu
