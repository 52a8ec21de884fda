// SPDX-License-Identifier: Apache-2.0
#include "rewriter/fix_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <tuple>
#include <variant>

#include "analyzer/python/syntax.h"
#include "rewriter/cpython_check.h"
#include "rewriter/edit_set.h"
#include "rewriter/portable_helpers.h"
#include "rewriter/python_imports.h"
#include "rewriter/validity.h"

extern "C" const TSLanguage* tree_sitter_python();

namespace tpu::rewriter {
namespace {

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


// The edits of one finding's fix for the options' target and style, or a reason why none.
std::variant<PlannedFix, std::string> materialise(std::string_view text, const Finding& finding,
                                                    const FixOptions& options, bool crlf) {
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
  PlannedFix result{0, {}, *how, std::nullopt};
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
FixSite refine_site(std::string_view text, const FixSite& site, const FixOptions& options) {
  if (site.key != "device.string" || site.end_byte > text.size()) return site;
  std::string index = device_string_index(text.substr(site.begin_byte, site.end_byte - site.begin_byte));
  if (index.empty() || !find_template("device.string.indexed", options.target, options.style)) return site;
  FixSite refined = site;
  refined.key = "device.string.indexed";
  refined.args = {index};
  return refined;
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

// Removals that would together empty a block (`if cudnn.enabled:` holding only two cudnn
// flags): the first statement of such a block becomes `pass` instead of going.
void keep_blocks_nonempty(std::string_view text, std::vector<PlannedFix>& fixes) {
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

}  // namespace

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

std::vector<Edit> imports_and_helpers(const std::string& path, std::string_view text, bool crlf,
                                      std::set<std::string> imports, const std::set<std::string>& helpers,
                                      std::string_view target, const ImportLayout& layout) {
  if (!helpers.empty() && !layout.bound_names.count("torch") && !layout.statements.count("import torch"))
    imports.insert("import torch");
  std::string insertion;
  for (const std::string& statement : imports)
    if (!layout.statements.count(normalize_statement(statement))) insertion += statement + "\n";
  std::vector<Edit> edits;
  size_t insert_at = layout.insert_at;
  HelperBlock existing = find_helper_block(text);
  if (existing.found) {
    std::string functions = render_helper_functions(helpers, layout.bound_names, target);
    if (!functions.empty())
      edits.push_back(Edit{path, existing.end_fence, existing.end_fence, with_line_endings("\n\n" + functions, crlf)});
  } else if (std::string block = render_helpers(helpers, layout.bound_names, target); !block.empty()) {
    // The block opens with two blank lines; none at the very top of a file.
    if (layout.insert_at == 0 && insertion.empty()) block.erase(0, block.find_first_not_of('\n'));
    // Where the file keeps more than two blank lines after its imports, the extra ones stay
    // above the block, so that exactly two follow it.
    if (layout.insert_at > 0 && insertion.empty())
      for (size_t extra = blank_lines_at(text, insert_at); extra > 2; --extra) insert_at = text.find('\n', insert_at) + 1;
    insertion += block;
    if (insert_at < text.size())
      insertion += std::string(2 - std::min<size_t>(2, blank_lines_at(text, insert_at)), '\n');
  }
  if (!insertion.empty()) {
    if (insert_at > 0 && text[insert_at - 1] != '\n') insertion.insert(0, "\n");
    edits.insert(edits.begin(), Edit{path, insert_at, insert_at, with_line_endings(insertion, crlf)});
  }
  return edits;
}


std::optional<std::string> refusal_before_fixes(TSNode root, std::string_view body, bool& grammar_lags,
                                                bool* asked_cpython) {
  grammar_lags = false;
  auto problem = strict_syntax_problem(root, body);
  if (!problem) return std::nullopt;
  // Where the grammar itself fails (an ERROR node), CPython may still read the file: the
  // grammar lags the language. Then CPython decides, before and after the fixes.
  bool grammar_error = python::first_syntax_error_line(root) != 0;
  std::optional<bool> cpython = grammar_error ? cpython_parses(body) : std::optional<bool>(false);
  if (asked_cpython != nullptr) *asked_cpython = grammar_error;
  if (cpython == true) {
    grammar_lags = true;
    return std::nullopt;
  }
  return "does not parse (line " + std::to_string(problem->line) + ": " + problem->message +
         (cpython ? "" : "; no python3 to ask") + "); not rewritten";
}

FixPlan plan_fixes(std::string_view text, const std::vector<Finding>& findings, const FixOptions& options,
                   bool crlf) {
  FixPlan plan;
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding refined = findings[i];
    if (refined.fix && refined.fix->site) refined.fix->site = refine_site(text, *refined.fix->site, options);
    auto outcome = materialise(text, refined, options, crlf);
    if (auto* reason = std::get_if<std::string>(&outcome)) {
      plan.unfixed.push_back(Unfixed{findings[i], *reason});
      continue;
    }
    PlannedFix& fix = plan.fixes.emplace_back(std::move(std::get<PlannedFix>(outcome)));
    fix.finding = i;
  }
  keep_blocks_nonempty(text, plan.fixes);
  return plan;
}

namespace {

// `at`, an offset in the text that `edits` (sorted, accepted together) produced, as an offset
// in the text before them; nullopt when a range that begins (or ends, `range_end`) there would
// take in text an edit inserted.
std::optional<uint32_t> offset_before_edits(const std::vector<Edit>& edits, uint32_t at, bool range_end) {
  int64_t shift = 0;
  for (const Edit& edit : edits) {
    int64_t begin_after = edit.begin_byte + shift;
    int64_t end_after = begin_after + static_cast<int64_t>(edit.replacement.size());
    if (at < begin_after || (at == begin_after && range_end)) break;
    if (at < end_after || (at == end_after && range_end)) return std::nullopt;
    shift += static_cast<int64_t>(edit.replacement.size()) - (edit.end_byte - edit.begin_byte);
  }
  return static_cast<uint32_t>(at - shift);
}

// The point (row, byte column) of `byte` in `text`, as tree-sitter counts.
TSPoint point_at(std::string_view text, uint32_t byte) {
  uint32_t row = static_cast<uint32_t>(std::count(text.begin(), text.begin() + byte, '\n'));
  size_t newline = byte == 0 ? std::string_view::npos : text.rfind('\n', byte - 1);
  return TSPoint{row, static_cast<uint32_t>(newline == std::string_view::npos ? byte : byte - newline - 1)};
}

TSPoint point_after(TSPoint start, std::string_view inserted) {
  size_t newline = inserted.rfind('\n');
  if (newline == std::string_view::npos) return TSPoint{start.row, start.column + static_cast<uint32_t>(inserted.size())};
  return TSPoint{start.row + static_cast<uint32_t>(std::count(inserted.begin(), inserted.end(), '\n')),
                 static_cast<uint32_t>(inserted.size() - newline - 1)};
}

// `after`, which is `before` with `edits` (sorted, not overlapping) applied, parsed anew
// reusing what `before_tree` has outside the edits: a fix changes a few bytes of a file, and
// the scan checks each fix alone, so a whole parse each time would be most of its work.
python::TreePtr reparse_python(const TSTree* before_tree, std::string_view before, const std::vector<Edit>& edits,
                               std::string_view after) {
  python::TreePtr tree(ts_tree_copy(before_tree));
  // From the last edit back: the ones before it keep their offsets.
  for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) {
    TSPoint start = point_at(before, edit->begin_byte);
    TSInputEdit input{edit->begin_byte,
                      edit->end_byte,
                      edit->begin_byte + static_cast<uint32_t>(edit->replacement.size()),
                      start,
                      point_at(before, edit->end_byte),
                      point_after(start, edit->replacement)};
    ts_tree_edit(tree.get(), &input);
  }
  thread_local std::unique_ptr<TSParser, decltype(&ts_parser_delete)> parser = [] {
    std::unique_ptr<TSParser, decltype(&ts_parser_delete)> made(ts_parser_new(), ts_parser_delete);
    ts_parser_set_language(made.get(), tree_sitter_python());
    return made;
  }();
  ts_parser_reset(parser.get());
  return python::TreePtr(
      ts_parser_parse_string(parser.get(), tree.get(), after.data(), static_cast<uint32_t>(after.size())));
}

// What `rewrite` does to `body` with one fix alone: the fix, its imports and helpers, then the
// removal of imports it left unused, checked as the rewrite checks a file. The edits, in
// `body`'s offsets; empty when the rewrite would refuse the result.
std::vector<Edit> edits_of_one_fix(const std::string& path, std::string_view body, const TSTree* body_tree,
                                   const ImportLayout& layout, bool crlf, bool grammar_lags, std::string_view target,
                                   const Finding& finding, const PlannedFix& fix) {
  TSNode body_root = ts_tree_root_node(body_tree);
  EditSet round(body);
  if (!round.add(PendingFix{finding.rule, finding.location.line, fix.edits})) return {};
  std::vector<Edit> edits = fix.edits;
  std::set<std::string> imports(fix.how.imports.begin(), fix.how.imports.end());
  std::set<std::string> helpers(fix.how.helpers.begin(), fix.how.helpers.end());
  std::vector<Edit> additions = imports_and_helpers(path, body, crlf, imports, helpers, target, layout);
  if (!additions.empty() && round.add(PendingFix{"imports", 0, additions}))
    edits.insert(edits.end(), additions.begin(), additions.end());
  std::string fixed = round.apply();
  if (fixed == body) return {};
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    return std::tie(a.begin_byte, a.end_byte) < std::tie(b.begin_byte, b.end_byte);
  });
  // One parse of the fixed text serves the clean-up and, when it removes nothing, the checks.
  python::TreePtr tree = reparse_python(body_tree, body, edits, fixed);
  std::vector<Edit> removals;
  for (const Edit& removal : unused_import_removals(body_root, body, ts_tree_root_node(tree.get()), fixed)) {
    auto begin = offset_before_edits(edits, removal.begin_byte, false);
    auto end = offset_before_edits(edits, removal.end_byte, true);
    if (begin && end && *begin <= *end) removals.push_back(Edit{path, *begin, *end, removal.replacement});
  }
  std::string result = std::move(fixed);
  if (!removals.empty()) {
    EditSet all(body);
    all.add(PendingFix{finding.rule, finding.location.line, edits});
    for (const Edit& removal : removals)
      if (all.add(PendingFix{"unused-import", 0, {removal}})) edits.push_back(removal);
    result = all.apply();
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
      return std::tie(a.begin_byte, a.end_byte) < std::tie(b.begin_byte, b.end_byte);
    });
    tree = reparse_python(body_tree, body, edits, result);
  }
  TSNode root = ts_tree_root_node(tree.get());
  if (grammar_lags ? cpython_parses(result) != true : strict_syntax_problem(root, result).has_value()) return {};
  if (!unbound_new_names(body_root, body, root, result).empty()) return {};
  return edits;  // sorted
}


bool by_offset(const Edit& a, const Edit& b) {
  return std::tie(a.begin_byte, a.end_byte) < std::tie(b.begin_byte, b.end_byte);
}

// The statements of `root` (children of the module and of blocks), in document order, each as
// its byte range: statements nest, and a parent comes before its children.
// The statements of `root` (children of the module and of blocks), in document order, each as
// its byte range (statements nest, and a parent comes before its children), and in
// `header_ends` where each one's header ends (a compound statement's first block begins there).
std::vector<std::pair<uint32_t, uint32_t>> statement_ranges(TSNode root, std::vector<uint32_t>& header_ends) {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  // Only suites, statements and their clauses are walked, never into expressions (a generated
  // expression may be thousands of levels deep).
  auto holds_statements = [](TSNode node) {
    std::string_view type = python::kind(node);
    return type == "block" || type.ends_with("_clause") || type.ends_with("_definition");
  };
  std::vector<std::pair<TSNode, bool>> walk{{root, false}};
  std::vector<TSNode> children;
  while (!walk.empty()) {
    auto [node, statement] = walk.back();
    walk.pop_back();
    if (statement && !python::is(node, "comment")) {
      ranges.emplace_back(ts_node_start_byte(node), ts_node_end_byte(node));
      // A compound statement's header ends where its first block begins.
      uint32_t header_end = ts_node_end_byte(node);
      python::for_each_named_child(node, [&](TSNode child) {
        if (python::is(child, "block")) header_end = std::min(header_end, ts_node_start_byte(child));
      });
      header_ends.push_back(header_end);
    }
    bool suite = python::is(node, "module") || python::is(node, "block");
    children.clear();
    python::for_each_named_child(node, [&](TSNode child) {
      if (suite || holds_statements(child)) children.push_back(child);
    });
    for (auto child = children.rbegin(); child != children.rend(); ++child) walk.push_back({*child, suite});
  }
  return ranges;
}

// For each range (sorted by begin), the index of the innermost statement holding it, or -1.
std::vector<long> innermost_statements(const std::vector<std::pair<uint32_t, uint32_t>>& statements,
                                       const std::vector<std::pair<uint32_t, uint32_t>>& ranges) {
  std::vector<long> found(ranges.size(), -1);
  std::vector<size_t> order(ranges.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a].first < ranges[b].first; });
  std::vector<size_t> open;  // the chain of statements holding the current position
  size_t next = 0;
  for (size_t index : order) {
    auto [begin, end] = ranges[index];
    while (next < statements.size() && statements[next].first <= begin) {
      while (!open.empty() && statements[open.back()].second <= statements[next].first) open.pop_back();
      open.push_back(next++);
    }
    while (!open.empty() && statements[open.back()].second < begin) open.pop_back();
    for (auto it = open.rbegin(); it != open.rend(); ++it)
      if (statements[*it].first <= begin && end <= statements[*it].second) {
        found[index] = static_cast<long>(*it);
        break;
      }
  }
  return found;
}

// The names `text` (a statement a fix rewrote) reads, parsed on its own.
std::set<std::string> names_in_piece(std::string_view text) {
  python::TreePtr tree = python::parse_python(text);
  return names_used(ts_tree_root_node(tree.get()), text);
}

// Where a fix's own edits end.
uint32_t fix_end(const PlannedFix& fix) {
  uint32_t end = 0;
  for (const Edit& edit : fix.edits) end = std::max(end, edit.end_byte);
  return end;
}

}  // namespace

void attach_fix_edits(const SourceFile& file, std::vector<Finding>& findings, const FixOptions& options) {
  if (std::none_of(findings.begin(), findings.end(), [](const Finding& f) { return f.fix && f.fix->site; })) return;
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  std::string_view text = file.text();
  const uint32_t offset = text.starts_with(kBom) ? static_cast<uint32_t>(kBom.size()) : 0;
  std::string body(text.substr(offset));
  LineEndings endings = line_endings_of(body);
  if (endings == LineEndings::Mixed) return;
  if (endings == LineEndings::Cr) std::replace(body.begin(), body.end(), '\r', '\n');
  const bool crlf = endings == LineEndings::Crlf;
  python::TreePtr tree = python::parse_python(body);
  TSNode root = ts_tree_root_node(tree.get());
  bool grammar_lags = false;
  if (refusal_before_fixes(root, body, grammar_lags)) return;

  // The rewrite works on the text after the BOM: the findings in its offsets.
  std::vector<Finding> in_body = findings;
  for (Finding& finding : in_body) {
    if (!finding.fix || !finding.fix->site) continue;
    FixSite& site = *finding.fix->site;
    if (site.begin_byte < offset) {
      finding.fix->site.reset();
      continue;
    }
    site.begin_byte -= offset;
    site.end_byte -= offset;
  }
  FixOptions every = options;
  every.unsafe_fixes = true;  // an unsafe fix's edits are shown, marked by its applicability
  FixPlan plan = plan_fixes(body, in_body, every, crlf);
  if (plan.fixes.empty()) return;
  const ImportLayout layout = read_imports(root, body);
  using Needs = std::pair<std::set<std::string>, std::set<std::string>>;  // imports, helpers
  auto needs_of = [](const PlannedFix& fix) {
    return Needs{{fix.how.imports.begin(), fix.how.imports.end()}, {fix.how.helpers.begin(), fix.how.helpers.end()}};
  };
  std::map<Needs, std::vector<Edit>> additions_for;
  auto additions = [&](const Needs& needs) -> const std::vector<Edit>& {
    auto found = additions_for.find(needs);
    if (found == additions_for.end())
      found = additions_for
                  .emplace(needs, imports_and_helpers(file.path(), body, crlf, needs.first, needs.second,
                                                      options.target, layout))
                  .first;
    return found->second;
  };

  // Every fix together, as `rewrite`'s first round applies them, checked once.
  EditSet together(body);
  std::vector<bool> accepted(plan.fixes.size(), false);
  Needs all_needs;
  std::vector<Edit> applied;
  for (size_t i = 0; i < plan.fixes.size(); ++i) {
    const PlannedFix& fix = plan.fixes[i];
    const Finding& finding = in_body[fix.finding];
    accepted[i] = together.add(PendingFix{finding.rule, finding.location.line, fix.edits});
    if (!accepted[i]) continue;
    applied.insert(applied.end(), fix.edits.begin(), fix.edits.end());
    all_needs.first.insert(fix.how.imports.begin(), fix.how.imports.end());
    all_needs.second.insert(fix.how.helpers.begin(), fix.how.helpers.end());
  }
  const std::vector<Edit>& all_additions = additions(all_needs);
  bool additions_fit = all_additions.empty() || together.add(PendingFix{"imports", 0, all_additions});
  if (!all_additions.empty() && additions_fit)
    applied.insert(applied.end(), all_additions.begin(), all_additions.end());
  std::sort(applied.begin(), applied.end(), by_offset);
  std::string fixed = together.apply();
  // Incremental parsing pays per edit (each walks the tree to its place): a file with thousands of
  // fixes is parsed whole instead.
  constexpr size_t kMostIncrementalEdits = 64;
  python::TreePtr fixed_tree = applied.size() <= kMostIncrementalEdits
                                   ? reparse_python(tree.get(), body, applied, fixed)
                                   : python::parse_python(fixed);
  std::vector<Edit> removals =
      unused_import_removals(root, body, ts_tree_root_node(fixed_tree.get()), fixed);
  if (!removals.empty()) {
    EditSet cleanup(fixed);
    for (const Edit& removal : removals) cleanup.add(PendingFix{"unused-import", 0, {removal}});
    fixed = cleanup.apply();
    fixed_tree = python::parse_python(fixed);
  }
  TSNode fixed_root = ts_tree_root_node(fixed_tree.get());
  const bool together_valid =
      additions_fit &&
      (grammar_lags ? cpython_parses(fixed) == true : !strict_syntax_problem(fixed_root, fixed).has_value()) &&
      unbound_new_names(root, body, fixed_root, fixed).empty();

  // Which fixes need a check of their own.
  std::vector<bool> alone(plan.fixes.size(), !together_valid);
  if (together_valid) {
    // Several fixes in one statement: each alone is another statement than the one checked.
    std::vector<std::pair<uint32_t, uint32_t>> sites;
    for (const PlannedFix& fix : plan.fixes) {
      const FixSite& site = *in_body[fix.finding].fix->site;
      sites.emplace_back(site.begin_byte, site.end_byte);
    }
    std::vector<uint32_t> header_ends;
    const std::vector<std::pair<uint32_t, uint32_t>> statements = statement_ranges(root, header_ends);
    std::vector<long> statement = innermost_statements(statements, sites);
    std::map<long, int> fixes_in;
    for (size_t i = 0; i < plan.fixes.size(); ++i)
      if (accepted[i]) ++fixes_in[statement[i]];
    // Imports a fix may leave unused, and names its pieces read that its own imports and helpers
    // must bind: both settled from the file's names once and each piece's.
    const std::map<std::string, int> imported = removable_import_uses(root, body);
    const std::set<std::string> used_before = names_used(root, body);
    const std::set<std::string> bound_before = names_bound(root, body);
    std::map<Needs, std::set<std::string>> bound_by_additions;
    for (size_t i = 0; i < plan.fixes.size(); ++i) {
      if (!accepted[i] || statement[i] < 0 || fixes_in[statement[i]] > 1) {
        alone[i] = true;
        continue;
      }
      const PlannedFix& fix = plan.fixes[i];
      // A removable import's name among the text the fix replaces, as often as the file uses it.
      std::map<std::string, int> removed;
      for (const Edit& edit : fix.edits) {
        std::string_view replaced = std::string_view(body).substr(edit.begin_byte, edit.end_byte - edit.begin_byte);
        for (size_t at = 0; at < replaced.size();) {
          if (!(std::isalpha(static_cast<unsigned char>(replaced[at])) || replaced[at] == '_')) {
            ++at;
            continue;
          }
          size_t end = at;
          while (end < replaced.size() && (std::isalnum(static_cast<unsigned char>(replaced[end])) || replaced[end] == '_')) ++end;
          std::string word(replaced.substr(at, end - at));
          if (imported.count(word)) ++removed[word];
          at = end;
        }
      }
      bool may_orphan = false;
      for (const auto& [name, count] : removed)
        if (count >= imported.at(name)) may_orphan = true;
      // New names the fix reads, bound neither by the file nor by its own additions.
      Needs needs = needs_of(fix);
      auto bound = bound_by_additions.find(needs);
      if (bound == bound_by_additions.end()) {
        std::string inserted;
        for (const Edit& edit : additions(needs)) inserted += edit.replacement + "\n";
        python::TreePtr piece = python::parse_python(inserted);
        std::set<std::string> names = names_bound(ts_tree_root_node(piece.get()), inserted);
        names.insert(bound_before.begin(), bound_before.end());
        // What the additions themselves read must be bound too.
        bool reads_unbound = false;
        for (const std::string& name : names_used(ts_tree_root_node(piece.get()), inserted))
          if (!used_before.count(name) && !names.count(name) && !is_builtin_name(name)) reads_unbound = true;
        if (reads_unbound) names.insert("\x01unbound");
        bound = bound_by_additions.emplace(needs, std::move(names)).first;
      }
      bool unbound = bound->second.count("\x01unbound") != 0;
      // The names its statement reads once fixed (its header, for a compound one): a replacement
      // read out of its place would take `x.to(…)`'s `to` for a name.
      bool writes_names = std::any_of(fix.edits.begin(), fix.edits.end(), [](const Edit& edit) {
        return edit.replacement != "pass" &&
               std::any_of(edit.replacement.begin(), edit.replacement.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
      });
      auto [begin, end] = statements[statement[i]];
      end = std::max(header_ends[statement[i]], std::min(end, fix_end(fix)));
      std::string fixed_statement;
      uint32_t at = begin;
      for (const Edit& edit : writes_names ? fix.edits : std::vector<Edit>{}) {
        if (edit.begin_byte < at || edit.end_byte > end) {
          unbound = true;  // an edit beyond the statement (a removed line's end): checked alone
          break;
        }
        fixed_statement.append(body, at, edit.begin_byte - at);
        fixed_statement += edit.replacement;
        at = edit.end_byte;
      }
      fixed_statement.append(body, at, end - at);
      if (!unbound && writes_names)
        for (const std::string& name : names_in_piece(fixed_statement))
          if (!used_before.count(name) && !bound->second.count(name) && !is_builtin_name(name)) unbound = true;
      alone[i] = may_orphan || unbound;
    }
  }

  // Checking a fix alone costs the file's length: past this budget (generated files with
  // thousands of fixes) the fixes that would need it get no edits.
  constexpr uint64_t kCheckBudget = uint64_t{64} << 20;
  uint64_t spent = 0;
  for (size_t i = 0; i < plan.fixes.size(); ++i) {
    const PlannedFix& fix = plan.fixes[i];
    Finding& finding = findings[fix.finding];
    std::vector<Edit> edits;
    if (alone[i]) {
      spent += body.size();
      if (spent > kCheckBudget) continue;
      edits = edits_of_one_fix(file.path(), body, tree.get(), layout, crlf, grammar_lags, options.target,
                               in_body[fix.finding], fix);
    } else {
      // As edits_of_one_fix has them when the fix removes no import's last use.
      const std::vector<Edit>& added = additions(needs_of(fix));
      EditSet round(body);
      round.add(PendingFix{in_body[fix.finding].rule, 0, fix.edits});
      bool added_fit = added.empty() || round.add(PendingFix{"imports", 0, added});
      if (!round.empty()) {
        edits = fix.edits;
        if (!added.empty() && added_fit) edits.insert(edits.end(), added.begin(), added.end());
        std::sort(edits.begin(), edits.end(), by_offset);
      }
    }
    for (Edit& edit : edits) {
      edit.path = file.path();
      edit.begin_byte += offset;
      edit.end_byte += offset;
      if (endings == LineEndings::Cr) std::replace(edit.replacement.begin(), edit.replacement.end(), '\n', '\r');
      edit.line = file.line_of(edit.begin_byte);
      edit.column = file.column_in_line(edit.begin_byte, edit.line);
      edit.end_line = file.line_of(edit.end_byte);
      edit.end_column = file.column_in_line(edit.end_byte, edit.end_line);
    }
    finding.fix->edits = std::move(edits);
  }
}

}  // namespace tpu::rewriter
