// SPDX-License-Identifier: Apache-2.0
#include "analyzer/python/python_analyzer.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "analyzer/python/rules/rule_families.h"
#include "analyzer/python/rules/rule_helpers.h"
#include "analyzer/rule_registry.h"
#include "opdb/rewrite_map.h"

namespace tpu::python {
namespace {

// Modules that are never a repository's own compiled extension; references to them are
// not kept for the repository-wide pass.
bool is_well_known_root(std::string_view qualified) {
  std::string_view root = qualified.substr(0, qualified.find('.'));
  for (std::string_view known : {"torch", "numpy", "os", "sys", "typing", "math", "re", "json",
                                 "logging", "collections", "functools", "itertools", "dataclasses",
                                 "pathlib", "argparse", "time", "warnings", "copy", "inspect",
                                 "abc", "enum", "random", "subprocess", "shutil", "contextlib"})
    if (root == known) return true;
  return false;
}

void collect_references(const ModuleView& view, std::vector<ModuleReference>& references) {
  for (const Import& import : view.imports())
    if (!is_well_known_root(import.module))
      references.push_back(ModuleReference{import.module, true, view.location(import.node)});
  for (const Call& call : view.calls())
    if (!call.qualified.empty() && !is_well_known_root(call.qualified))
      references.push_back(ModuleReference{call.qualified, false, view.location(call.node)});
}

// A module named the way compiled extensions are (amp_C, fused_layer_norm_cuda, _ext).
bool named_like_extension(std::string_view module) {
  std::string_view last = module.substr(module.rfind('.') + 1);
  return last.ends_with("_C") || last.ends_with("_cuda") || last.ends_with("_ext") ||
         last.starts_with("_C");
}

// `amp_C.multi_tensor_adam` read as a value (handed to a multi-tensor applier): a reference
// to the compiled module that is not a call. Found by searching the file for the import's
// local name followed by a dot; only for modules named like extensions, so it costs nothing
// on files that import none.
void collect_attribute_references(const ModuleView& view, TSNode root,
                                  std::vector<ModuleReference>& references) {
  for (const Import& import : view.imports()) {
    if (is_well_known_root(import.module) || !named_like_extension(import.module)) continue;
    TSNode local = is(import.node, "aliased_import") ? field(import.node, "alias") : import.node;
    std::string_view name = view.text(local);
    if (name.find('.') != std::string_view::npos) continue;  // `import a.b`: not a local name
    view.for_each_dotted_use(root, name, [&](TSNode attribute) {
      TSNode parent = ts_node_parent(attribute);
      if (is(parent, "call") && ts_node_eq(field(parent, "function"), attribute)) return;
      references.push_back(ModuleReference{
          import.module + "." + std::string(view.text(field(attribute, "attribute"))), false,
          view.location(attribute)});
    });
  }
}

}  // namespace

namespace {

// Whether a finding has a mechanical fix, and how safe it is, is the rewrite map's to say: the
// rule names the fix site, and the map has a row for it on this target (in the default portable
// style, else the direct one) or not. So the scan's "fix" and the rewriter never disagree.
void resolve_fixes(std::vector<Finding>& findings, const std::string& target) {
  // The rewrite map has the two TPU targets; a scan for another (op coverage on ascend, xpu,
  // mps) describes the default target's fixes.
  std::string_view profile = target == opdb::kXlaTarget ? opdb::kXlaTarget : opdb::kDefaultTarget;
  for (Finding& finding : findings) {
    if (!finding.fix || !finding.fix->edits.empty()) continue;
    const opdb::RewriteRow* row = nullptr;
    if (finding.fix->site) {
      row = opdb::find_rewrite(finding.fix->site->key, profile, "portable");
      if (row == nullptr) row = opdb::find_rewrite(finding.fix->site->key, profile, "direct");
    }
    if (row == nullptr) {
      finding.fix.reset();
      continue;
    }
    finding.fix->applicability = row->unsafe ? Applicability::Unsafe : Applicability::Safe;
  }
}

// The rewrite map's target for `target`: a scan for another (op coverage on ascend, xpu, mps)
// describes the default target's fixes.
std::string_view fix_profile(const std::string& target) {
  return target == opdb::kXlaTarget ? opdb::kXlaTarget : opdb::kDefaultTarget;
}

}  // namespace

void keep_fixes_of_style(std::vector<Finding>& findings, const std::string& target, std::string_view style) {
  for (Finding& finding : findings) {
    if (!finding.fix || !finding.fix->site) continue;
    const opdb::RewriteRow* row = opdb::find_rewrite(finding.fix->site->key, fix_profile(target), style);
    if (row == nullptr) {
      finding.fix.reset();
      continue;
    }
    finding.fix->applicability = row->unsafe ? Applicability::Unsafe : Applicability::Safe;
  }
}

PythonAnalysis analyze_python(const SourceFile& file, const std::string& target) {
  PythonAnalysis analysis;
  TreePtr tree = parse_python(file.text());
  if (!tree) {
    analysis.errors.push_back(InputError{file.path(), 0, "the Python parser gave up on this file"});
    return analysis;
  }
  TSNode root = ts_tree_root_node(tree.get());
  const std::string view_module_name = module_name_of(file.path());
  ModuleView view(file, root, view_module_name);
  if (view.first_error_line() != 0)
    analysis.errors.push_back(InputError{
        file.path(), view.first_error_line(),
        "syntax error; findings in the rest of the file are still reported"});
  if (view.too_deep_line() != 0)
    analysis.errors.push_back(InputError{
        file.path(), view.too_deep_line(),
        "nesting deeper than " + std::to_string(ModuleView::kMaxDepth) +
            " levels; the deeper code was not analysed"});

  DeviceTracker devices(view);
  CudaMentions mentions(view, root);
  std::vector<Finding> findings;
  RuleContext context(view, devices, mentions, target, findings);
  for (const RuleFamily& family : python_rule_families()) family.check(context);
  // Code for another accelerator keeps its op uses (op coverage) but has no CUDA tie.
  if (is_other_accelerator_path(file.path()))
    std::erase_if(findings, [](const Finding& finding) {
      return finding.category != Category::UnsupportedOp;
    });

  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.begin_byte, a.location.end_byte, a.rule) <
           std::tie(b.location.begin_byte, b.location.end_byte, b.rule);
  });
  resolve_fixes(findings, target);
  for (const auto& [line, comment] : view.comments()) analysis.suppressions.add_comment(line, comment);
  for (Finding& finding : findings) {
    const RuleMeta* rule = find_rule(finding.rule);
    if (!analysis.suppressions.suppresses(finding, rule ? rule->name : std::string_view()))
      analysis.findings.push_back(std::move(finding));
  }
  analysis.declared_extensions = std::move(context.declared_extensions);
  collect_references(view, analysis.references);
  collect_attribute_references(view, root, analysis.attribute_references);
  analysis.helpers = collect_helper_facts(view, view_module_name);
  analysis.op_uses = std::move(context.op_uses);
  return analysis;
}

Suppressions read_suppressions(const SourceFile& file) {
  Suppressions suppressions;
  TreePtr tree = parse_python(file.text());
  if (!tree) return suppressions;
  ModuleView view(file, ts_tree_root_node(tree.get()), module_name_of(file.path()));
  for (const auto& [line, comment] : view.comments()) suppressions.add_comment(line, comment);
  return suppressions;
}

}  // namespace tpu::python
