// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/fast_parser.h"

#include <algorithm>
#include <set>

#include "analyzer/cpp/structure.h"

namespace tpu::cpp {
namespace {

// Shared by the stand-in's precompilation and every parse that uses it: a precompiled
// header is only accepted by a parse with the same language options.
std::vector<std::string> base_arguments(bool cuda, const std::string& nowhere) {
  std::vector<std::string> args;
  if (cuda) {
    // Host-side CUDA: kernels and launches parse, no device compilation, and no toolkit is
    // looked up (a path without one keeps the parse independent of the machine).
    args = {"-x", "cuda", "--cuda-host-only", "-nocudainc", "-nocudalib", "--cuda-path=" + nowhere};
  } else {
    args = {"-x", "c++"};
  }
  // No GCC installation to look for either: the driver would stat dozens of paths per file.
  args.insert(args.end(), {"-std=c++17", "-nostdinc", "-nostdinc++", "--gcc-toolchain=" + nowhere, "-w",
                           "-ferror-limit=0", "-fno-spell-checking"});
  return args;
}

}  // namespace

std::string FastParser::prepare(bool cuda) {
  std::lock_guard lock(mutex_);
  int slot = cuda ? 1 : 0;
  if (tried_[slot]) return error_[slot];
  tried_[slot] = true;
  if (work_.path().empty()) return error_[slot] = "no temporary folder for the stand-in header";
  // Written once for both precompiled headers: each PCH records the header's modification
  // time, and rewriting it for the second one made clang reject the first as out of date
  // (files of the other language then parsed with no tree, now and then).
  if (header_.empty()) header_ = work_.write("standin/tpu_standin.h", std::string(standin_header()));
  const std::filesystem::path& header = header_;
  if (header.empty()) return error_[slot] = "cannot write the stand-in header";
  std::string pch = (work_.path() / (cuda ? "standin-cuda.pch" : "standin-cxx.pch")).string();
  std::vector<std::string> args = base_arguments(cuda, (work_.path() / "nowhere").string());
  IndexPtr index = make_index();
  std::vector<const char*> argv = as_argv(args);
  CXTranslationUnit unit = nullptr;
  CXErrorCode code = clang_parseTranslationUnit2(
      index.get(), header.c_str(), argv.data(), static_cast<int>(argv.size()), nullptr, 0,
      CXTranslationUnit_Incomplete | CXTranslationUnit_ForSerialization, &unit);
  UnitPtr owned(unit);
  if (code != CXError_Success || unit == nullptr)
    return error_[slot] = "libclang could not parse the stand-in header (error " + std::to_string(code) + ")";
  if (clang_saveTranslationUnit(unit, pch.c_str(), clang_defaultSaveOptions(unit)) != CXSaveError_None)
    return error_[slot] = "libclang could not save the precompiled stand-in header";
  pch_[slot] = pch;
  return "";
}

std::vector<std::string> FastParser::arguments(bool cuda) const {
  std::vector<std::string> args = base_arguments(cuda, (work_.path() / "nowhere").string());
  args.push_back("-include-pch");
  args.push_back(pch_[cuda ? 1 : 0]);
  return args;
}

unsigned FastParser::options() {
  // Single-file mode skips every #include; KeepGoing keeps parsing after errors, which a
  // file without its headers always has.
  return CXTranslationUnit_SingleFileParse | CXTranslationUnit_KeepGoing |
         CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
}

std::string launched_kernel_declarations(std::string_view text) {
  if (text.find("<<<") == std::string_view::npos) return {};
  LexedFile lexed = lex(text);
  Structure structure = find_structure(lexed);
  std::set<std::string> declared;
  for (const Block& block : structure.blocks) declared.insert(block.name);
  for (uint32_t offset : structure.definition_names) {
    auto token = std::lower_bound(lexed.tokens.begin(), lexed.tokens.end(), offset,
                                  [](const Token& t, uint32_t at) { return t.begin < at; });
    if (token != lexed.tokens.end()) declared.insert(std::string(lexed.spelling(*token)));
  }
  std::set<std::string> wanted;
  for (const Launch& launch : structure.launches) {
    bool qualified = text.substr(launch.begin, launch.end - launch.begin).find("::") != std::string_view::npos;
    if (launch.chevron == UINT32_MAX || !launch.macro.empty() || launch.kernel.empty() || qualified) continue;
    if (!declared.count(launch.kernel)) wanted.insert(launch.kernel);
  }
  std::string out;
  for (const std::string& kernel : wanted) out += "template <class... T> __global__ void " + kernel + "(T...);\n";
  return out;
}

AstFacts parse_and_collect(CXIndex index, const std::string& path, const std::string& text,
                           const std::vector<std::string>& arguments, unsigned options,
                           std::string& problem, uint32_t prefix) {
  std::vector<UnsavedFile> unsaved{{path, text}};
  std::vector<CXUnsavedFile> files = as_unsaved(unsaved);
  std::vector<const char*> argv = as_argv(arguments);
  CXTranslationUnit unit = nullptr;
  CXErrorCode code = clang_parseTranslationUnit2(index, path.c_str(), argv.data(), static_cast<int>(argv.size()),
                                                 files.data(), static_cast<unsigned>(files.size()), options, &unit);
  UnitPtr owned(unit);
  if (code != CXError_Success || unit == nullptr) {
    problem = code == CXError_Crashed ? "libclang crashed on this file" : "libclang could not parse this file";
    return {};
  }
  return collect_ast_facts(unit, prefix, static_cast<uint32_t>(text.size()) - prefix, /*typed=*/false);
}

}  // namespace tpu::cpp
