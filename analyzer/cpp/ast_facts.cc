// SPDX-License-Identifier: Apache-2.0
// One pre-order walk over the main file's cursors. Positions are file locations: a token
// from a macro argument is where the argument is written, a token from a macro body is
// where the macro is invoked, so every fact lands on a byte of this file.
#include "analyzer/cpp/ast_facts.h"

#include <optional>

#include "analyzer/cpp/libclang.h"

namespace tpu::cpp {
namespace {

bool is_function_kind(CXCursorKind kind) {
  return kind == CXCursor_FunctionDecl || kind == CXCursor_CXXMethod || kind == CXCursor_Constructor ||
         kind == CXCursor_Destructor || kind == CXCursor_ConversionFunction ||
         kind == CXCursor_FunctionTemplate;
}

class Walk {
 public:
  Walk(CXTranslationUnit unit, uint32_t prefix, uint32_t size, bool typed)
      : prefix_(prefix), size_(size), typed_(typed) {
    main_ = clang_getFile(unit, take(clang_getTranslationUnitSpelling(unit)).c_str());
    out_.available = true;
  }

  AstFacts run(CXTranslationUnit unit) {
    clang_visitChildren(clang_getTranslationUnitCursor(unit), &Walk::visit, this);
    return std::move(out_);
  }

 private:
  std::optional<uint32_t> in_file(CXSourceLocation location, bool spelling = false) const {
    CXFile file = nullptr;
    unsigned offset = 0;
    if (spelling) clang_getSpellingLocation(location, &file, nullptr, nullptr, &offset);
    else clang_getFileLocation(location, &file, nullptr, nullptr, &offset);
    if (file == nullptr || main_ == nullptr || !clang_File_isEqual(file, main_)) return std::nullopt;
    if (offset < prefix_ || offset - prefix_ > size_) return std::nullopt;
    return offset - prefix_;
  }

  static CXChildVisitResult visit(CXCursor cursor, CXCursor parent, CXClientData data) {
    return static_cast<Walk*>(data)->on(cursor, parent);
  }

  CXChildVisitResult on(CXCursor cursor, CXCursor parent) {
    CXCursorKind kind = clang_getCursorKind(cursor);
    if (clang_getCursorKind(parent) == CXCursor_TranslationUnit &&
        !in_file(clang_getCursorLocation(cursor)))
      return CXChildVisit_Continue;  // a declaration from a header or the stand-in

    if (is_function_kind(kind) || kind == CXCursor_LambdaExpr) {
      if (kind == CXCursor_LambdaExpr || clang_isCursorDefinition(cursor)) open_function(cursor, kind);
    } else if (kind == CXCursor_CUDAGlobalAttr || kind == CXCursor_CUDADeviceAttr ||
               kind == CXCursor_CUDAHostAttr) {
      if (AstBody* body = body_of(parent)) {
        Attributes& a = attributes_[body - out_.bodies.data()];
        a.global |= kind == CXCursor_CUDAGlobalAttr;
        a.device |= kind == CXCursor_CUDADeviceAttr;
        a.host |= kind == CXCursor_CUDAHostAttr;
        body->code = a.global ? CodeKind::Kernel
                     : a.device ? (a.host ? CodeKind::HostDevice : CodeKind::Device)
                                : CodeKind::Host;
      }
    } else if (kind == CXCursor_CompoundStmt) {
      if (AstBody* body = body_of(parent)) {
        CXSourceRange extent = clang_getCursorExtent(cursor);
        if (auto open = in_file(clang_getRangeStart(extent))) body->open = *open;
        if (auto close = in_file(clang_getRangeEnd(extent))) body->close = *close;
      }
    } else if (kind == CXCursor_CallExpr) {
      on_call(cursor, parent);
    } else if (typed_ && (kind == CXCursor_MemberRefExpr || kind == CXCursor_DeclRefExpr ||
                          kind == CXCursor_TypeRef)) {
      on_typed(cursor, parent);
    }
    return CXChildVisit_Recurse;
  }

  void open_function(CXCursor cursor, CXCursorKind kind) {
    AstBody body;
    body.lambda = kind == CXCursor_LambdaExpr;
    body.is_template = kind == CXCursor_FunctionTemplate;
    if (!body.lambda) {
      body.name = take(clang_getCursorSpelling(cursor));
      body.qualified = qualified(cursor);
      CXSourceLocation at = clang_getCursorLocation(cursor);
      if (auto begin = in_file(at)) {
        body.name_begin = *begin;
        body.name_end = *begin + static_cast<uint32_t>(body.name.size());
      }
    }
    body.open = UINT32_MAX;
    functions_.push_back({cursor, out_.bodies.size()});
    attributes_.push_back({});
    out_.bodies.push_back(std::move(body));
  }

  AstBody* body_of(CXCursor parent) {
    for (size_t i = functions_.size(); i-- > 0 && functions_.size() - i <= 8;)
      if (clang_equalCursors(functions_[i].cursor, parent)) return &out_.bodies[functions_[i].index];
    return nullptr;
  }

  void on_call(CXCursor call, CXCursor parent) {
    CXCursor callee = clang_getCursorReferenced(call);
    std::string name = take(clang_getCursorSpelling(callee));
    if (name.empty()) return;
    if ((name == "__cudaPushCallConfiguration" || name == "cudaConfigureCall") &&
        clang_getCursorKind(parent) == CXCursor_CallExpr) {
      // The execution configuration of a `<<<…>>>` launch: its parent is the launch.
      AstLaunch launch;
      launch.kernel = take(clang_getCursorSpelling(clang_getCursorReferenced(parent)));
      if (auto chevron = in_file(clang_getCursorLocation(call), /*spelling=*/true)) launch.chevron = *chevron;
      auto begin = in_file(clang_getRangeStart(clang_getCursorExtent(parent)));
      if (!begin) return;
      launch.begin = *begin;
      out_.launches.push_back(std::move(launch));
      return;
    }
    if (auto at = in_file(clang_getCursorLocation(call))) out_.calls.push_back({*at, std::move(name)});
  }

  // Deep mode: references that resolve into a CUDA namespace or a CUDA class.
  void on_typed(CXCursor cursor, CXCursor parent) {
    CXCursor target = clang_getCursorReferenced(cursor);
    if (clang_Cursor_isNull(target)) return;
    CXCursor owner = clang_getCursorSemanticParent(target);
    std::string owner_name = take(clang_getCursorSpelling(owner));
    if (owner_name != "cuda" && !owner_name.starts_with("CUDA")) return;
    std::string full = qualified(target);
    if (!(full.starts_with("at::cuda::") || full.starts_with("c10::cuda::") || full.starts_with("torch::cuda::")))
      return;
    CXSourceLocation at = clang_getCursorLocation(cursor);
    auto begin = in_file(at);
    if (!begin) return;
    AstTypedReference reference;
    reference.begin = *begin;
    reference.end = *begin + static_cast<uint32_t>(take(clang_getCursorSpelling(target)).size());
    reference.qualified = std::move(full);
    reference.is_call = clang_getCursorKind(parent) == CXCursor_CallExpr;
    out_.typed.push_back(std::move(reference));
  }

  static std::string qualified(CXCursor cursor) {
    std::string name = take(clang_getCursorSpelling(cursor));
    for (CXCursor up = clang_getCursorSemanticParent(cursor);
         !clang_Cursor_isNull(up) && clang_getCursorKind(up) != CXCursor_TranslationUnit;
         up = clang_getCursorSemanticParent(up)) {
      std::string part = take(clang_getCursorSpelling(up));
      if (part.empty()) continue;  // anonymous namespaces
      name = part + "::" + name;
    }
    return name;
  }

  struct Open {
    CXCursor cursor;
    size_t index;
  };
  CXFile main_ = nullptr;
  uint32_t prefix_, size_;
  bool typed_;
  struct Attributes {
    bool global = false, device = false, host = false;
  };
  std::vector<Open> functions_;
  std::vector<Attributes> attributes_;  ///< parallel to out_.bodies
  AstFacts out_;
};

}  // namespace

AstFacts collect_ast_facts(CXTranslationUnit unit, uint32_t prefix, uint32_t size, bool typed) {
  Walk walk(unit, prefix, size, typed);
  AstFacts facts = walk.run(unit);
  // Declarations without a body (a prototype that clang_isCursorDefinition let through, or a
  // body outside this file) carry nothing to confirm.
  std::erase_if(facts.bodies, [](const AstBody& body) { return body.open == UINT32_MAX; });
  return facts;
}

}  // namespace tpu::cpp
