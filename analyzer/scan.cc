// SPDX-License-Identifier: Apache-2.0
#include "analyzer/scan.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>

#include "analyzer/cache/result_cache.h"
#include "analyzer/cpp/rules/rule_families.h"
#include "analyzer/python/python_analyzer.h"
#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "analyzer/rule_registry.h"

namespace tpu {
namespace {

struct FileOutcome {
  std::vector<Finding> findings;
  std::vector<InputError> errors;
  python::PythonAnalysis analysis;
  uint64_t bytes = 0;
  bool analysed = false;
};

// What a first look at a Python file found, when the cache is on: its key and size, or why it
// cannot be read.
struct FileKey {
  std::optional<InputError> error;
  cache::Hash128 key;
  uint64_t bytes = 0;
};

FileKey key_file(const DiscoveredFile& file, const ScanOptions& options) {
  FileKey key;
  auto read = SourceFile::read_text(file.absolute, file.relative, options.limits);
  if (auto* error = std::get_if<InputError>(&read)) {
    key.error = std::move(*error);
    return key;
  }
  const std::string& text = std::get<std::string>(read);
  key.key = cache::file_key(file.relative, text);
  key.bytes = text.size();
  return key;
}

// A cached analysis holds every rule's findings and every style's fixes: --select/--ignore and
// the fix style apply here, to cached and fresh ones alike, and the repository-wide pass links
// them afterwards, whichever they were.
FileOutcome outcome_of(python::PythonAnalysis analysis, uint64_t bytes, const ScanOptions& options) {
  FileOutcome outcome;
  outcome.bytes = bytes;
  outcome.analysed = true;
  outcome.analysis = std::move(analysis);
  outcome.errors = std::move(outcome.analysis.errors);
  for (Finding& finding : outcome.analysis.findings) {
    const RuleMeta* rule = find_rule(finding.rule);
    if (rule != nullptr && options.filter.enabled(*rule))
      outcome.findings.push_back(std::move(finding));
  }
  outcome.analysis.findings.clear();
  python::keep_fixes_of_style(outcome.findings, options.target, options.fix_style);
  return outcome;
}

// Analyses one Python file, or takes its analysis from the cache. `known` is what a first look
// found (the file is then read only when its entry is missing); `changed` is set when the file
// is no longer what that look saw.
FileOutcome analyse_file(const DiscoveredFile& file, const ScanOptions& options, cache::PythonAnalysisCache* cache,
                         const FileKey* known, std::atomic<bool>& changed) {
  if (cache != nullptr && known != nullptr && !known->error)
    if (auto cached = cache->load(file.relative, known->key)) return outcome_of(std::move(*cached), known->bytes, options);
  auto read = SourceFile::read(file.absolute, file.relative, options.limits);
  if (auto* error = std::get_if<InputError>(&read)) {
    if (known != nullptr && !known->error) changed = true;
    FileOutcome outcome;
    outcome.errors.push_back(std::move(*error));
    return outcome;
  }
  const SourceFile& source = std::get<SourceFile>(read);
  cache::Hash128 key;
  if (cache != nullptr) {
    key = cache::file_key(source.path(), source.text());
    if (known != nullptr && (known->error || !(known->key == key))) changed = true;
    if (known == nullptr)
      if (auto cached = cache->load(source.path(), key)) return outcome_of(std::move(*cached), source.text().size(), options);
  }
  python::PythonAnalysis analysis = python::analyze_python(source, options.target);
  if (cache != nullptr) cache->store(source.path(), key, analysis);
  return outcome_of(std::move(analysis), source.text().size(), options);
}

// Runs work(k) for every k below `count` on up to `jobs` threads.
template <class Work>
void parallel_for(size_t count, unsigned jobs, Work work) {
  unsigned threads = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(count, 1)));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k = next++; k < count; k = next++) work(k);
  };
  if (threads <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> pool;
  for (unsigned j = 0; j < threads; ++j) pool.emplace_back(worker);
}

// The hash of every Python file's path and key (or unreadability), in discovery order.
cache::Hash128 tree_key(const std::vector<FileKey>& keys, const std::vector<DiscoveredFile>& files,
                        const std::vector<size_t>& python, const std::string& rules) {
  cache::KeyHasher hasher;
  hasher.add(rules);
  for (size_t k = 0; k < python.size(); ++k) {
    hasher.add(files[python[k]].relative);
    if (keys[k].error) hasher.add("unreadable");
    else hasher.add(keys[k].key);
  }
  return hasher.digest();
}

bool refers_to(std::string_view reference, const std::string& module) {
  if (reference == module) return true;
  return reference.size() > module.size() && reference.starts_with(module) &&
         reference[module.size()] == '.';
}

std::vector<std::string> declared_modules(const std::vector<FileOutcome>& outcomes) {
  std::vector<std::string> modules;
  for (const FileOutcome& outcome : outcomes)
    modules.insert(modules.end(), outcome.analysis.declared_extensions.begin(),
                   outcome.analysis.declared_extensions.end());
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
  return modules;
}

// What the inventory says of the op a Python call site reaches, keyed by the call's place.
std::map<std::tuple<std::string, uint32_t, uint32_t>, const cpp::InventoryOp*> ops_by_call(
    const cpp::Inventory& inventory) {
  std::map<std::tuple<std::string, uint32_t, uint32_t>, const cpp::InventoryOp*> by_call;
  for (const cpp::InventoryOp& op : inventory.ops)
    for (const cpp::InventoryCall& call : op.python_calls)
      by_call.emplace(std::make_tuple(call.at.path, call.at.line, call.at.column), &op);
  return by_call;
}

// Links Python code to the repository's own CUDA extensions: the modules that setup.py or
// cpp_extension.load declare, wherever the repository imports or calls them. When the
// inventory resolves the call to an op, the finding says what that op's C++ side is.
void link_extension_uses(std::vector<FileOutcome>& outcomes, const ScanOptions& options,
                         const std::vector<std::string>& modules, const cpp::Inventory& inventory) {
  const RuleMeta& rule = python::kExtensionModuleUse;
  if (!options.filter.enabled(rule)) return;
  if (modules.empty()) return;
  auto by_call = ops_by_call(inventory);
  for (FileOutcome& outcome : outcomes) {
    std::vector<const python::ModuleReference*> references;
    for (const python::ModuleReference& reference : outcome.analysis.references) references.push_back(&reference);
    for (const python::ModuleReference& reference : outcome.analysis.attribute_references)
      references.push_back(&reference);
    for (const python::ModuleReference* pointer : references) {
      const python::ModuleReference& reference = *pointer;
      for (const std::string& module : modules) {
        if (!refers_to(reference.qualified, module)) continue;
        Finding finding;
        finding.rule = std::string(rule.code);
        finding.category = rule.category;
        finding.severity = rule.severity;
        finding.location = reference.location;
        finding.symbol = reference.qualified;
        finding.message = (reference.is_import ? "import of `" : "use of `") + reference.qualified +
                          "`, from the repository's CUDA extension `" + module +
                          "`; on a TPU it breaks or takes its fallback: call the ported "
                          "implementation (Pallas or PyTorch ops)";
        auto op = by_call.find({reference.location.path, reference.location.line, reference.location.column});
        if (op != by_call.end())
          finding.message += "; its C++ op `" + op->second->name + "` " + op->second->explanation;
        if (!outcome.analysis.suppressions.suppresses(finding, rule.name))
          outcome.findings.push_back(std::move(finding));
        break;
      }
    }
  }
}

// A `_C` that the repository defines in Python (detectron2's config: `_C = CN()` in
// defaults.py, imported as `from .defaults import _C`) is no compiled module: the per-file rule
// cannot know that, the list of the repository's modules can.
//
// Likewise a bare module named like a compiled CUDA module (`import scaled_softmax_cuda`),
// which the per-file rule takes for a CUDA-only project's extension: when the repository has
// it as Python source it is none, and when the repository builds it (`modules`, from setup.py
// or cpp_extension.load) it is the repository's own extension, reported as such.
void drop_python_defined_extensions(std::vector<FileOutcome>& outcomes,
                                    const std::vector<std::string>& declared) {
  std::unordered_set<std::string> modules, plain_modules;  // every dotted suffix of each
  for (const FileOutcome& outcome : outcomes) {
    if (!outcome.analysed) continue;
    const std::string& name = outcome.analysis.helpers.module;
    bool package = outcome.analysis.helpers.path.ends_with("__init__.py");
    for (size_t begin = 0;;) {
      std::string suffix = name.substr(begin);
      modules.insert(suffix);
      if (!package) plain_modules.insert(suffix);
      size_t dot = name.find('.', begin);
      if (dot == std::string::npos) break;
      begin = dot + 1;
    }
  }
  std::unordered_set<std::string> built;  // declared extensions, by their last name too
  for (const std::string& module : declared) {
    built.insert(module);
    built.insert(module.substr(module.rfind('.') + 1));
  }
  const std::string rule(python::kExtensionModuleUse.code);
  for (FileOutcome& outcome : outcomes) {
    std::erase_if(outcome.findings, [&](const Finding& finding) {
      if (finding.rule == "TPU500" || finding.rule == "TPU501") {
        std::string root = finding.symbol.substr(0, finding.symbol.find('.'));
        return python::is_named_like_compiled_cuda_module(root) &&
               (modules.count(root) != 0 || built.count(root) != 0);
      }
      if (finding.rule != rule) return false;
      const std::string& symbol = finding.symbol;
      size_t at = symbol.find("._C");
      if (at == std::string::npos) return false;
      size_t end = symbol.find('.', at + 1);
      std::string compiled = symbol.substr(0, end);
      return plain_modules.count(symbol.substr(0, at)) != 0 || modules.count(compiled) != 0;
    });
  }
}

// The repository's own helpers: calls of a function whose body is a CUDA tie, across files.
// Over the parsed files' facts and findings, in discovery order (whatever --jobs was).
void link_helpers(std::vector<FileOutcome>& outcomes, const ScanOptions& options) {
  if (!options.filter.enabled(python::kHelperCall)) return;
  std::vector<python::HelperFile> files;
  for (FileOutcome& outcome : outcomes)
    if (outcome.analysed)
      files.push_back({&outcome.analysis.helpers, &outcome.findings, &outcome.analysis.suppressions});
  python::link_helper_calls(files);
}

// The severity of an op's binding finding follows the op's verdict (CUDA-only: blocker; a
// CPU kernel: warning; a composite: info), and its message says why.
void apply_verdicts(std::vector<Finding>& findings, const cpp::Inventory& inventory) {
  std::map<std::tuple<std::string, uint32_t, uint32_t>, const cpp::InventoryOp*> by_place;
  for (const cpp::InventoryOp& op : inventory.ops) by_place.emplace(std::make_tuple(op.at.path, op.at.line, op.at.column), &op);
  for (Finding& finding : findings) {
    if (std::find(std::begin(cpp::kOpBindingRules), std::end(cpp::kOpBindingRules), finding.rule) ==
        std::end(cpp::kOpBindingRules))
      continue;
    auto it = by_place.find({finding.location.path, finding.location.line, finding.location.column});
    if (it == by_place.end()) continue;
    finding.severity = it->second->severity;
    finding.message += "; verdict " + it->second->verdict + ": the op " + it->second->explanation;
  }
}

// One OpUse per op across the repository, with every call site (moved out of the outcomes).
std::vector<OpUse> aggregate_op_uses(std::vector<FileOutcome>& outcomes) {
  std::map<std::string, OpUse> by_op;
  for (FileOutcome& outcome : outcomes) {
    for (OpUse& use : outcome.analysis.op_uses) {
      auto it = by_op.find(use.op);
      if (it == by_op.end()) {
        std::string op = use.op;
        by_op.emplace(std::move(op), std::move(use));
        continue;
      }
      it->second.count += use.count;
      std::move(use.locations.begin(), use.locations.end(), std::back_inserter(it->second.locations));
    }
    outcome.analysis.op_uses.clear();
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
  std::vector<size_t> python;
  std::vector<DiscoveredFile> cpp_files;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].language == FileLanguage::Python) python.push_back(i);
    else cpp_files.push_back(files[i]);
  }
  std::optional<cache::PythonAnalysisCache> cache;
  if (options.cache.enabled && !python.empty()) cache.emplace(options.cache, root, options.target);
  unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> done{0};
  auto file_done = [&] {
    size_t finished = ++done;
    if (options.progress) options.progress(finished, files.size());
  };

  // With the cache and no C++ file (whose parse is not cached), the linked Python side of the
  // whole scan is one entry under the hash of every file's key: a re-scan with nothing changed
  // reads and hashes the files, and neither decodes their entries nor links them again.
  std::vector<FileKey> keys;
  std::optional<cache::Hash128> tree;
  std::string rules;
  std::optional<cache::LinkedPython> linked;
  if (cache && cpp_files.empty()) {
    keys.resize(python.size());
    parallel_for(python.size(), jobs, [&](size_t k) {
      keys[k] = key_file(files[python[k]], options);
      file_done();
    });
    // The linked findings show the fixes of one style: the style is part of their key.
    rules = cache::enabled_rules(options.filter) + ";style=" + options.fix_style;
    tree = tree_key(keys, files, python, rules);
    linked = cache->load_linked(rules, *tree);
  }

  cpp::CppScanOutcome cpp;
  if (linked) {
    for (FileKey& key : keys) {
      if (key.error) {
        result.errors.push_back(std::move(*key.error));
        continue;
      }
      ++result.files_scanned;
      result.bytes_scanned += key.bytes;
    }
  } else {
    std::atomic<bool> changed{false};
    parallel_for(python.size(), jobs, [&](size_t k) {
      outcomes[python[k]] = analyse_file(files[python[k]], options, cache ? &*cache : nullptr,
                                         keys.empty() ? nullptr : &keys[k], changed);
      if (keys.empty()) file_done();
    });

    // C++/CUDA: parsed by libclang (fast or deep), in parallel, each file under its time bound.
    cpp::CppScanOptions cpp_options;
    cpp_options.mode = options.cpp_mode;
    cpp_options.compile_commands_dir = options.compile_commands_dir;
    cpp_options.file_timeout_ms = options.cpp_file_timeout_ms;
    cpp_options.include_dirs = options.cpp_include_dirs;
    cpp_options.jobs = jobs;
    cpp_options.limits = options.limits;
    cpp_options.file_done = file_done;
    cpp = cpp::scan_cpp(cpp_files, root, cpp_options);

    // The inventory ties the extensions' ops to the Python code that calls them.
    std::vector<std::string> modules = declared_modules(outcomes);
    std::vector<cpp::PythonUse> uses;
    for (const FileOutcome& outcome : outcomes)
      for (const python::ModuleReference& reference : outcome.analysis.references)
        uses.push_back({reference.qualified, reference.location, reference.is_import});
    std::vector<const cpp::CppFileFacts*> facts;
    for (const cpp::CppFileOutcome& file : cpp.files)
      if (file.analysed) facts.push_back(&file.facts);
    if (!cpp_files.empty()) {
      result.inventory = cpp::build_inventory(facts, modules, uses);
      result.inventory.mode = cpp.mode;
    }
    result.cpp_stats.mode = cpp_files.empty() ? "" : cpp.mode;
    result.cpp_stats.flags_source = cpp.flags_source;

    link_extension_uses(outcomes, options, modules, result.inventory);
    drop_python_defined_extensions(outcomes, modules);
    link_helpers(outcomes, options);
    linked.emplace();
    linked->ops = aggregate_op_uses(outcomes);
    for (FileOutcome& outcome : outcomes) {
      if (outcome.analysed) ++result.files_scanned;
      result.bytes_scanned += outcome.bytes;
      std::move(outcome.findings.begin(), outcome.findings.end(), std::back_inserter(linked->findings));
      // What could not be read is no analysis: its error comes from each run's own reading.
      auto& errors = outcome.analysed ? linked->errors : result.errors;
      std::move(outcome.errors.begin(), outcome.errors.end(), std::back_inserter(errors));
    }
    // A file that changed while it was scanned must not leave its old key on the new results.
    if (tree && !changed) cache->store_linked(rules, *tree, *linked);
  }
  if (cache) result.cache_warning = cache->warning();
  result.ops = std::move(linked->ops);
  std::move(linked->findings.begin(), linked->findings.end(), std::back_inserter(result.findings));
  std::move(linked->errors.begin(), linked->errors.end(), std::back_inserter(result.errors));

  for (cpp::CppFileOutcome& file : cpp.files) {
    std::move(file.errors.begin(), file.errors.end(), std::back_inserter(result.errors));
    if (!file.analysed) continue;
    ++result.files_scanned;
    ++result.cpp_stats.files;
    if (file.had_tree) ++result.cpp_stats.with_tree;
    result.cpp_stats.parse_ms.push_back(file.parse_ms);
    result.bytes_scanned += file.bytes;
    apply_verdicts(file.findings, result.inventory);
    for (Finding& finding : file.findings) {
      const RuleMeta* rule = cpp::cpp_rule(finding.rule);
      if (rule != nullptr && options.filter.enabled(*rule)) result.findings.push_back(std::move(finding));
    }
  }
  std::move(cpp.errors.begin(), cpp.errors.end(), std::back_inserter(result.errors));

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
