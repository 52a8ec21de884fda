// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/repository_helpers.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace tpu::python {

constexpr RuleMeta kHelperCallMeta = {
    .code = "TPU150", .name = "repository-helper-call", .category = Category::CudaApi,
    .severity = Severity::Warning, .language = Language::Python, .fix_sites = "",
    .fix_title = "",
    .summary = "a call of the repository's own helper whose body is a CUDA tie (the finding's "
               "category is that of what the helper wraps)",
    .rationale = "A helper that wraps autocast, a GradScaler, torch.cuda, DDP, a Triton kernel or "
                 "the compiled extension carries its tie to every caller: each call site runs "
                 "the CUDA path, across files and through other helpers.",
    .tpu_way = "Port the helper once (the finding names it and the line inside it); the call "
               "sites then follow, or pass the TPU variant where the helper is chosen.",
    .before = "def autocast_ctx():\n    return torch.autocast(\"cuda\")\n...\nwith autocast_ctx():",
    .after = "def autocast_ctx():\n    return torch.autocast(\"xla\", dtype=torch.bfloat16)"};
const RuleMeta kHelperCall = kHelperCallMeta;

namespace {

// Modules outside the repository: their calls never reach a repository definition. (CUDA
// libraries such as apex are repositories the scan runs on: their own calls must resolve.)
bool is_outside_module(std::string_view qualified) {
  std::string_view root = qualified.substr(0, qualified.find('.'));
  for (std::string_view known :
       {"torch", "numpy", "os", "sys", "typing", "math", "re", "json", "logging", "collections",
        "functools", "itertools", "dataclasses", "pathlib", "argparse", "time", "warnings", "copy",
        "inspect", "abc", "enum", "random", "subprocess", "shutil", "contextlib", "triton",
        "transformers", "jax", "tensorflow", "pytest", "unittest"})
    if (root == known) return true;
  return false;
}

// The module-level class that holds `function_node` (a method), or null.
TSNode enclosing_class(TSNode function_node) {
  TSNode up = ts_node_parent(function_node);
  if (is(up, "decorated_definition")) up = ts_node_parent(up);
  if (!is(up, "block")) return TSNode{};
  TSNode owner = ts_node_parent(up);
  if (!is(owner, "class_definition")) return TSNode{};
  TSNode outer = ts_node_parent(owner);
  if (is(outer, "decorated_definition")) outer = ts_node_parent(outer);
  return is(outer, "module") ? owner : TSNode{};
}

// The class (qualified) that `value` constructs, `Loader(…)` or `utils.Loader(…)`, or empty.
// A class is known by its capitalised name.
std::string constructed_class(const ModuleView& view, TSNode value,
                              const std::set<std::string_view>& defined, const std::string& prefix) {
  value = unparenthesize(value);
  if (!is(value, "call")) return {};
  TSNode callee = field(value, "function");
  std::string_view spelled = view.text(callee);
  std::string_view last = spelled.substr(spelled.rfind('.') + 1);
  if (last.empty() || !std::isupper(static_cast<unsigned char>(last[0]))) return {};
  if (is(callee, "identifier") && defined.count(spelled) != 0) return prefix + std::string(spelled);
  std::string qualified = view.qualify(callee);
  return qualified.empty() || is_outside_module(qualified) ? std::string() : qualified;
}

// `logger = utils.MetricLogger(...)` then `logger.log_every(...)`: the class (qualified) of
// the instance a method is called on, when the receiver is a name assigned from a constructor
// call in the same scope; empty otherwise.
std::string instance_class(const ModuleView& view, const Call& call,
                           const std::set<std::string_view>& defined, const std::string& prefix) {
  if (!call.is_method_call() || !is(call.receiver, "identifier")) return {};
  TSNode value =
      view.assigned_value(view.text(call.receiver), call.context, ts_node_start_byte(call.node));
  return constructed_class(view, value, defined, prefix);
}

}  // namespace

HelperFacts collect_helper_facts(const ModuleView& view, const std::string& module) {
  HelperFacts facts;
  facts.module = module;
  facts.path = std::string(view.file().path());
  const std::string prefix = module.empty() ? std::string() : module + ".";
  const auto& functions = view.functions();
  std::vector<int> definition_of(functions.size(), -1);  // function -> definition
  std::map<uint32_t, int> class_at;                        // class start byte -> definition
  // A function nested in a definition (`def finish(): …` inside `initialize()`), called in the
  // enclosing function: (enclosing function, name) -> definition.
  std::map<std::pair<int, std::string_view>, int> nested;
  for (size_t i = 0; i < functions.size(); ++i) {
    const FunctionInfo& function = functions[i];
    if (function.parent != -1) {
      int outer = definition_of[function.parent];
      TSNode up = ts_node_parent(function.node);
      if (is(up, "decorated_definition")) up = ts_node_parent(up);
      if (outer < 0 || !is(up, "block") || !is(ts_node_parent(up), "function_definition")) continue;
      HelperDefinition definition;
      definition.begin_byte = ts_node_start_byte(function.node);
      definition.end_byte = ts_node_end_byte(function.node);
      definition.line = ts_node_start_point(function.node).row + 1;
      definition.end_line = ts_node_end_point(function.node).row + 1;
      definition.name = facts.definitions[outer].name + ".<locals>." + function.name;
      definition.key = prefix + definition.name;
      definition_of[i] = static_cast<int>(facts.definitions.size());
      nested.emplace(std::make_pair(function.parent, std::string_view(function.name)),
                     definition_of[i]);
      facts.definitions.push_back(std::move(definition));
      continue;
    }
    HelperDefinition definition;
    definition.begin_byte = ts_node_start_byte(function.node);
    definition.end_byte = ts_node_end_byte(function.node);
    definition.line = ts_node_start_point(function.node).row + 1;
    definition.end_line = ts_node_end_point(function.node).row + 1;
    if (function.class_name.empty()) {
      // A module-level function (its parent is the module, perhaps through a decorator).
      TSNode up = ts_node_parent(function.node);
      if (is(up, "decorated_definition")) up = ts_node_parent(up);
      if (!is(up, "module")) continue;
      definition.name = function.name;
    } else {
      TSNode owner = enclosing_class(function.node);
      if (is_null(owner)) continue;
      uint32_t start = ts_node_start_byte(owner);
      auto it = class_at.find(start);
      if (it == class_at.end()) {
        HelperDefinition type;
        type.name = std::string(view.text(field(owner, "name")));
        type.key = prefix + type.name;
        type.begin_byte = start;
        type.end_byte = ts_node_end_byte(owner);
        type.line = ts_node_start_point(owner).row + 1;
        type.end_line = ts_node_end_point(owner).row + 1;
        type.is_class = true;
        facts.definitions.push_back(std::move(type));
        it = class_at.emplace(start, static_cast<int>(facts.definitions.size()) - 1).first;
      }
      definition.owner = it->second;
      definition.name = facts.definitions[it->second].name + "." + function.name;
    }
    definition.key = prefix + definition.name;
    definition_of[i] = static_cast<int>(facts.definitions.size());
    facts.definitions.push_back(std::move(definition));
  }
  if (facts.definitions.empty() && view.imports().empty()) return facts;

  std::set<std::string_view> defined;  // module-level names and "Class.method" names
  for (const HelperDefinition& definition : facts.definitions) defined.insert(definition.name);
  // The innermost definition holding a function (a method of a nested class has none).
  auto caller_of = [&](int function) {
    while (function >= 0 && definition_of[function] < 0) function = functions[function].parent;
    return function < 0 ? -1 : definition_of[function];
  };
  // The method holding a function, through the functions nested in it, or -1.
  auto method_of = [&](int function) {
    for (; function >= 0; function = functions[function].parent)
      if (int d = definition_of[function]; d >= 0 && facts.definitions[d].owner >= 0) return d;
    return -1;
  };
  // The nested definition a bare name called in `function` refers to, or -1.
  auto nested_definition = [&](int function, std::string_view name) {
    for (; function >= 0; function = functions[function].parent)
      if (auto it = nested.find({function, name}); it != nested.end()) return it->second;
    return -1;
  };
  // `sigmoid_focal_loss = SigmoidFocalLossFunction.apply`, `fused = _fused_impl`: module-level
  // names for a definition of this file are that definition.
  std::vector<std::string> aliases;
  for (const Assignment& assignment : view.assignments()) {
    if (assignment.context.function != -1 || !is(assignment.left, "identifier")) continue;
    TSNode right = unparenthesize(assignment.right);
    if (is(right, "call")) {
      // `multi_tensor_applier = MultiTensorApply(2048 * 32)`: a module-level instance of a
      // class; calling the instance runs the class's code, so it carries the class's tie.
      TSNode callee = field(right, "function");
      std::string_view name = view.text(callee);
      std::string qualified;
      if (is(callee, "identifier") && defined.count(name) != 0) {
        auto it = std::find_if(facts.definitions.begin(), facts.definitions.end(),
                               [&](const HelperDefinition& d) { return d.name == name; });
        if (it != facts.definitions.end() && it->is_class) qualified = prefix + std::string(name);
      } else if (is(callee, "identifier") && !name.empty() && std::isupper(static_cast<unsigned char>(name[0]))) {
        qualified = view.qualify(callee);  // an imported class (by its capitalised name)
        if (is_outside_module(qualified)) qualified.clear();
      }
      if (qualified.empty()) continue;
      std::string local(view.text(assignment.left));
      facts.exports.emplace_back(local, std::move(qualified));
      aliases.push_back(std::move(local));
      continue;
    }
    std::string_view target = view.text(right);
    if (is(right, "attribute") && target.ends_with(".apply")) target.remove_suffix(6);
    if (!is(right, "identifier") && !is(right, "attribute")) continue;
    if (defined.count(target) == 0 || target.find('.') != std::string_view::npos) continue;
    std::string local(view.text(assignment.left));
    facts.exports.emplace_back(local, prefix + std::string(target));
    aliases.push_back(std::move(local));
  }
  for (const std::string& alias : aliases) defined.insert(alias);
  // `self.loader = Loader()` in a method: (class definition, "self.loader") -> the class of the
  // instance, so that `self.loader(x)` and `self.loader.read()` in its other methods resolve.
  std::map<std::pair<int, std::string_view>, std::string> self_instances;
  for (const Assignment& assignment : view.assignments()) {
    if (assignment.context.function < 0 || !is(assignment.left, "attribute")) continue;
    std::string_view left = view.text(assignment.left);
    if (!left.starts_with("self.") || left.find('.', 5) != std::string_view::npos) continue;
    int method = method_of(assignment.context.function);
    if (method < 0) continue;
    std::string type = constructed_class(view, assignment.right, defined, prefix);
    if (!type.empty()) self_instances.emplace(std::make_pair(facts.definitions[method].owner, left), type);
  }
  for (const Call& call : view.calls()) {
    std::vector<std::string> keys;
    bool self_call = false;
    int caller = caller_of(call.context.function);
    TSNode callee = unparenthesize(call.function);
    bool launch = is(callee, "subscript");
    if (launch) callee = field(callee, "value");  // kernel[grid](…)
    bool apply = call.method == "apply" && !is_null(call.receiver);
    std::string_view spelled = apply ? view.text(call.receiver) : view.text(callee);
    // The walk qualified the callee already; only a launch or an `.apply` needs another name.
    std::string qualified = launch ? view.qualify(callee)
                            : apply ? view.qualify(call.receiver)
                                    : call.qualified;
    int local = launch || apply || !is(callee, "identifier") || nested.empty()
                    ? -1
                    : nested_definition(call.context.function, spelled);
    if (local >= 0) {
      keys.push_back(facts.definitions[local].key);
    } else if (!qualified.empty()) {
      if (!is_outside_module(qualified)) keys.push_back(std::move(qualified));
    } else if (std::string type = instance_class(view, call, defined, prefix); !type.empty()) {
      keys.push_back(type + "." + call.method);
    } else if (defined.count(spelled) != 0 && spelled.find('.') == std::string_view::npos) {
      keys.push_back(prefix + std::string(spelled));
    } else if (int method = method_of(call.context.function);
               spelled.starts_with("self.") && method >= 0) {
      std::string name = facts.definitions[facts.definitions[method].owner].name + "." +
                         std::string(spelled.substr(5));
      if (defined.count(name) != 0) keys.push_back(prefix + name);
      self_call = !keys.empty();
      if (keys.empty() && !self_instances.empty()) {
        // `self.loader(x)` calls the instance's __call__ (not a sub-module's forward: a model
        // calling its layers is no helper call); `self.loader.read()` one of its methods.
        int owner = facts.definitions[method].owner;
        if (auto it = self_instances.find({owner, spelled}); it != self_instances.end()) {
          keys.push_back(it->second + ".__call__");
        } else if (call.is_method_call()) {
          auto held = self_instances.find({owner, view.text(call.receiver)});
          if (held != self_instances.end()) keys.push_back(held->second + "." + call.method);
        }
      }
    }
    if (keys.empty()) continue;
    facts.calls.push_back(HelperCall{std::move(keys), view.location(call.node), caller, self_call});
  }
  for (const Import& import : view.imports()) {
    if (import.context.function != -1) continue;
    TSNode local = is(import.node, "aliased_import") ? field(import.node, "alias") : import.node;
    std::string_view name = view.text(local);
    if (name.find('.') != std::string_view::npos || import.module == name) continue;
    facts.exports.emplace_back(std::string(name), import.module);
  }
  return facts;
}

namespace {

struct Tie {
  Category category;
  uint32_t line = 0;        ///< the line inside the helper
  std::string what;         ///< what it wraps: a finding's symbol, or another helper's name
};

struct Target {
  size_t file = 0;
  size_t definition = 0;
};

// What a helper passes on to its callers: what it wraps — CUDA mixed precision, the CUDA
// runtime, a process group or DDP wrap, a Triton kernel or CUDA library, the compiled
// extension, CUDA graphs. A device string, a flag, a data-loading option or a dynamic shape
// inside it is fixed in the helper; its callers need not change.
bool passes_on(const Finding& finding) {
  switch (finding.category) {
    case Category::DevicePlacement:
      return finding.rule == "TPU101";  // a helper that moves data with .cuda() (move_to_cuda)
    case Category::ThirdPartyCudaLib:
      // Importing a library (often guarded, for an optional path) is not wrapping it; calls are.
      return finding.rule != "TPU500";
    case Category::CudaApi:  // also queries: an is_cuda_available()-style wrapper is a tie
    case Category::Amp:
    case Category::CustomExtension:
    case Category::TorchCompile:
      // Plain torch.compile is a judgement call; "inductor" written as a value (a parameter
      // default) is chosen where it is written, and a caller may pass another backend.
      return finding.rule != "TPU700" && !(finding.rule == "TPU703" && finding.symbol == "inductor");
    case Category::Distributed:
      // DDP wraps and process-group setup; not a "nccl" comparison or a LOCAL_RANK read.
      return finding.rule == "TPU207" || finding.rule == "TPU201" || finding.rule == "TPU206";
    default:
      return false;
  }
}

// When a helper wraps several ties, the most specific names its category: the compiled
// extension over a CUDA library over AMP over a process group over CUDA graphs over a
// torch.cuda query (an availability check is often only the guard around the real tie).
int specificity(Category category) {
  switch (category) {
    case Category::CustomExtension: return 6;
    case Category::ThirdPartyCudaLib: return 5;
    case Category::Amp: return 4;
    case Category::Distributed: return 3;
    case Category::TorchCompile: return 2;
    case Category::DevicePlacement: return 1;
    default: return 0;
  }
}

// A class this long is a model or a framework, not a wrapper: its ties stay inside it.
constexpr uint32_t kMaxHelperClassLines = 120;

// A class is a tie at its constructor or `.apply` when what it wraps is a kernel: a Triton
// kernel, the compiled extension, a CUDA-only library, an inductor/graph API.
bool passes_on_from_class(const HelperDefinition& definition, Category category) {
  if (category == Category::ThirdPartyCudaLib || category == Category::CustomExtension ||
      category == Category::TorchCompile)
    return true;
  // A small class around CUDA streams or queries (a data prefetcher) carries them too.
  return category == Category::CudaApi &&
         definition.end_line - definition.line + 1 <= kMaxHelperClassLines;
}

// The same for a finding inside the class: also a small class that builds a GradScaler (a
// loss-scaler wrapper, `NativeScaler(device="cuda")`) is the AMP choice at its constructor.
// Autocast in a small module's forward is not: building the module chooses no precision.
bool passes_on_from_class(const HelperDefinition& definition, const Finding& finding) {
  if (finding.category == Category::Amp && finding.rule == "TPU121")
    return definition.end_line - definition.line + 1 <= kMaxHelperClassLines;
  return passes_on_from_class(definition, finding.category);
}

// Lookups by std::string_view without building a std::string (C++20 heterogeneous lookup).
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// The keys are views into the files' facts, which outlive the pass: a tree of 100,000
// definitions allocates nothing for them.
class Resolver {
 public:
  explicit Resolver(const std::vector<HelperFile>& files) {
    size_t definitions = 0, exports = 0;
    for (const HelperFile& file : files) {
      definitions += file.facts->definitions.size();
      exports += file.facts->exports.size();
    }
    by_key_.reserve(definitions);
    by_last_two_.reserve(definitions);
    exports_.reserve(exports);
    for (size_t f = 0; f < files.size(); ++f) {
      const HelperFacts& facts = *files[f].facts;
      for (const auto& [local, qualified] : facts.exports)
        exports_.insert_or_assign(facts.module + "." + local, std::string_view(qualified));
      for (size_t d = 0; d < facts.definitions.size(); ++d) {
        std::string_view key = facts.definitions[d].key;
        by_key_.emplace(key, Target{f, d});
        // Reached by a suffix of two names or more (below): indexed once, by its last two.
        if (std::count(key.begin(), key.end(), '.') >= 2)
          by_last_two_.emplace(last_two(key), Indexed{key, Target{f, d}});
      }
    }
  }

  std::optional<Target> resolve(std::string_view key, int depth = 0) const {
    if (depth > 4) return std::nullopt;
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    if (auto it = exports_.find(key); it != exports_.end() && it->second != key)
      return resolve(it->second, depth + 1);
    // `from pkg import helper` where pkg/__init__.py re-exports it; also `pkg.helper.method`.
    for (size_t dot = key.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = key.rfind('.', dot - 1)) {
      if (auto it = exports_.find(key.substr(0, dot)); it != exports_.end() && it->second != key)
        return resolve(std::string(it->second).append(key.substr(dot)), depth + 1);
      if (dot == 0) break;
    }
    return by_suffix(key);
  }

 private:
  // The last two dotted names of `key` (all of it when it has one dot).
  static std::string_view last_two(std::string_view key) {
    size_t last = key.rfind('.');
    size_t before = last == 0 || last == std::string_view::npos ? std::string_view::npos : key.rfind('.', last - 1);
    return before == std::string_view::npos ? key : key.substr(before + 1);
  }

  // "src.pkg.mod.f" is also reached as "pkg.mod.f" and "mod.f" (installed packages, scripts run
  // from a sub-folder): by a suffix of two names or more, when one definition alone has it.
  std::optional<Target> by_suffix(std::string_view suffix) const {
    if (suffix.find('.') == std::string_view::npos) return std::nullopt;
    std::optional<Target> found;
    auto [begin, end] = by_last_two_.equal_range(last_two(suffix));
    for (auto it = begin; it != end; ++it) {
      std::string_view key = it->second.key;
      if (key.size() <= suffix.size() || !key.ends_with(suffix) || key[key.size() - suffix.size() - 1] != '.')
        continue;
      if (found) return std::nullopt;  // ambiguous
      found = it->second.target;
    }
    return found;
  }

  std::unordered_map<std::string_view, Target> by_key_;
  struct Indexed {
    std::string_view key;
    Target target;
  };
  std::unordered_multimap<std::string_view, Indexed> by_last_two_;
  std::unordered_map<std::string, std::string_view, ViewHash, std::equal_to<>> exports_;
};

}  // namespace

bool is_other_accelerator_path(std::string_view path) {
  for (size_t begin = 0; begin < path.size();) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) break;  // the file name itself is not a folder
    std::string_view folder = path.substr(begin, end - begin);
    for (std::string_view accelerator : {"xpu", "npu", "mlu", "musa", "mps", "hip", "rocm",
                                         "dipu", "hpu", "ascend", "habana", "neuron", "tpu", "xla"})
      if (folder == accelerator) return true;
    begin = end + 1;
  }
  return false;
}

void link_helper_calls(const std::vector<HelperFile>& files) {
  Resolver resolver(files);
  // Direct ties: inside each definition, the most specific finding, then the first by line,
  // then the first in the file's order. A definition's findings are found by a binary search
  // of the file's findings by start, not by a pass over all of them (a modeling file holds
  // thousands of definitions and findings).
  std::vector<std::vector<std::optional<Tie>>> ties(files.size());
  std::vector<std::pair<uint32_t, size_t>> starts;  // (begin byte, index) of findings that pass on
  for (size_t f = 0; f < files.size(); ++f) {
    const HelperFacts& facts = *files[f].facts;
    ties[f].resize(facts.definitions.size());
    if (facts.definitions.empty()) continue;
    const std::vector<Finding>& findings = *files[f].findings;
    starts.clear();
    for (size_t i = 0; i < findings.size(); ++i)
      if (passes_on(findings[i])) starts.emplace_back(findings[i].location.begin_byte, i);
    std::sort(starts.begin(), starts.end());
    for (size_t d = 0; d < facts.definitions.size(); ++d) {
      const HelperDefinition& definition = facts.definitions[d];
      std::optional<Tie>& tie = ties[f][d];
      size_t tie_index = 0;
      for (auto it = std::lower_bound(starts.begin(), starts.end(), std::make_pair(definition.begin_byte, size_t{0}));
           it != starts.end() && it->first < definition.end_byte; ++it) {
        const Finding& finding = findings[it->second];
        // A function of any length passes its ties on (a long setup routine is a helper
        // too); a class only what makes it a kernel wrapper.
        if (definition.is_class && !passes_on_from_class(definition, finding)) continue;
        int rank = specificity(finding.category);
        bool better = !tie || rank > specificity(tie->category) ||
                      (rank == specificity(tie->category) &&
                       (finding.location.line < tie->line ||
                        (finding.location.line == tie->line && it->second < tie_index)));
        if (!better) continue;
        tie = Tie{finding.category, finding.location.line, finding.symbol};
        tie_index = it->second;
      }
    }
  }
  // Resolve each call once.
  std::vector<std::vector<std::optional<Target>>> targets(files.size());
  for (size_t f = 0; f < files.size(); ++f)
    for (const HelperCall& call : files[f].facts->calls) {
      std::optional<Target> target;
      for (const std::string& key : call.keys)
        if ((target = resolver.resolve(key))) break;
      targets[f].push_back(target);
    }
  // Transitively: a helper that calls a tied helper is tied, in that helper's category. Files
  // and calls are visited in a fixed order, so the category chosen does not depend on --jobs.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t f = 0; f < files.size(); ++f) {
      const HelperFacts& facts = *files[f].facts;
      for (size_t c = 0; c < facts.calls.size(); ++c) {
        const HelperCall& call = facts.calls[c];
        const std::optional<Target>& target = targets[f][c];
        if (call.caller < 0 || !target) continue;
        const std::optional<Tie>& callee_tie = ties[target->file][target->definition];
        std::optional<Tie>& caller_tie = ties[f][call.caller];
        if (!callee_tie || caller_tie) continue;
        const HelperDefinition& caller = facts.definitions[call.caller];
        if (caller.is_class) continue;
        const HelperDefinition& callee = files[target->file].facts->definitions[target->definition];
        caller_tie = Tie{callee_tie->category, call.location.line, callee.name};
        changed = true;
        // A method that now runs a kernel makes a small class a kernel wrapper too (a loss
        // module whose forward calls a tied autograd Function): its constructor is a tie. Not
        // through __init__: building a tied sub-module runs no kernel, and a model that builds
        // its blocks is no wrapper.
        const HelperDefinition* owner = caller.owner >= 0 ? &facts.definitions[caller.owner] : nullptr;
        if (owner != nullptr && !ties[f][caller.owner] && !caller.name.ends_with(".__init__") &&
            owner->end_line - owner->line + 1 <= kMaxHelperClassLines &&
            passes_on_from_class(*owner, callee_tie->category))
          ties[f][caller.owner] = Tie{callee_tie->category, call.location.line, callee.name};
      }
    }
  }
  // One finding per call of a tied helper, unless its line already has one in that category.
  for (size_t f = 0; f < files.size(); ++f) {
    const HelperFacts& facts = *files[f].facts;
    if (is_other_accelerator_path(facts.path)) continue;
    std::set<std::pair<uint32_t, Category>> present;
    for (const Finding& finding : *files[f].findings)
      present.emplace(finding.location.line, finding.category);
    for (size_t c = 0; c < facts.calls.size(); ++c) {
      const std::optional<Target>& target = targets[f][c];
      if (!target) continue;
      const std::optional<Tie>& tie = ties[target->file][target->definition];
      if (!tie) continue;
      const HelperCall& call = facts.calls[c];
      if (target->file == f && static_cast<int>(target->definition) == call.caller) continue;
      // `self.helper()` inside the class that defines it: the class is ported as a whole.
      if (call.self_call) continue;
      const HelperDefinition& called = files[target->file].facts->definitions[target->definition];
      // An entry point called at module level (`main()` under `if __name__ == "__main__":`)
      // is the program, not a helper.
      if (call.caller < 0 && (called.name == "main" || called.name.ends_with("_main"))) continue;
      if (!present.emplace(call.location.line, tie->category).second) continue;
      const HelperFacts& owner = *files[target->file].facts;
      const HelperDefinition& helper = owner.definitions[target->definition];
      Finding finding;
      finding.rule = std::string(kHelperCall.code);
      finding.category = tie->category;
      finding.severity = kHelperCall.severity;
      finding.location = call.location;
      finding.symbol = helper.name;
      finding.message = "calls the repository's helper `" + helper.name + "` (" + owner.path +
                        ":" + std::to_string(helper.line) + "), which wraps `" + tie->what +
                        "` at line " + std::to_string(tie->line) + ": a " +
                        std::string(to_string(tie->category)) +
                        " tie at every call; port the helper once";
      if (files[f].suppressions == nullptr ||
          !files[f].suppressions->suppresses(finding, kHelperCall.name))
        files[f].findings->push_back(std::move(finding));
    }
  }
}

}  // namespace tpu::python
