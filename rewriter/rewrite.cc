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
#include "rewriter/portable_helpers.h"
#include "rewriter/python_imports.h"
#include "rewriter/rewrite_cache.h"
#include "rewriter/validity.h"

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
  std::optional<FixSite> removed;  ///< the statement a <remove-statement> fix deletes
};

// The edits of one finding's fix for the options' target and style, or a reason why none.
std::variant<Materialised, std::string> materialise(std::string_view text, const Finding& finding,
                                                    const RewriteOptions& options, bool crlf) {
  if (!finding.fix || !finding.fix->site) return std::string("no mechanical fix");
  const FixSite& site = *finding.fix->site;
  // `x.pin_memory()` takes no argument; `accelerator.pin_memory(buffer)` is another method,
  // whose result dropping the call would change.
  if (site.key == "Tensor.pin_memory" && site.end_byte <= text.size()) {
    std::string_view call = text.substr(site.begin_byte, site.end_byte - site.begin_byte);
    size_t open = call.find('(');
    if (open != std::string_view::npos && call.size() >= open + 2 &&
        !blank(call.substr(open + 1, call.size() - open - 2)))
      return std::string("a pin_memory() call with arguments is not Tensor.pin_memory()");
  }
  auto how = find_template(site.key, options.target, options.style);
  if (!how) return std::string("no mechanical fix for this target and style");
  if (how->applicability == Applicability::Unsafe && !options.unsafe_fixes)
    return "an unsafe fix is available (" + how->title + "): pass --unsafe-fixes";
  Materialised result{{}, *how};
  if (how->replacement == "<remove-statement>") {
    auto edit = remove_statement(text, site);
    if (!edit) return std::string("the statement shares its line with other code");
    result.edits.push_back(*edit);
    result.removed = site;
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

// The device index a CUDA device string names, from its source text: `1` for "cuda:1",
// `local_rank` for f"cuda:{local_rank}"; empty for anything else.
std::string device_string_index(std::string_view literal) {
  size_t quote = literal.find_first_of("\"'");
  if (quote == std::string_view::npos || quote > 1) return {};
  char q = literal[quote];
  if (literal.size() < quote + 2 || literal.back() != q) return {};
  std::string_view inside = literal.substr(quote + 1, literal.size() - quote - 2);
  if (!inside.starts_with("cuda:")) return {};
  std::string_view index = inside.substr(5);
  if (quote == 0 && !index.empty() && index.find_first_not_of("0123456789") == std::string_view::npos)
    return std::string(index);
  bool f_string = quote == 1 && (literal[0] == 'f' || literal[0] == 'F');
  if (f_string && index.size() > 2 && index.front() == '{' && index.back() == '}' &&
      index.find_first_of("{}:!\"'", 1) == index.size() - 1)
    return std::string(index.substr(1, index.size() - 2));
  return {};
}

// `device.string.indexed` for a CUDA device string with an index, when the map has a row for
// it: the portable style keeps the index on CUDA (`f"cuda:{rank}"` must not become plain
// "cuda", which puts every rank on GPU 0).
FixSite refine_site(std::string_view text, const FixSite& site, const RewriteOptions& options) {
  if (site.key != "device.string" || site.end_byte > text.size()) return site;
  std::string index = device_string_index(text.substr(site.begin_byte, site.end_byte - site.begin_byte));
  if (index.empty() || !find_template("device.string.indexed", options.target, options.style)) return site;
  FixSite refined = site;
  refined.key = "device.string.indexed";
  refined.args = {index};
  return refined;
}

// How a file's lines end. LF and CRLF are rewritten as they are; CR alone (classic Mac) is
// read as LF, byte for byte (the offsets stay), and written back as CR; a file that mixes
// lone CRs with LFs is left alone.
enum class LineEndings { Lf, Crlf, Cr, Mixed };

LineEndings line_endings_of(std::string_view body) {
  bool lone_cr = false, lf = false;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n') lf = true;
    else if (body[i] == '\r' && (i + 1 == body.size() || body[i + 1] != '\n')) lone_cr = true;
  }
  if (lone_cr) return lf ? LineEndings::Mixed : LineEndings::Cr;
  size_t first_newline = body.find('\n');
  return first_newline != std::string_view::npos && first_newline > 0 && body[first_newline - 1] == '\r'
             ? LineEndings::Crlf
             : LineEndings::Lf;
}

std::string replace_all(std::string text, char from, char to) {
  std::replace(text.begin(), text.end(), from, to);
  return text;
}

// Number of blank lines from `at` (the start of a line) on.
size_t blank_lines_at(std::string_view text, size_t at) {
  size_t count = 0;
  for (size_t end = text.find('\n', at); end != std::string_view::npos; end = text.find('\n', at)) {
    if (!blank(text.substr(at, end - at))) break;
    ++count;
    at = end + 1;
  }
  return count;
}

// The edits that add `imports` and `helpers` to `text`, once. New helpers join the module's
// helper block when it has one (a run with other rules, or an older version, wrote it), else
// a new block follows the leading imports, two blank lines from the code on either side.
std::vector<Edit> imports_and_helpers(const std::string& path, std::string_view text, bool crlf,
                                      std::set<std::string> imports, const std::set<std::string>& helpers,
                                      std::string_view target) {
  ImportLayout layout = read_imports(text);
  if (!helpers.empty() && !layout.bound_names.count("torch") && !layout.statements.count("import torch"))
    imports.insert("import torch");
  std::string insertion;
  for (const std::string& statement : imports)
    if (!layout.statements.count(normalize_statement(statement))) insertion += statement + "\n";
  std::vector<Edit> edits;
  HelperBlock existing = find_helper_block(text);
  if (existing.found) {
    std::string functions = render_helper_functions(helpers, layout.bound_names, target);
    if (!functions.empty())
      edits.push_back(Edit{path, existing.end_fence, existing.end_fence, with_line_endings("\n\n" + functions, crlf)});
  } else if (std::string block = render_helpers(helpers, layout.bound_names, target); !block.empty()) {
    // The block opens with two blank lines; none at the very top of a file.
    if (layout.insert_at == 0 && insertion.empty()) block.erase(0, block.find_first_not_of('\n'));
    insertion += block;
    if (layout.insert_at < text.size())
      insertion += std::string(2 - std::min<size_t>(2, blank_lines_at(text, layout.insert_at)), '\n');
  }
  if (!insertion.empty()) {
    if (layout.insert_at > 0 && text[layout.insert_at - 1] != '\n') insertion.insert(0, "\n");
    edits.insert(edits.begin(), Edit{path, layout.insert_at, layout.insert_at, with_line_endings(insertion, crlf)});
  }
  return edits;
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

// Removals that would together empty a block (`if cudnn.enabled:` holding only two cudnn
// flags): the first statement of such a block becomes `pass` instead of going.
void keep_blocks_nonempty(std::string_view text, std::vector<Materialised>& fixes) {
  std::vector<size_t> removals;
  for (size_t i = 0; i < fixes.size(); ++i)
    if (fixes[i].removed && fixes[i].edits.size() == 1 && fixes[i].edits[0].replacement.empty()) removals.push_back(i);
  if (removals.size() < 2) return;  // one removal alone: the rule already says "sole"
  python::TreePtr tree = python::parse_python(text);
  TSNode root = ts_tree_root_node(tree.get());
  // Removed statements by the block that holds them.
  std::map<uintptr_t, std::vector<std::pair<size_t, TSNode>>> by_block;
  for (size_t index : removals) {
    const FixSite& site = *fixes[index].removed;
    TSNode node = ts_node_descendant_for_byte_range(root, site.begin_byte, site.end_byte);
    TSNode parent = ts_node_parent(node);
    while (!python::is_null(parent) && !python::is(parent, "block")) {
      if (python::is(parent, "module")) break;
      node = parent;
      parent = ts_node_parent(node);
    }
    if (python::is(parent, "block")) by_block[reinterpret_cast<uintptr_t>(parent.id)].push_back({index, node});
  }
  for (auto& [id, removed] : by_block) {
    TSNode block = ts_node_parent(removed.front().second);
    size_t statements = 0;
    python::for_each_named_child(block, [&](TSNode child) { statements += !python::is(child, "comment"); });
    if (statements != removed.size()) continue;
    auto first = std::min_element(removed.begin(), removed.end(), [](const auto& a, const auto& b) {
      return ts_node_start_byte(a.second) < ts_node_start_byte(b.second);
    });
    Edit& edit = fixes[first->first].edits[0];
    edit = Edit{edit.path, ts_node_start_byte(first->second), ts_node_end_byte(first->second), "pass"};
  }
}

// Fixes are applied in rounds, as ruff does: a fix that overlaps another (one nested in its
// arguments) is skipped in one round and found again, in the rewritten text, in the next.
constexpr int kMaxRounds = 8;

}  // namespace

FileRewrite rewrite_text(const std::string& path, const std::string& text,
                         const RewriteOptions& options, std::vector<Unfixed>* unfixed) {
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
  // Where the grammar itself fails (an ERROR node), CPython may still read the file: the
  // grammar lags the language. Then CPython decides, before and after the fixes.
  bool grammar_lags = false;
  if (auto problem = strict_syntax_problem(body_root, body)) {
    bool grammar_error = python::first_syntax_error_line(body_root) != 0;
    std::optional<bool> cpython = grammar_error ? cpython_parses(body) : std::optional<bool>(false);
    file.asked_cpython = grammar_error;
    if (cpython != true)
      return refuse("does not parse (line " + std::to_string(problem->line) + ": " + problem->message +
                    (cpython ? "" : "; no python3 to ask") + "); not rewritten");
    grammar_lags = true;
  }

  std::string current = body;
  std::vector<Unfixed> first_round_unfixed;
  std::vector<std::string> overlaps;
  bool settled = false;
  for (int round = 0; round < kMaxRounds && !settled; ++round) {
    SourceFile source(path, current);
    python::PythonAnalysis analysis = python::analyze_python(source, options.target);
    EditSet edits(current);
    std::set<std::string> imports, helpers;
    std::vector<Unfixed> left;
    std::vector<Materialised> fixes;
    std::vector<const Finding*> fixed;
    for (const Finding& finding : analysis.findings) {
      const RuleMeta* rule = find_rule(finding.rule);
      if (rule == nullptr || !options.filter.enabled(*rule)) continue;
      Finding refined = finding;
      if (refined.fix && refined.fix->site) refined.fix->site = refine_site(current, *refined.fix->site, options);
      auto outcome = materialise(current, refined, options, crlf);
      if (auto* reason = std::get_if<std::string>(&outcome)) {
        left.push_back(Unfixed{finding, *reason});
        continue;
      }
      fixes.push_back(std::move(std::get<Materialised>(outcome)));
      fixed.push_back(&finding);
    }
    keep_blocks_nonempty(current, fixes);
    for (size_t i = 0; i < fixes.size(); ++i) {
      if (!edits.add(PendingFix{fixed[i]->rule, fixed[i]->location.line, fixes[i].edits})) continue;
      imports.insert(fixes[i].how.imports.begin(), fixes[i].how.imports.end());
      helpers.insert(fixes[i].how.helpers.begin(), fixes[i].how.helpers.end());
    }
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
      std::vector<Edit> additions = imports_and_helpers(path, current, crlf, imports, helpers, options.target);
      if (!additions.empty()) edits.add(PendingFix{"imports", 0, additions});
    }
    current = edits.apply();
  }
  if (!settled)
    for (const std::string& overlap : overlaps)
      file.notes.push_back(overlap + " (the fixes did not settle in " + std::to_string(kMaxRounds) + " rounds)");
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
  if (options.cache.enabled) cache.emplace(root, options);
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
      cached->file = rewrite_text(found.relative, text, options, &cached->unfixed);
      if (cache && !cached->file.asked_cpython) cache->store(key, cached->file, cached->unfixed);
    }
    FileRewrite& file = cached->file;
    file.absolute = found.absolute;
    std::move(cached->unfixed.begin(), cached->unfixed.end(), std::back_inserter(plan.unfixed));
    if (file.after != file.before || !file.notes.empty()) plan.files.push_back(std::move(file));
  }
  if (cache) plan.cache_warning = cache->warning();
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
