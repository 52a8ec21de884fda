// SPDX-License-Identifier: Apache-2.0
// The repository's own helpers: a function, method or class defined in the repository whose
// body is a CUDA tie (it wraps autocast, a GradScaler, torch.cuda, DDP, a Triton kernel, the
// compiled extension) makes each call of it a tie, in the category of what it wraps — across
// files through the imports, and transitively. Each file contributes what it defines and what
// it calls (collected from its ModuleView while it is parsed); the repository-wide pass then
// links the two over the already-parsed files, with no second parse.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analyzer/core/finding.h"
#include "analyzer/core/rule.h"
#include "analyzer/core/suppressions.h"
#include "analyzer/python/module_view.h"

namespace tpu::python {

/// A module-level function or class, or a method of a module-level class.
struct HelperDefinition {
  std::string key;   ///< "pkg.mod.func", "pkg.mod.Class", "pkg.mod.Class.method"
  std::string name;  ///< "func", "Class", "Class.method"
  uint32_t begin_byte = 0, end_byte = 0;
  uint32_t line = 0, end_line = 0;
  bool is_class = false;
  int owner = -1;  ///< a method's class (index into the file's definitions)
};

/// A call that may reach one of the repository's definitions.
struct HelperCall {
  std::vector<std::string> keys;  ///< what the callee may be, most specific first
  Location location;
  int caller = -1;  ///< the innermost definition holding the call, -1 at module level
  bool self_call = false;  ///< `self.method()` inside the method's own class
};

struct HelperFacts {
  std::string module;  ///< "pkg.mod"
  std::string path;    ///< "pkg/mod.py", for messages
  std::vector<HelperDefinition> definitions;
  std::vector<HelperCall> calls;
  /// Module-level names bound by `from x import y [as z]`: (local name, qualified name), so
  /// that a package's `__init__` re-exports resolve.
  std::vector<std::pair<std::string, std::string>> exports;
};

/// True for a file in a folder for another accelerator (`backends/xpu/ops.py`, `npu/…`):
/// code written for it is no CUDA tie, whatever words it shares with CUDA code.
bool is_other_accelerator_path(std::string_view path);

HelperFacts collect_helper_facts(const ModuleView& view, const std::string& module);

/// One parsed file as the repository-wide pass sees it: its facts, and its findings so far
/// (sorted or not), to which the pass appends the helper calls it finds.
struct HelperFile {
  const HelperFacts* facts = nullptr;
  std::vector<Finding>* findings = nullptr;
  const Suppressions* suppressions = nullptr;
};

/// Links calls to tied helpers across `files` (in a fixed order, so the result does not
/// depend on how many threads parsed them) and appends one finding per call site.
void link_helper_calls(const std::vector<HelperFile>& files);

extern const RuleMeta kHelperCall;

}  // namespace tpu::python
