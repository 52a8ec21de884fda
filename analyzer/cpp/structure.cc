// SPDX-License-Identifier: Apache-2.0
// The token-level structure pass: a walk over the bracket-matched code tokens of the first
// branch of each conditional, classifying every `{` by what precedes it (a function's
// parameter list, a lambda's capture, a binding macro, or a plain scope), then the calls in
// each body and the launches. Binding blocks are read by bindings.cc.
#include "analyzer/cpp/structure.h"

#include <algorithm>
#include <array>

#include "analyzer/cpp/api_table.h"
#include "analyzer/cpp/bindings.h"
#include "analyzer/cpp/code_tokens.h"

namespace tpu::cpp {
namespace {

constexpr std::array<std::string_view, 8> kLaunchApis = {
    "cudaLaunchKernel", "cudaLaunchCooperativeKernel", "cudaLaunchKernelExC", "cuLaunchKernel",
    "gpu_kernel", "gpu_kernel_with_scalars", "opmath_gpu_kernel_with_scalars", "gpu_reduce_kernel"};

bool is_launch_api(std::string_view name) {
  return std::find(kLaunchApis.begin(), kLaunchApis.end(), name) != kLaunchApis.end();
}

bool is_control(std::string_view word) {
  return word == "if" || word == "for" || word == "while" || word == "switch" || word == "catch" ||
         word == "do" || word == "else" || word == "try" || word == "return" || word == "sizeof" ||
         word == "decltype" || word == "alignas" || word == "static_assert" || word == "requires";
}

bool is_trailer(std::string_view word) {
  return word == "const" || word == "noexcept" || word == "override" || word == "final" ||
         word == "mutable" || word == "constexpr" || word == "volatile" || word == "&" ||
         word == "&&" || word == "__forceinline__" || word == "__restrict__" || word == "throw";
}

bool attribute_like(std::string_view word) {
  return word == "noexcept" || word == "throw" || word == "__attribute__" || word == "__launch_bounds__" ||
         word == "alignas" || word == "__declspec" || word.starts_with("C10_LAUNCH_BOUNDS");
}

bool type_like(const LexedFile& lexed, const Token& token) {
  std::string_view s = lexed.spelling(token);
  return token.kind == TokenKind::Identifier || token.kind == TokenKind::Number || s == "::" ||
         s == "<" || s == ">" || s == "*" || s == "&" || s == "," || s == "&&";
}

struct Markers {
  const AttributeMacros* macros = nullptr;
  bool global = false, device = false, host = false, is_template = false;
  void add(std::string_view word) {
    if (macros != nullptr) {
      if (auto it = macros->flags.find(std::string(word)); it != macros->flags.end()) {
        global |= (it->second & AttributeMacros::kGlobal) != 0;
        device |= (it->second & AttributeMacros::kDevice) != 0;
        host |= (it->second & AttributeMacros::kHost) != 0;
        return;
      }
    }
    if (word == "__global__") global = true;
    if (is_device_marker(word) && word != "__global__") device = true;
    if (is_host_marker(word)) host = true;
  }
  CodeKind kind() const {
    if (global) return CodeKind::Kernel;
    if (device) return host ? CodeKind::HostDevice : CodeKind::Device;
    return CodeKind::Host;
  }
};

enum class Opener : uint8_t { Scope, Control, Function, Lambda, BindingModule };

class Walker {
 public:
  Walker(const LexedFile& lexed, const AttributeMacros* macros) : lexed_(lexed), macros_(macros), ct_(lexed) {}

  Structure run() {
    blocks();
    launches();  // before calls: invocations of launch macros are calls
    calls();
    find_bindings(ct_, brace_of_block_, module_openers_, out_);
    declarations();
    return std::move(out_);
  }

 private:
  std::string_view s(int k) const { return ct_.s(k); }
  const Token& tok(int k) const { return ct_.tok(k); }
  bool ident(int k) const { return ct_.ident(k); }
  int match(int k) const { return ct_.match(k); }
  std::vector<std::pair<int, int>> arguments(int open) const { return ct_.arguments(open); }

  // Skips trailers backwards from k (const, noexcept(…), __attribute__((…)), markers,
  // trailing return types) and returns the first token that is none of them.
  int skip_trailers(int k, Markers& markers) const {
    for (int guard = 0; k >= 0 && guard < 64; ++guard) {
      std::string_view w = s(k);
      if (is_trailer(w) || (ident(k) && (is_device_marker(w) || is_host_marker(w) ||
                                         (macros_ != nullptr && macros_->flags.count(std::string(w)))))) {
        markers.add(w);
        --k;
        continue;
      }
      if (w == ")" && match(k) > 0 && attribute_like(s(match(k) - 1))) {
        k = match(k) - 2;
        continue;
      }
      // A trailing return type: `) -> T {`.
      int back = k;
      while (back >= 0 && k - back < 24 && s(back) != "->" && type_like(lexed_, tok(back))) --back;
      if (back >= 0 && back < k + 1 && s(back) == "->" && back != k) {
        k = back - 1;
        continue;
      }
      break;
    }
    return k;
  }

  // A `]` that closes a lambda capture, not a subscript or an array declarator (`int a[] {…}`).
  bool is_capture(int close) const {
    int open = match(close);
    if (open < 0) return false;
    std::string_view before = s(open - 1);
    if (before == "return") return true;
    return !(ident(open - 1) || before == "]" || before == ")");
  }

  // A constructor's initialiser list ending at j (`Foo(int a) : x_(a), y_{b} {`): the `(`
  // of the constructor's parameters, or -1.
  int initialiser_list_paren(int j) const {
    int q = j;
    for (int guard = 0; guard < 64; ++guard) {
      if ((s(q) != ")" && s(q) != "}") || match(q) < 1 || !ident(match(q) - 1)) return -1;
      q = match(q) - 2;  // before the member's name
      while (q >= 1 && s(q) == "::" && ident(q - 1)) q -= 2;  // a qualified base class
      if (s(q) == ",") {
        --q;
        continue;
      }
      if (s(q) != ":" || s(q - 1) != ")" || match(q - 1) < 1 || !ident(match(q - 1) - 1)) return -1;
      return match(q - 1);
    }
    return -1;
  }

  struct Classified {
    Opener opener = Opener::Scope;
    int name = -1;  ///< code index of the name token (functions, binding macros)
    int paren = -1; ///< the `(` of the parameter or macro argument list
    int capture = -1;  ///< a lambda's `]`
    Markers markers;
  };

  Classified classify(int brace, bool in_function) const {
    Classified c;
    c.markers.macros = macros_;
    int j = skip_trailers(brace - 1, c.markers);
    if (j < 0) return c;
    if (s(j) == "]") {
      if (is_capture(j)) {
        c.opener = Opener::Lambda;
        c.capture = j;
      }
      return c;
    }
    if (int ctor = initialiser_list_paren(j); ctor >= 0) {
      c.opener = in_function ? Opener::Scope : Opener::Function;
      c.name = ctor - 1;
      c.paren = ctor;
      prefix_markers(c.name, c.markers);
      return c;
    }
    if (s(j) != ")" || match(j) < 0) return c;
    int paren = match(j);
    int p = paren - 1;
    Markers between;  // `[=] __device__ (int i)`: markers sit between the capture and the list
    between.macros = macros_;
    while (p >= 0 && ident(p) && (is_device_marker(s(p)) || is_host_marker(s(p)) || s(p) == "mutable" ||
                                  (macros_ != nullptr && macros_->flags.count(std::string(s(p)))))) {
      between.add(s(p));
      --p;
    }
    if (s(p) == "]" && is_capture(p)) {
      c.opener = Opener::Lambda;
      c.capture = p;
      c.markers.device |= between.device;
      c.markers.host |= between.host;
      return c;
    }
    if (s(p) == ")" && match(p) > 0 && s(match(p) - 1) == "operator") {  // operator()(…)
      c.opener = in_function ? Opener::Scope : Opener::Function;
      c.name = match(p) - 1;
      c.paren = paren;
      prefix_markers(c.name, c.markers);
      return c;
    }
    if (!ident(p)) return c;
    std::string_view name = s(p);
    if (is_control(name)) {
      c.opener = Opener::Control;
      return c;
    }
    // Also torch's stable-ABI spellings (STABLE_TORCH_LIBRARY_IMPL…), which take the same arguments.
    if (name == "PYBIND11_MODULE" || name.ends_with("TORCH_LIBRARY") || name.ends_with("TORCH_LIBRARY_FRAGMENT") ||
        name.ends_with("TORCH_LIBRARY_IMPL")) {
      c.opener = Opener::BindingModule;
      c.name = p;
      c.paren = paren;
      return c;
    }
    if (in_function) return c;  // a macro block inside a body
    c.opener = Opener::Function;
    c.name = p;
    c.paren = paren;
    prefix_markers(p, c.markers);
    return c;
  }

  // The declaration prefix of a function: from the previous `;`, `{` or `}` to its name.
  void prefix_markers(int name, Markers& markers) const {
    int q = name - 1;
    while (q >= 1 && s(q) == "::" && ident(q - 1)) q -= 2;
    for (int guard = 0; q >= 0 && guard < 96; --q, ++guard) {
      std::string_view w = s(q);
      if (w == ";" || w == "{" || w == "}") break;
      if (w == ":" && (s(q - 1) == "public" || s(q - 1) == "private" || s(q - 1) == "protected")) break;
      if (w == "template") markers.is_template = true;
      if (ident(q)) markers.add(w);
    }
  }

  std::string qualified_name(int name, uint32_t& begin) const {
    std::string text(s(name));
    begin = tok(name).begin;
    int q = name - 1;
    if (s(q) == "~") {
      text = "~" + text;
      begin = tok(q).begin;
      --q;
    }
    while (q >= 1 && s(q) == "::" && ident(q - 1)) {
      text = std::string(s(q - 1)) + "::" + text;
      begin = tok(q - 1).begin;
      q -= 2;
    }
    return text;
  }

  void blocks() {
    struct Open { int brace; int block; bool in_function; };
    std::vector<Open> stack;
    for (int k = 0; k < static_cast<int>(ct_.size()); ++k) {
      std::string_view c = s(k);
      if (c == "}") {
        if (!stack.empty() && match(k) == stack.back().brace) stack.pop_back();
        continue;
      }
      if (c != "{") continue;
      bool in_function = !stack.empty() && stack.back().in_function;
      Classified kind = classify(k, in_function);
      int index = -1;
      if (kind.opener == Opener::Function || kind.opener == Opener::Lambda ||
          kind.opener == Opener::BindingModule) {
        Block block;
        block.type = kind.opener == Opener::Lambda ? BlockType::Lambda
                     : kind.opener == Opener::BindingModule ? BlockType::BindingModule
                                                            : BlockType::Function;
        block.code = kind.markers.kind();
        block.is_template = kind.markers.is_template;
        block.open = tok(k).begin;
        block.close = match(k) >= 0 ? tok(match(k)).end : static_cast<uint32_t>(lexed_.text.size());
        if (kind.name >= 0) {
          block.name = std::string(s(kind.name));
          if (s(kind.name) == "operator") block.name = "operator()";
          block.qualified = qualified_name(kind.name, block.name_begin);
          block.name_end = tok(kind.name).end;
          if (block.type == BlockType::Function) out_.definition_names.push_back(tok(kind.name).begin);
        } else if (kind.capture >= 0) {  // a lambda is where its capture is
          block.name_begin = tok(match(kind.capture)).begin;
          block.name_end = tok(kind.capture).end;
        } else {
          block.name_begin = tok(k).begin;
          block.name_end = tok(k).end;
        }
        block.parent = stack.empty() ? -1 : stack.back().block;
        for (int up = static_cast<int>(stack.size()) - 1; block.parent < 0 && up >= 0; --up)
          block.parent = stack[up].block;
        index = static_cast<int>(out_.blocks.size());
        out_.blocks.push_back(std::move(block));
        if (kind.opener == Opener::BindingModule) module_openers_.push_back({index, kind.name, kind.paren});
        brace_of_block_.push_back(k);
      }
      int enclosing = index >= 0 ? index : (stack.empty() ? -1 : stack.back().block);
      bool function_like = kind.opener == Opener::Function || kind.opener == Opener::Lambda ||
                           kind.opener == Opener::BindingModule;
      stack.push_back({k, enclosing, in_function || function_like});
    }
  }

  // The call following identifier k: `f(`, or `f<…>(` for a template call.
  bool followed_by_call(int k) const {
    if (s(k + 1) == "(") return true;
    if (s(k + 1) != "<") return false;
    int depth = 0;
    for (int q = k + 1; q < static_cast<int>(ct_.size()) && q < k + 48; ++q) {
      std::string_view w = s(q);
      if (w == "<") ++depth;
      else if (w == ">" && --depth == 0) return s(q + 1) == "(";
      else if (w == ";" || w == "{" || w == "}" || w == "<<<") return false;
    }
    return false;
  }

  void calls() {
    for (size_t b = 0; b < out_.blocks.size(); ++b) {
      bool lambda = out_.blocks[b].type == BlockType::Lambda;
      int open = brace_of_block_[b];
      int close = match(open) >= 0 ? match(open) : static_cast<int>(ct_.size()) - 1;
      Block& block = out_.blocks[b];
      for (int k = open + 1; k < close; ++k) {
        if (!ident(k)) continue;
        std::string_view w = s(k);
        if (w.starts_with("AT_DISPATCH") || w == "parallel_for" || w == "data_ptr" ||
            w == "mutable_data_ptr" || w == "const_data_ptr" || w == "accessor" ||
            w == "packed_accessor32" || w == "packed_accessor64")
          block.computes = true;
        if (s(k - 1) == "." || s(k - 1) == "->" || is_not_a_callee(w) || !followed_by_call(k)) continue;
        // Calls inside nested named functions (local classes) belong to those; a lambda
        // keeps every call in its body (it may be an op's inline implementation).
        if (!lambda && out_.function_at(tok(k).begin) != static_cast<int>(b)) continue;
        block.calls.emplace_back(w);
        // A function passed by name (`DISPATCH_DEVICE_IMPL(roi_align_impl, …)`,
        // `std::thread(worker, …)`) may be called too: the inventory follows such names when
        // they are the repository's functions.
        if (s(k + 1) == "(")
          for (auto [begin, end] : arguments(k + 1)) {
            if (end == begin + 1 && ident(begin)) block.calls.emplace_back(s(begin));
            else if (end == begin + 2 && s(begin) == "&" && ident(begin + 1)) block.calls.emplace_back(s(begin + 1));
          }
      }
      std::sort(block.calls.begin(), block.calls.end());
      block.calls.erase(std::unique(block.calls.begin(), block.calls.end()), block.calls.end());
    }
  }

  // Back from raw token index t (the `<<<`) to the kernel's qualified name.
  void kernel_name(size_t t, Launch& launch) const {
    const auto& tokens = lexed_.tokens;
    auto sp = [&](size_t i) { return lexed_.spelling(tokens[i]); };
    size_t i = t;
    if (i == 0) return;
    --i;
    if (sp(i) == ">") {  // template arguments
      int depth = 0;
      for (;; --i) {
        if (sp(i) == ">") ++depth;
        else if (sp(i) == "<" && --depth == 0) break;
        if (i == 0) return;
      }
      if (i == 0) return;
      --i;
    }
    if (sp(i) == ")") {  // (kernel)<<<…>>> or (*pointer)<<<…>>>
      for (size_t q = i; q > 0 && t - q < 16; --q)
        if (tokens[q].kind == TokenKind::Identifier) {
          i = q;
          break;
        }
    }
    if (tokens[i].kind != TokenKind::Identifier) return;
    launch.kernel = std::string(sp(i));
    launch.begin = tokens[i].begin;
    launch.end = tokens[i].end;
    while (i >= 2 && sp(i - 1) == "::" && tokens[i - 2].kind == TokenKind::Identifier) {
      launch.begin = tokens[i - 2].begin;
      i -= 2;
    }
  }

  void launches() {
    const auto& tokens = lexed_.tokens;
    for (size_t t = 0; t < tokens.size(); ++t) {
      const Token& token = tokens[t];
      if (token.branch == Branch::Dead) continue;
      bool in_define = token.directive >= 0 &&
                       lexed_.directives[token.directive].kind == DirectiveKind::Define;
      if (token.directive >= 0 && !in_define) continue;
      std::string_view w = lexed_.spelling(token);
      Launch launch;
      // `<< <…>> >` is a launch too (clang-format spaces chevrons so); only `operator<< <T>`
      // writes `<<` before `<` otherwise.
      bool spaced_chevron = w == "<<" && t + 1 < tokens.size() && lexed_.spelling(tokens[t + 1]) == "<" &&
                            (t == 0 || lexed_.spelling(tokens[t - 1]) != "operator");
      if (w == "<<<" || spaced_chevron) {
        launch.begin = token.begin;
        launch.end = token.end;
        launch.chevron = token.begin;
        kernel_name(t, launch);
      } else if (token.kind == TokenKind::Identifier && is_launch_api(w) && t + 1 < tokens.size() &&
                 lexed_.spelling(tokens[t + 1]) == "(" && (t == 0 || (lexed_.spelling(tokens[t - 1]) != "." &&
                                                                     lexed_.spelling(tokens[t - 1]) != "->"))) {
        launch.begin = token.begin;
        launch.end = token.end;
        launch.kernel = w.starts_with("gpu_") || w.starts_with("opmath_") ? "<device lambda>"
                                                                          : first_argument_name(t + 1);
      } else {
        continue;
      }
      if (!in_define) {
        launch.block = out_.function_at(launch.begin);
        out_.launch_edges.emplace_back(launch.begin, launch.kernel);
      } else {
        const Directive& define = lexed_.directives[token.directive];
        launch.macro = std::string(define.name);
        launch_macros_.push_back({launch.macro, launch.kernel, parameter_index(define.params, launch.kernel)});
      }
      out_.launches.push_back(std::move(launch));
    }
    macro_launch_edges();
  }

  static int parameter_index(std::string_view params, std::string_view name) {
    int index = 0;
    while (!params.empty()) {
      size_t comma = params.find(',');
      std::string_view param = params.substr(0, comma);
      while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
      while (!param.empty() && (param.back() == ' ' || param.back() == '\t')) param.remove_suffix(1);
      if (param == name) return index;
      if (comma == std::string_view::npos) break;
      params.remove_prefix(comma + 1);
      ++index;
    }
    return -1;
  }

  // Each call of a same-file macro whose body launches a kernel launches it from there; when
  // the kernel is a macro parameter, the argument names it.
  void macro_launch_edges() {
    if (launch_macros_.empty()) return;
    for (int k = 0; k + 1 < static_cast<int>(ct_.size()); ++k) {
      if (!ident(k) || s(k + 1) != "(") continue;
      for (const LaunchMacro& macro : launch_macros_) {
        if (s(k) != macro.name) continue;
        std::string kernel = macro.kernel;
        if (macro.parameter >= 0) {
          auto args = arguments(k + 1);
          kernel.clear();
          if (macro.parameter < static_cast<int>(args.size()))
            for (int q = args[macro.parameter].first; q < args[macro.parameter].second; ++q)
              if (ident(q)) kernel = std::string(s(q));
        }
        if (!kernel.empty()) out_.launch_edges.emplace_back(tok(k).begin, kernel);
      }
    }
  }

  // The last identifier of the first argument: `cudaLaunchKernel((void*)my_kernel, …)`.
  std::string first_argument_name(size_t open) const {
    const auto& tokens = lexed_.tokens;
    std::string name;
    int depth = 0;
    for (size_t q = open; q < tokens.size() && q < open + 64; ++q) {
      std::string_view w = lexed_.spelling(tokens[q]);
      if (w == "(" || w == "[" || w == "{") ++depth;
      else if (w == ")" || w == "]" || w == "}") {
        if (--depth == 0) break;
      } else if (w == "," && depth == 1) break;
      else if (tokens[q].kind == TokenKind::Identifier && w != "void" && w != "const" &&
               !w.ends_with("_cast"))
        name = std::string(w);
    }
    return name;
  }

  // Function prototypes at namespace scope: their names are definitions, not references.
  void declarations() {
    int depth_in_function = 0;
    std::vector<bool> function_brace;
    for (int k = 0; k < static_cast<int>(ct_.size()); ++k) {
      std::string_view w = s(k);
      if (w == "{") {
        bool fn = std::any_of(brace_of_block_.begin(), brace_of_block_.end(), [&](int b) { return b == k; });
        function_brace.push_back(fn);
        if (fn) ++depth_in_function;
      } else if (w == "}") {
        if (!function_brace.empty()) {
          if (function_brace.back()) --depth_in_function;
          function_brace.pop_back();
        }
      } else if (depth_in_function == 0 && ident(k) && s(k + 1) == "(" && match(k + 1) > 0 &&
                 s(match(k + 1) + 1) == ";" && k > 0 &&
                 (ident(k - 1) || s(k - 1) == "*" || s(k - 1) == "&" || s(k - 1) == ">")) {
        out_.definition_names.push_back(tok(k).begin);
      } else if (depth_in_function == 0 && ident(k) && s(k + 1) == "(" && match(k + 1) > 0 &&
                 s(match(k + 1) + 1) == ";" && (k == 0 || s(k - 1) == ";" || s(k - 1) == "}" || s(k - 1) == "{")) {
        std::vector<std::string> names;  // a registration macro: MACRO(key, …, implementation);
        for (auto [begin, end] : arguments(k + 1))
          if (end == begin + 1 && ident(begin)) names.emplace_back(s(begin));
        if (names.size() >= 2) out_.registrations.push_back(std::move(names));
      }
    }
    std::sort(out_.definition_names.begin(), out_.definition_names.end());
  }

  const LexedFile& lexed_;
  const AttributeMacros* macros_;
  CodeTokens ct_;
  std::vector<int> brace_of_block_;  ///< code index of each block's `{`
  struct LaunchMacro {
    std::string name, kernel;
    int parameter;  ///< the kernel is this macro parameter, or -1 when written literally
  };
  std::vector<LaunchMacro> launch_macros_;
  std::vector<BindingOpener> module_openers_;
  Structure out_;
};

}  // namespace

bool is_not_a_callee(std::string_view word) {
  static constexpr std::array<std::string_view, 40> kWords = {
      "if", "for", "while", "switch", "return", "sizeof", "alignof", "decltype", "static_cast",
      "reinterpret_cast", "const_cast", "dynamic_cast", "catch", "new", "delete", "typeid",
      "noexcept", "throw", "defined", "__attribute__", "alignas", "static_assert", "int", "float",
      "double", "char", "long", "short", "unsigned", "signed", "bool", "void", "auto", "operator",
      "template", "typename", "using", "do", "else", "__launch_bounds__"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

int Structure::block_at(uint32_t offset) const {
  // Blocks are sorted by `{` and nested: the innermost one is the last opened before the
  // offset, or one of its ancestors.
  auto it = std::upper_bound(blocks.begin(), blocks.end(), offset,
                             [](uint32_t at, const Block& b) { return at < b.open; });
  int b = static_cast<int>(it - blocks.begin()) - 1;
  while (b >= 0 && !(offset < blocks[b].close)) b = blocks[b].parent;
  return b;
}

int Structure::function_at(uint32_t offset) const {
  int b = block_at(offset);
  while (b >= 0 && blocks[b].type == BlockType::Lambda) b = blocks[b].parent;
  return b;
}

bool Structure::in_device_code(uint32_t offset) const {
  for (int b = block_at(offset); b >= 0; b = blocks[b].parent) {
    if (is_device_code(blocks[b].code) || blocks[b].device_by_use) return true;
    if (blocks[b].type != BlockType::Lambda) return false;
  }
  return false;
}

Structure find_structure(const LexedFile& lexed, const AttributeMacros* macros) {
  if (macros != nullptr) return Walker(lexed, macros).run();
  AttributeMacros own;  // without the repository's, the file's own macros still count
  own.collect(lexed);
  return Walker(lexed, &own).run();
}

void AttributeMacros::collect(const LexedFile& lexed) {
  // Two rounds so that a macro defined through another (`#define HD C10_HOST_DEVICE`) counts.
  for (int round = 0; round < 2; ++round) {
    for (const Directive& d : lexed.directives) {
      if (d.kind != DirectiveKind::Define || d.name.empty() || d.branch == Branch::Dead) continue;
      if (d.function_like) {
        if (is_kernel_loop_define(lexed, d)) ties[std::string(d.name)] = "TPU308";
        else if (std::string_view rule = tie_in_body(lexed, d); !rule.empty()) ties[std::string(d.name)] = rule;
        continue;
      }
      uint8_t bits = 0;
      for (uint32_t t = d.body_first; t < d.body_last; ++t) {
        std::string_view word = lexed.spelling(lexed.tokens[t]);
        if (word == "__global__") bits |= kGlobal;
        else if (word == "__device__" || word == "C10_DEVICE") bits |= kDevice;
        else if (word == "__host__" || word == "C10_HOST") bits |= kHost;
        else if (word == "C10_HOST_DEVICE" || word == "GPU_LAMBDA") bits |= kDevice | kHost;
        else if (auto it = flags.find(std::string(word)); it != flags.end()) bits |= it->second;
      }
      if (bits != 0) flags[std::string(d.name)] |= bits;
    }
  }
}

// The tie a function-like macro's body makes at each use: a device check (`x.is_cuda()`,
// `kCUDA`), or whatever tie a macro already known makes (`CHECK_INPUT` calling `CHECK_CUDA`).
std::string_view AttributeMacros::tie_in_body(const LexedFile& lexed, const Directive& define) const {
  for (uint32_t t = define.body_first; t < define.body_last; ++t) {
    std::string_view word = lexed.spelling(lexed.tokens[t]);
    if (word == "is_cuda" || word == "kCUDA" || word == "CHECK_CUDA" || word == "CHECK_IS_CUDA") return "TPU327";
    if (lexed.tokens[t].kind != TokenKind::Identifier || word == define.name) continue;
    if (auto it = ties.find(word); it != ties.end()) return it->second;
  }
  return {};
}

bool is_kernel_loop_define(const LexedFile& lexed, const Directive& define) {
  bool loop = false;
  for (uint32_t t = define.body_first; t < define.body_last; ++t) {
    std::string_view word = lexed.spelling(lexed.tokens[t]);
    if (word == "for") loop = true;
    else if (loop && (word == "blockIdx" || word == "threadIdx" || word == "gridDim")) return true;
  }
  return false;
}

}  // namespace tpu::cpp
