// SPDX-License-Identifier: Apache-2.0
// Reads binding blocks: PYBIND11_MODULE(name, m) / TORCH_LIBRARY(ns, m) /
// TORCH_LIBRARY_IMPL(ns, KEY, m) and each `m.def(…)` / `m.impl(…)` in them: the op's name or
// schema, the function (or lambda) bound, and the dispatch key.
#include "analyzer/cpp/bindings.h"

namespace tpu::cpp {
namespace {

std::string dispatch_key_of(std::string_view word) {
  if (word.size() > 1 && word[0] == 'k' && word[1] >= 'A' && word[1] <= 'Z') word.remove_prefix(1);
  return std::string(word);
}

// The function an argument binds: `&fn`, `fn`, `TORCH_FN(fn)`, `torch::dispatch(KEY, fn)`,
// `py::overload_cast<…>(&fn)`, or a lambda.
void binding_target(const CodeTokens& ct, const Structure& out, std::pair<int, int> range, Binding& binding) {
  for (int k = range.first; k < range.second; ++k) {
    if (ct.s(k) == "dispatch" && ct.s(k + 1) == "(") {
      auto args = ct.arguments(k + 1);
      if (args.size() == 2) {
        binding.dispatch_key = dispatch_key_of(ct.s(args[0].second - 1));
        binding_target(ct, out, args[1], binding);
        return;
      }
    }
  }
  if (ct.s(range.first) == "[") {
    for (size_t b = 0; b < out.blocks.size(); ++b)
      if (out.blocks[b].type == BlockType::Lambda && out.blocks[b].open >= ct.tok(range.first).begin &&
          out.blocks[b].open < ct.tok(range.second - 1).end) {
        binding.lambda_block = static_cast<int>(b);
        return;
      }
    return;
  }
  std::string last;
  for (int k = range.first; k < range.second; ++k) {
    if (!ct.ident(k)) continue;
    std::string_view w = ct.s(k);
    if (ct.s(k - 1) == "&") {
      binding.target = std::string(w);
      while (ct.s(k + 1) == "::" && ct.ident(k + 2)) {
        k += 2;
        binding.target = std::string(ct.s(k));
      }
      return;
    }
    if (w == "TORCH_FN" || w == "torch" || w == "py" || w == "pybind11" || w == "overload_cast" ||
        w == "c10" || w == "at" || w.ends_with("_cast") || w == "wrap_pybind_function" || w == "const")
      continue;
    if (ct.s(k + 1) == "::") continue;  // a qualifier: the name comes after it
    if (last.empty()) last = std::string(w);
  }
  binding.target = last;
}

std::string op_name(std::string_view schema) {
  std::string_view name = schema.substr(0, schema.find('('));
  if (size_t colons = name.rfind("::"); colons != std::string_view::npos) name.remove_prefix(colons + 2);
  name = name.substr(0, name.find('.'));
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  return std::string(name);
}

// True when the `.def` at code index dot is called on `variable` (directly or chained).
bool receiver_is(const CodeTokens& ct, int dot, const std::string& variable) {
  int k = dot - 1;
  for (int guard = 0; k >= 0 && guard < 64; ++guard) {
    if (ct.s(k) == ")" && ct.match(k) > 1 && ct.s(ct.match(k) - 2) == "." &&
        (ct.s(ct.match(k) - 1) == "def" || ct.s(ct.match(k) - 1) == "impl")) {
      k = ct.match(k) - 3;  // the chained call's own receiver
      continue;
    }
    return ct.ident(k) && ct.s(k) == variable;
  }
  return false;
}

}  // namespace

void find_bindings(const CodeTokens& ct, const std::vector<int>& brace_of_block,
                   const std::vector<BindingOpener>& openers, Structure& out) {
  for (const auto& [block_index, name_k, paren] : openers) {
    BindingModule module;
    std::string_view macro = ct.s(name_k);
    module.framework = macro == "PYBIND11_MODULE"                  ? BindingFramework::Pybind11
                       : macro.ends_with("TORCH_LIBRARY_IMPL")     ? BindingFramework::TorchLibraryImpl
                       : macro.ends_with("TORCH_LIBRARY_FRAGMENT") ? BindingFramework::TorchLibraryFragment
                                                           : BindingFramework::TorchLibrary;
    module.begin = ct.tok(name_k).begin;
    module.end = ct.tok(name_k).end;
    module.block = block_index;
    auto args = ct.arguments(paren);
    if (args.size() < 2) continue;
    module.name = ct.joined(args[0]);
    module.variable = ct.joined(args.back());
    if (module.framework == BindingFramework::TorchLibraryImpl && args.size() >= 3)
      module.dispatch_key = dispatch_key_of(ct.s(args[1].second - 1));
    int module_index = static_cast<int>(out.modules.size());
    out.modules.push_back(module);

    int open = brace_of_block[block_index];
    int close = ct.match(open) >= 0 ? ct.match(open) : ct.size();
    for (int k = open + 1; k + 2 < close; ++k) {
      if (ct.s(k) != "." || (ct.s(k + 1) != "def" && ct.s(k + 1) != "impl") || ct.s(k + 2) != "(") continue;
      if (!receiver_is(ct, k, module.variable)) continue;
      Binding binding;
      binding.module = module_index;
      binding.method = std::string(ct.s(k + 1));
      binding.call_begin = ct.tok(k + 1).begin;
      binding.dispatch_key = module.dispatch_key;
      auto call_args = ct.arguments(k + 2);
      if (call_args.empty()) continue;
      for (int q = call_args[0].first; q < call_args[0].second; ++q) {
        if (ct.tok(q).kind != TokenKind::String) continue;
        std::string_view literal = ct.s(q);
        size_t quote = literal.find('"');
        binding.schema = std::string(literal.substr(quote + 1, literal.size() - quote - 2));
        binding.begin = ct.tok(q).begin;
        binding.end = ct.tok(q).end;
        break;
      }
      if (binding.schema.empty()) {  // a name held in a variable: keep it as written
        binding.schema = ct.joined(call_args[0]);
        binding.begin = ct.tok(call_args[0].first).begin;
        binding.end = ct.tok(call_args[0].second - 1).end;
      }
      binding.op = module.framework == BindingFramework::Pybind11 ? binding.schema : op_name(binding.schema);
      if (call_args.size() >= 3 && module.framework != BindingFramework::Pybind11 &&
          ct.joined(call_args[1]).find("DispatchKey") != std::string::npos) {
        binding.dispatch_key = dispatch_key_of(ct.s(call_args[1].second - 1));
        binding_target(ct, out, call_args[2], binding);
      } else if (call_args.size() >= 2) {
        binding_target(ct, out, call_args[1], binding);
      }
      out.bindings.push_back(std::move(binding));
    }
  }
}

}  // namespace tpu::cpp
