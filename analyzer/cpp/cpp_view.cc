// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/cpp_view.h"

#include <algorithm>

#include "analyzer/cpp/ast_merge.h"

namespace tpu::cpp {
namespace {

// Kernel-family names that only device code uses: a host function that uses one is device
// code whose attribute the tokens could not see (a macro from a missing header).
bool proves_device_code(const Reference& reference) {
  std::string_view rule = reference.match.rule;
  return reference.match.strength == Strength::Strong &&
         (rule == "TPU303" || rule == "TPU304" || rule == "TPU305" || rule == "TPU306" || rule == "TPU310");
}

class ReferenceFinder {
 public:
  ReferenceFinder(CppFileView& view, const AttributeMacros& macros) : v_(view), lexed_(view.lexed), macros_(macros) {}

  void run() {
    for (const Directive& d : lexed_.directives) {
      if (d.kind != DirectiveKind::Define || d.name.empty()) continue;
      own_macros_.emplace_back(d.name);
      if (d.branch != Branch::Dead && d.function_like && is_kernel_loop_define(lexed_, d)) kernel_loop_define(d);
    }
    const auto& tokens = lexed_.tokens;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const Token& token = tokens[i];
      if (token.kind != TokenKind::Identifier || token.branch == Branch::Dead) continue;
      int define = -1;
      if (token.directive >= 0) {
        if (lexed_.directives[token.directive].kind != DirectiveKind::Define) continue;
        define = token.directive;
      }
      if (continues_chain(i)) continue;
      reference_at(i, define);
    }
    promote_device_functions();
    std::erase_if(v_.references, [](const Reference& r) {
      return r.match.strength == Strength::DeviceOnly && !r.device_context;
    });
  }

 private:
  std::string_view sp(size_t i) const { return i < lexed_.tokens.size() ? lexed_.spelling(lexed_.tokens[i]) : ""; }
  bool ident(size_t i) const { return i < lexed_.tokens.size() && lexed_.tokens[i].kind == TokenKind::Identifier; }

  // `b` in `a::b` is part of the chain that starts at `a`.
  bool continues_chain(size_t i) const {
    return i >= 2 && sp(i - 1) == "::" && (ident(i - 2) || sp(i - 2) == ">");
  }

  void reference_at(size_t i, int define) {
    const auto& tokens = lexed_.tokens;
    std::vector<std::string_view> parts{sp(i)};
    size_t last = i;
    while (sp(last + 1) == "::" && ident(last + 2) && tokens[last + 2].directive == tokens[i].directive) {
      last += 2;
      parts.push_back(sp(last));
    }
    if (std::binary_search(v_.structure.definition_names.begin(), v_.structure.definition_names.end(),
                           tokens[last].begin))
      return;  // the name of a function being defined or declared
    std::string_view before = i > 0 ? sp(i - 1) : "";
    if (i > 0 && before == "::" && i >= 2 && !ident(i - 2)) before = i >= 2 ? sp(i - 2) : "";  // `::cudaMalloc`
    bool member = before == "." || before == "->";
    bool namespace_context = before == "namespace" ||
                             (before == "=" && i >= 3 && sp(i - 3) == "namespace");
    bool is_call = sp(last + 1) == "(" || template_call(last + 1);
    auto match = match_name(parts.data(), parts.size(), is_call, member, namespace_context);
    if (!match && parts.size() == 1 && is_call && !member)
      if (auto tie = macros_.ties.find(parts[0]); tie != macros_.ties.end())
        match = ApiMatch{tie->second, RefKind::Macro, Strength::Strong, {}, true};  // the repository's own macro
    if (!match || match->rule == "TPU302") return;  // launch APIs are launches (structure)
    // A use of the file's own macro (`CUBLAS_CHECK(…)`) is not a reference by its name's
    // shape: its body's references are counted where the body is written. Names the table
    // lists (CUDA_KERNEL_LOOP) still count at each use.
    if (parts.size() == 1 && !match->exact &&
        std::find(own_macros_.begin(), own_macros_.end(), parts[0]) != own_macros_.end())
      return;

    Reference reference;
    reference.match = *match;
    reference.begin = tokens[i].begin;
    reference.end = tokens[last].end;
    reference.is_call = is_call;
    if (match->rule == "TPU303" && sp(last + 1) == "." && ident(last + 2)) reference.end = tokens[last + 2].end;
    reference.symbol = std::string(lexed_.text.substr(reference.begin, reference.end - reference.begin));
    if (define >= 0) {
      reference.macro = std::string(lexed_.directives[define].name);
      reference.device_context = v_.cuda_source;
    } else {
      reference.block = v_.structure.block_at(reference.begin);
      reference.device_context = v_.structure.in_device_code(reference.begin);
    }
    v_.references.push_back(std::move(reference));
  }

  // The #define of a grid-stride loop macro is a reference itself, at the macro's name.
  void kernel_loop_define(const Directive& define) {
    Reference reference;
    reference.match = ApiMatch{"TPU308", RefKind::Macro, Strength::Strong, {}, true};
    reference.begin = define.name_begin;
    reference.end = define.name_end;
    reference.symbol = std::string(define.name);
    reference.macro = std::string(define.name);
    reference.device_context = true;
    v_.references.push_back(std::move(reference));
  }

  bool template_call(size_t open) const {
    if (sp(open) != "<") return false;
    int depth = 0;
    for (size_t q = open; q < lexed_.tokens.size() && q < open + 32; ++q) {
      std::string_view w = sp(q);
      if (w == "<") ++depth;
      else if (w == ">" && --depth == 0) return sp(q + 1) == "(";
      else if (w == ";" || w == "{" || w == "}") return false;
    }
    return false;
  }

  void promote_device_functions() {
    bool changed = false;
    for (const Reference& reference : v_.references) {
      if (!reference.macro.empty() || reference.device_context || !proves_device_code(reference)) continue;
      int function = v_.structure.function_at(reference.begin);
      if (function < 0 || v_.structure.blocks[function].type != BlockType::Function) continue;
      v_.structure.blocks[function].device_by_use = true;
      changed = true;
    }
    if (!changed) return;
    for (Reference& reference : v_.references)
      if (reference.macro.empty()) reference.device_context = v_.structure.in_device_code(reference.begin);
  }

  CppFileView& v_;
  const LexedFile& lexed_;
  const AttributeMacros& macros_;
  std::vector<std::string_view> own_macros_;
};

bool is_header_guard_name(std::string_view name) {
  for (std::string_view suffix : {"_H", "_H_", "_HPP", "_HPP_", "_CUH", "_CUH_", "_H__", "_INCLUDED"})
    if (name.ends_with(suffix)) return true;
  return false;
}

// The identifiers of each live conditional line, but not of an include guard
// (`#ifndef FOO_CUDA_H` followed by its #define, or a name spelled like one).
std::vector<ConditionName> condition_names(const LexedFile& lexed) {
  std::vector<ConditionName> out;
  const auto& directives = lexed.directives;
  for (size_t t = 0; t < lexed.tokens.size(); ++t) {
    const Token& token = lexed.tokens[t];
    if (token.directive < 0 || token.kind != TokenKind::Identifier) continue;
    const Directive& d = directives[token.directive];
    if (d.branch == Branch::Dead) continue;
    if (d.kind != DirectiveKind::If && d.kind != DirectiveKind::Ifdef && d.kind != DirectiveKind::Ifndef &&
        d.kind != DirectiveKind::Elif)
      continue;
    size_t index = static_cast<size_t>(token.directive);
    if (d.kind == DirectiveKind::Ifndef && index + 1 < directives.size() &&
        directives[index + 1].kind == DirectiveKind::Define && directives[index + 1].name == d.name)
      continue;
    std::string_view name = lexed.spelling(token);
    if (name == "defined" || is_header_guard_name(name)) continue;
    out.push_back({token.begin, token.end, name, token.directive});
  }
  // #ifdef/#ifndef names are read with the directive, not as tokens.
  for (size_t index = 0; index < directives.size(); ++index) {
    const Directive& d = directives[index];
    if ((d.kind != DirectiveKind::Ifdef && d.kind != DirectiveKind::Ifndef) || d.branch == Branch::Dead ||
        d.name.empty() || is_header_guard_name(d.name))
      continue;
    if (d.kind == DirectiveKind::Ifndef && index + 1 < directives.size() &&
        directives[index + 1].kind == DirectiveKind::Define && directives[index + 1].name == d.name)
      continue;
    out.push_back({d.name_begin, d.name_end, d.name, static_cast<int>(index)});
  }
  std::sort(out.begin(), out.end(), [](const ConditionName& a, const ConditionName& b) { return a.begin < b.begin; });
  return out;
}

}  // namespace

bool is_cuda_source(std::string_view path, std::string_view text) {
  if (path.ends_with(".cu") || path.ends_with(".cuh")) return true;
  for (std::string_view marker : {"__global__", "__device__", "<<<", "__shared__", "threadIdx"})
    if (text.find(marker) != std::string_view::npos) return true;
  return false;
}

std::string CppFileView::token_level_note(int block) const {
  if (!ast.available) return " (recognised from tokens: " + no_tree + ")";
  if (block >= 0 && block < static_cast<int>(structure.blocks.size()) && !structure.blocks[block].confirmed)
    return " (recognised from tokens: the syntax tree does not cover this code, broken by a parse "
           "error or left out by the preprocessor)";
  return "";
}

CppFileView build_view(const SourceFile& file, AstFacts ast, std::string no_tree, bool deep,
                       const AttributeMacros* macros) {
  CppFileView view;
  view.file = &file;
  view.deep = deep;
  view.cuda_source = is_cuda_source(file.path(), file.text());
  view.lexed = lex(file.text());
  AttributeMacros own;  // without the repository's macros, the file's own still count
  if (macros == nullptr) {
    own.collect(view.lexed);
    macros = &own;
  }
  view.structure = find_structure(view.lexed, macros);
  view.ast = std::move(ast);
  view.no_tree = std::move(no_tree);
  if (view.ast.available) merge_ast(view.structure, view.ast, view.lexed);
  ReferenceFinder(view, *macros).run();
  view.conditions = condition_names(view.lexed);
  for (const Directive& directive : view.lexed.directives) {
    if (directive.kind != DirectiveKind::Include || directive.branch == Branch::Dead || directive.name.empty())
      continue;
    if (auto match = match_include(directive.name, directive.angled))
      view.includes.push_back({*match, directive.name_begin, directive.name_end, std::string(directive.name)});
  }
  return view;
}

}  // namespace tpu::cpp
