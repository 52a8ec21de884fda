// SPDX-License-Identifier: Apache-2.0
// Small RAII and conversion helpers over the libclang C API (clang-c/Index.h), so that the
// rest of the front end never leaks an index, a translation unit or a CXString.
#pragma once

#include <clang-c/Index.h>

#include <memory>
#include <string>
#include <vector>

namespace tpu::cpp {

struct IndexDeleter {
  void operator()(void* index) const { clang_disposeIndex(index); }
};
/// One per thread: libclang indexes are not shared between threads here.
using IndexPtr = std::unique_ptr<void, IndexDeleter>;
inline IndexPtr make_index() { return IndexPtr(clang_createIndex(/*excludeDeclarationsFromPCH=*/1, 0)); }

struct UnitDeleter {
  void operator()(CXTranslationUnitImpl* unit) const { clang_disposeTranslationUnit(unit); }
};
using UnitPtr = std::unique_ptr<CXTranslationUnitImpl, UnitDeleter>;

inline std::string take(CXString text) {
  const char* chars = clang_getCString(text);
  std::string result = chars != nullptr ? chars : "";
  clang_disposeString(text);
  return result;
}

/// A file's contents given to libclang in place of what is on disk (or of a file that is
/// not there at all).
struct UnsavedFile {
  std::string path;
  std::string contents;
};

/// Keeps the C views of `files` for one libclang call.
inline std::vector<CXUnsavedFile> as_unsaved(const std::vector<UnsavedFile>& files) {
  std::vector<CXUnsavedFile> out;
  for (const UnsavedFile& file : files)
    out.push_back({file.path.c_str(), file.contents.data(), static_cast<unsigned long>(file.contents.size())});
  return out;
}

inline std::vector<const char*> as_argv(const std::vector<std::string>& args) {
  std::vector<const char*> out;
  for (const std::string& arg : args) out.push_back(arg.c_str());
  return out;
}

}  // namespace tpu::cpp
