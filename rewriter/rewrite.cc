// SPDX-License-Identifier: Apache-2.0
#include "rewriter/rewrite.h"

#include <algorithm>
#include <set>
#include <variant>

#include "analyzer/core/rule.h"
#include "analyzer/python/python_analyzer.h"
#include "analyzer/python/syntax.h"
#include "rewriter/atomic_write.h"
#include "rewriter/edit_set.h"
#include "rewriter/git_state.h"
#include "rewriter/portable_helpers.h"
#include "rewriter/python_imports.h"

namespace fs = std::filesystem;

namespace tpu::rewriter {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

uint32_t line_start(std::string_view text, uint32_t byte) {
  while (byte > 0 && text[byte - 1] != '\n') --byte;
  return byte;
}

uint32_t line_end(std::string_view text, uint32_t byte) {
  size_t newline = text.find('\n', byte);
  return newline == std::string_view::npos ? static_cast<uint32_t>(text.size())
                                           : static_cast<uint32_t>(newline + 1);
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// `<remove-statement>`: the statement's lines when it is alone on them, `pass` when the
// block would be left empty.
std::optional<Edit> remove_statement(std::string_view text, const FixSite& site) {
  if (site.args.empty() || (site.args[0] != "statement" && site.args[0] != "sole")) return std::nullopt;
  if (site.args[0] == "sole") return Edit{"", site.begin_byte, site.end_byte, "pass"};
  uint32_t begin = line_start(text, site.begin_byte), end = line_end(text, site.end_byte);
  if (blank(text.substr(begin, site.begin_byte - begin)) &&
      blank(text.substr(site.end_byte, end - site.end_byte)))
    return Edit{"", begin, end, ""};
  return std::nullopt;  // shares its line with other code: leave it to a person
}

// `<remove-argument>`: the keyword argument and the comma that separates it — the comma
// before it when there is one (so that neighbouring removals never overlap), else the one
// after it.
Edit remove_argument(std::string_view text, const FixSite& site) {
  uint32_t begin = site.begin_byte, end = site.end_byte;
  uint32_t before = begin;
  while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t' ||
                        text[before - 1] == '\n' || text[before - 1] == '\r'))
    --before;
  if (before > 0 && text[before - 1] == ',') return Edit{"", before - 1, end, ""};
  uint32_t after = end;
  while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
  if (after < text.size() && text[after] == ',') {
    end = after + 1;
    while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  }
  return Edit{"", begin, end, ""};
}

std::string with_line_endings(std::string text, bool crlf) {
  if (!crlf) return text;
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

struct Materialised {
  std::vector<Edit> edits;
  FixTemplate how;
};

// The edits of one finding's fix for the options' target and style, or a reason why none.
std::variant<Materialised, std::string> materialise(std::string_view text, const Finding& finding,
                                                    const RewriteOptions& options, bool crlf) {
  if (!finding.fix || !finding.fix->site) return std::string("no mechanical fix");
  const FixSite& site = *finding.fix->site;
  auto how = find_template(site.key, options.target, options.style);
  if (!how) return std::string("no mechanical fix for this target and style");
  if (how->applicability == Applicability::Unsafe && !options.unsafe_fixes)
    return "an unsafe fix is available (" + how->title + "): pass --unsafe-fixes";
  Materialised result{{}, *how};
  if (how->replacement == "<remove-statement>") {
    auto edit = remove_statement(text, site);
    if (!edit) return std::string("the statement shares its line with other code");
    result.edits.push_back(*edit);
  } else if (how->replacement == "<remove-argument>") {
    result.edits.push_back(remove_argument(text, site));
  } else {
    auto replacement = substitute(how->replacement, site.args);
    if (!replacement) return std::string("the fix template does not fit this site");
    result.edits.push_back(Edit{"", site.begin_byte, site.end_byte, with_line_endings(*replacement, crlf)});
  }
  for (Edit& edit : result.edits) edit.path = finding.location.path;
  return result;
}

}  // namespace

FileRewrite rewrite_text(const std::string& path, const std::string& text,
                         const RewriteOptions& options, std::vector<Unfixed>* unfixed) {
  FileRewrite file;
  file.path = path;
  file.before = text;
  file.after = text;
  // Work on the text after a BOM; it is put back unchanged.
  bool bom = std::string_view(text).starts_with(kBom);
  std::string body = bom ? text.substr(kBom.size()) : text;
  size_t first_newline = body.find('\n');
  bool crlf = first_newline != std::string::npos && first_newline > 0 && body[first_newline - 1] == '\r';

  SourceFile source(path, body);
  python::PythonAnalysis analysis = python::analyze_python(source, options.target);
  const bool analysis_clean = std::none_of(analysis.errors.begin(), analysis.errors.end(),
      [](const InputError& error) { return error.message.starts_with("syntax error"); });
  EditSet edits(body);
  std::set<std::string> imports, helpers;
  for (const Finding& finding : analysis.findings) {
    const RuleMeta* rule = find_rule(finding.rule);
    if (rule == nullptr || !options.filter.enabled(*rule)) continue;
    auto outcome = materialise(body, finding, options, crlf);
    if (auto* reason = std::get_if<std::string>(&outcome)) {
      if (unfixed != nullptr) unfixed->push_back(Unfixed{finding, *reason});
      continue;
    }
    auto& materialised = std::get<Materialised>(outcome);
    PendingFix fix{finding.rule, finding.location.line, materialised.edits};
    if (!edits.add(fix)) {
      if (unfixed != nullptr) unfixed->push_back(Unfixed{finding, "overlaps another fix; run again"});
      continue;
    }
    imports.insert(materialised.how.imports.begin(), materialised.how.imports.end());
    helpers.insert(materialised.how.helpers.begin(), materialised.how.helpers.end());
  }
  file.notes = edits.skipped();
  file.fixes = edits.accepted_fixes();
  if (edits.empty()) return file;

  // New imports and portable helpers go after the module's leading imports, once.
  ImportLayout layout = read_imports(body);
  std::string insertion;
  if (!helpers.empty() && !layout.bound_names.count("torch") &&
      !layout.statements.count("import torch"))
    imports.insert("import torch");
  for (const std::string& statement : imports)
    if (!layout.statements.count(normalize_statement(statement))) insertion += statement + "\n";
  std::string helper_block = render_helpers(helpers, layout.bound_names);
  // The helpers are followed by a blank line, so that two separate them from the code below.
  if (!helper_block.empty()) insertion += helper_block + "\n";
  if (!insertion.empty()) {
    if (layout.insert_at > 0 && body[layout.insert_at - 1] != '\n') insertion.insert(0, "\n");
    edits.add(PendingFix{"imports", 0, {Edit{path, layout.insert_at, layout.insert_at,
                                              with_line_endings(insertion, crlf)}}});
  }
  std::string after = edits.apply();

  // Imports whose last use a fix replaced are removed.
  std::vector<Edit> removals = unused_import_removals(body, after);
  if (!removals.empty()) {
    EditSet cleanup(after);
    for (Edit& edit : removals) cleanup.add(PendingFix{"unused-import", 0, {edit}});
    after = cleanup.apply();
  }

  // A fix must never break the file: re-parse, and refuse if it gained a syntax error.
  python::TreePtr tree = python::parse_python(after);
  uint32_t error_line = python::first_syntax_error_line(ts_tree_root_node(tree.get()));
  // The analysis already knows whether the original parsed; no second parse of it.
  if (error_line != 0 && analysis_clean) {
    file.refused = true;
    file.notes.push_back("the fixes would introduce a syntax error at line " +
                         std::to_string(error_line) + "; file left unchanged (please report this)");
    return file;
  }
  file.after = bom ? std::string(kBom) + after : after;
  return file;
}

RewritePlan plan_rewrite(const fs::path& root, const RewriteOptions& options) {
  RewritePlan plan;
  Discovery discovery = discover(root, options.discovery);
  plan.errors = std::move(discovery.errors);
  for (const DiscoveredFile& found : discovery.files) {
    if (found.language != FileLanguage::Python) continue;
    auto read = SourceFile::read(found.absolute, found.relative, options.limits);
    if (auto* error = std::get_if<InputError>(&read)) {
      error->message += "; not rewritten";
      plan.errors.push_back(std::move(*error));
      continue;
    }
    FileRewrite file = rewrite_text(found.relative, std::get<SourceFile>(read).text(), options, &plan.unfixed);
    file.absolute = found.absolute;
    if (file.after != file.before || !file.notes.empty()) plan.files.push_back(std::move(file));
  }
  return plan;
}

std::vector<InputError> write_plan(const fs::path& root, RewritePlan& plan, const WriteOptions& options) {
  std::vector<InputError> errors;
  std::error_code ec;
  fs::path canonical_root = fs::canonical(root, ec);
  if (!fs::is_directory(canonical_root)) canonical_root = canonical_root.parent_path();
  GitState git(root);
  for (FileRewrite& file : plan.files) {
    if (file.refused || file.after == file.before) continue;
    fs::path target = fs::canonical(file.absolute, ec);
    auto [root_end, _] = std::mismatch(canonical_root.begin(), canonical_root.end(), target.begin(), target.end());
    if (ec || root_end != canonical_root.end()) {
      errors.push_back(InputError{file.path, 0, "resolves outside the root; not written"});
      file.refused = true;
      continue;
    }
    if (!options.allow_dirty && git.dirty(target)) {
      errors.push_back(InputError{file.path, 0, "has uncommitted changes; not written (commit or "
                                                "stash them, or pass --allow-dirty)"});
      file.refused = true;
      continue;
    }
    if (std::string problem = atomic_replace(target, file.after); !problem.empty()) {
      errors.push_back(InputError{file.path, 0, problem});
      file.refused = true;
    }
  }
  return errors;
}

}  // namespace tpu::rewriter
