// SPDX-License-Identifier: Apache-2.0
#include "rewriter/rewrite.h"

#include <algorithm>
#include <map>
#include <cctype>
#include <iterator>
#include <optional>
#include <set>
#include <variant>

#include "analyzer/python/python_analyzer.h"
#include "analyzer/python/syntax.h"
#include "analyzer/rule_registry.h"
#include "rewriter/atomic_write.h"
#include "rewriter/cpython_check.h"
#include "rewriter/edit_set.h"
#include "rewriter/git_state.h"
#include "rewriter/python_imports.h"
#include "rewriter/rewrite_cache.h"
#include "rewriter/validity.h"

namespace fs = std::filesystem;

namespace tpu::rewriter {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string replace_all(std::string text, char from, char to) {
  std::replace(text.begin(), text.end(), from, to);
  return text;
}

// Multiset difference by (rule, symbol, reason): what a later round left unfixed that the
// first round did not already report.
bool reported_before(const Unfixed& item, std::vector<Unfixed>& first_round) {
  for (auto it = first_round.begin(); it != first_round.end(); ++it) {
    if (it->finding.rule == item.finding.rule && it->finding.symbol == item.finding.symbol && it->reason == item.reason) {
      first_round.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace

FileRewrite rewrite_text(const std::string& path, const std::string& text, const RewriteOptions& options,
                         std::vector<Unfixed>* unfixed, const std::vector<Finding>* scanned) {
  FileRewrite file;
  file.path = path;
  file.before = text;
  file.after = text;
  auto refuse = [&](std::string note) {
    file.refused = true;
    file.notes.push_back(std::move(note));
    return file;
  };
  // Work on the text after a BOM; it is put back unchanged.
  bool bom = std::string_view(text).starts_with(kBom);
  std::string body = bom ? text.substr(kBom.size()) : text;
  LineEndings endings = line_endings_of(body);
  if (endings == LineEndings::Mixed)
    return refuse("mixes classic-Mac (CR-only) line ends with LF ones; not rewritten");
  if (endings == LineEndings::Cr) body = replace_all(std::move(body), '\r', '\n');
  const bool crlf = endings == LineEndings::Crlf;

  // A file CPython cannot read is not edited: a fix there could only guess.
  python::TreePtr body_tree = python::parse_python(body);
  TSNode body_root = ts_tree_root_node(body_tree.get());
  bool grammar_lags = false;
  if (auto refusal = refusal_before_fixes(body_root, body, grammar_lags, &file.asked_cpython)) return refuse(*refusal);

  // The scan's findings are in the file's offsets: they serve when those are the body's.
  if (body != text) scanned = nullptr;
  const FixOptions fix_options{options.target, options.style, options.unsafe_fixes};
  std::string current = body;
  std::vector<Unfixed> first_round_unfixed;
  std::vector<std::string> overlaps;
  bool settled = false;
  for (int round = 0; round < options.max_rounds && !settled; ++round) {
    // The first round fixes what the scan found; later ones what is left in the rewritten text.
    std::vector<Finding> findings;
    if (round == 0 && scanned != nullptr) {
      findings = *scanned;
    } else {
      python::PythonAnalysis analysis = python::analyze_python(SourceFile(path, current), options.target);
      for (Finding& finding : analysis.findings) {
        const RuleMeta* rule = find_rule(finding.rule);
        if (rule != nullptr && options.filter.enabled(*rule)) findings.push_back(std::move(finding));
      }
    }
    FixPlan plan = plan_fixes(current, findings, fix_options, crlf);
    EditSet edits(current);
    std::set<std::string> imports, helpers;
    for (const PlannedFix& fix : plan.fixes) {
      const Finding& finding = findings[fix.finding];
      if (!edits.add(PendingFix{finding.rule, finding.location.line, fix.edits})) continue;
      imports.insert(fix.how.imports.begin(), fix.how.imports.end());
      helpers.insert(fix.how.helpers.begin(), fix.how.helpers.end());
    }
    std::vector<Unfixed>& left = plan.unfixed;
    if (round == 0) {
      first_round_unfixed = left;
      if (unfixed != nullptr) unfixed->insert(unfixed->end(), left.begin(), left.end());
    } else if (unfixed != nullptr) {
      for (const Unfixed& item : left)
        if (!reported_before(item, first_round_unfixed)) unfixed->push_back(item);
    }
    overlaps = edits.skipped();
    settled = edits.empty();
    file.fixes += edits.accepted_fixes();
    // The imports and helpers go in with the round's fixes, so that the next round's analysis
    // resolves what the fixes wrote (`torch_xla.sync()` is a step boundary only when
    // torch_xla is imported). A later round's helpers join the block the first one wrote.
    if (!settled) {
      std::vector<Edit> additions =
          imports_and_helpers(path, current, crlf, imports, helpers, options.target, read_imports(current));
      if (!additions.empty()) edits.add(PendingFix{"imports", 0, additions});
    }
    current = edits.apply();
  }
  if (!settled)
    for (const std::string& overlap : overlaps)
      file.notes.push_back(overlap + " (the fixes did not settle in " + std::to_string(options.max_rounds) + " rounds)");
  if (current == body) return file;

  // Imports whose last use a fix replaced are removed.
  std::vector<Edit> removals = unused_import_removals(body_root, body, current);
  if (!removals.empty()) {
    EditSet cleanup(current);
    for (Edit& edit : removals) cleanup.add(PendingFix{"unused-import", 0, {edit}});
    current = cleanup.apply();
  }

  // A fix must never break the file: what CPython would refuse, or a name the fixes use and
  // nothing defines, and the file is left as it was.
  python::TreePtr result_tree = python::parse_python(current);
  TSNode result_root = ts_tree_root_node(result_tree.get());
  if (grammar_lags) {
    if (cpython_parses(current) != true)
      return refuse("the fixes would introduce a syntax error (CPython); file left unchanged (please report this)");
  } else if (auto problem = strict_syntax_problem(result_root, current)) {
    return refuse("the fixes would introduce a syntax error at line " + std::to_string(problem->line) + " (" +
                  problem->message + "); file left unchanged (please report this)");
  }
  if (auto names = unbound_new_names(body_root, body, result_root, current); !names.empty())
    return refuse("the fixes would use `" + *names.begin() +
                  "`, which nothing defines; file left unchanged (please report this)");
  if (endings == LineEndings::Cr) current = replace_all(std::move(current), '\n', '\r');
  file.after = bom ? std::string(kBom) + current : current;
  return file;
}

RewritePlan plan_rewrite(const fs::path& root, const RewriteOptions& options) {
  RewritePlan plan;
  Discovery discovery = discover(root, options.discovery);
  plan.errors = std::move(discovery.errors);
  plan.root = root;
  std::set<fs::path> folders;
  std::optional<RewriteCache> cache;
  std::optional<cache::PythonAnalysisCache> scan_cache;
  if (options.cache.enabled) {
    cache.emplace(root, options);
    scan_cache.emplace(options.cache, root, options.target);
  }
  for (const DiscoveredFile& found : discovery.files) {
    if (found.language != FileLanguage::Python) continue;
    if (folders.insert(found.absolute.parent_path()).second)
      for (const fs::path& leftover : leftover_temporary_files(found.absolute.parent_path()))
        plan.leftovers.push_back((fs::path(found.relative).parent_path() / leftover.filename()).generic_string());
    auto read = SourceFile::read(found.absolute, found.relative, options.limits);
    if (auto* error = std::get_if<InputError>(&read)) {
      error->message += "; not rewritten";
      plan.errors.push_back(std::move(*error));
      continue;
    }
    const std::string& text = std::get<SourceFile>(read).text();
    std::optional<RewriteCache::Entry> cached;
    cache::Hash128 key;
    if (cache) {
      key = cache::file_key(found.relative, text);
      cached = cache->load(found.relative, text, key);
    }
    if (!cached) {
      cached.emplace();
      // What the scan finds in the file: its cached analysis when there is one.
      std::optional<python::PythonAnalysis> analysis;
      if (scan_cache) analysis = scan_cache->load(found.relative, key);
      if (!analysis) {
        analysis = python::analyze_python(std::get<SourceFile>(read), options.target);
        if (scan_cache) scan_cache->store(found.relative, key, *analysis);
      }
      std::erase_if(analysis->findings, [&](const Finding& finding) {
        const RuleMeta* rule = find_rule(finding.rule);
        return rule == nullptr || !options.filter.enabled(*rule);
      });
      cached->file = rewrite_text(found.relative, text, options, &cached->unfixed, &analysis->findings);
      if (cache && !cached->file.asked_cpython) cache->store(key, cached->file, cached->unfixed);
    }
    FileRewrite& file = cached->file;
    file.absolute = found.absolute;
    std::move(cached->unfixed.begin(), cached->unfixed.end(), std::back_inserter(plan.unfixed));
    if (file.after != file.before || !file.notes.empty()) plan.files.push_back(std::move(file));
  }
  if (cache) plan.cache_warning = !cache->warning().empty() ? cache->warning() : scan_cache->warning();
  return plan;
}

std::vector<InputError> write_plan(const fs::path& root, RewritePlan& plan, const WriteOptions& options) {
  std::vector<InputError> errors;
  std::error_code ec;
  fs::path canonical_root = fs::canonical(root, ec);
  if (!fs::is_directory(canonical_root)) canonical_root = canonical_root.parent_path();
  for (const std::string& leftover : plan.leftovers) {
    fs::path path = plan.root / leftover;
    if (!fs::is_directory(plan.root)) path = plan.root.parent_path() / leftover;
    if (!fs::remove(path, ec) && ec) errors.push_back(InputError{leftover, 0, "cannot remove: " + ec.message()});
  }
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
