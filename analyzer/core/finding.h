// SPDX-License-Identifier: Apache-2.0
// The data model every analyzer produces and every report consumes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpu {

/// The closed list of finding categories (ARCHITECTURE.md); every Finding has exactly one.
enum class Category : uint8_t {
  DevicePlacement,
  CudaApi,
  Amp,
  BackendFlags,
  Distributed,
  Dataloading,
  ThirdPartyCudaLib,
  CustomExtension,
  CudaKernel,
  CudaRuntimeCpp,
  CudaLibsCpp,
  DynamicShapeHazard,
  TorchCompile,
  UnsupportedOp,
};
inline constexpr int kCategoryCount = 14;

std::string_view to_string(Category category);
std::optional<Category> parse_category(std::string_view name);

/// Ordered from least to most severe so that comparisons read naturally.
enum class Severity : uint8_t { Info, Warning, Blocker };
std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view name);

/// How far a fix can be trusted: safe fixes apply by default, unsafe ones on request,
/// manual ones are advice only (ruff's Safe / Unsafe / DisplayOnly).
enum class Applicability : uint8_t { Manual, Unsafe, Safe };
std::string_view to_string(Applicability applicability);

/// A 1-based line/column span plus the half-open byte range it covers.
struct Location {
  std::string path;  ///< relative to the scan root, '/' separators
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
  uint32_t begin_byte = 0, end_byte = 0;
};

struct Edit {
  std::string path;
  uint32_t begin_byte = 0, end_byte = 0;  ///< half-open; empty range = insertion
  std::string replacement;
  /// 1-based line and code-point column of begin_byte and end_byte (the end is exclusive, as
  /// a Location's); 0 when not computed (edits made in memory, reports of older versions).
  uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
};

/// Where a mechanical fix applies, independent of the target profile and style: the
/// rewriter turns a site into edits with the rewrite map's template for (key, target, style)
/// (opdb/data/rewrite_map.tsv), so one table decides every replacement.
struct FixSite {
  std::string key;                        ///< rewrite-map key, e.g. "Tensor.cuda", "device.literal"
  uint32_t begin_byte = 0, end_byte = 0;  ///< the half-open range the template replaces
  std::vector<std::string> args;          ///< texts the template uses as {0}, {1}, …
};

struct Fix {
  Applicability applicability = Applicability::Manual;
  std::string description;
  /// The edits `rewrite` makes for this fix alone, for the scan's target and style (the fix's
  /// own edits, the imports and helpers it needs, the imports it leaves unused), when the scan
  /// attached them (rewriter::attach_fix_edits).
  std::vector<Edit> edits;
  std::optional<FixSite> site;  ///< what the rewriter materialises for a target and style
};

struct Finding {
  std::string rule;  ///< stable code, e.g. "TPU101"
  Category category = Category::CudaApi;
  Severity severity = Severity::Warning;
  Location location;
  std::string symbol;   ///< what was matched, e.g. "torch.cuda.synchronize"
  std::string message;  ///< what is wrong and the TPU way
  std::optional<Fix> fix;
};

/// An aten op the code uses: where, how often, and how it runs on the target.
struct OpUse {
  std::string op;      ///< "aten::nonzero" or an overload "aten::add.Tensor"
  std::string status;  ///< lowered | decomposed | fallback | unsupported | unknown
  std::string reason;  ///< one line from the op database
  std::vector<std::string> sources;  ///< "static" (from the code), "trace" (from a run)
  uint64_t count = 0;                ///< call sites (static) or calls (trace)
  std::vector<Location> locations;
};

/// A problem with an input (unreadable, binary, syntax error...): reported, never fatal.
struct InputError {
  std::string path;
  uint32_t line = 0;  ///< 0 when the problem has no position
  std::string message;
};

}  // namespace tpu
