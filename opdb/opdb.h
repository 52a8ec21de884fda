// SPDX-License-Identifier: Apache-2.0
// The op database: aten op status per target, Python API -> aten op, CUDA API -> replacement.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opdb/targets.h"
#include "opdb/user_tables.h"

namespace tpu::opdb {

/// Will an aten op run on the target device, and how. Ordered from best to worst is not implied.
enum class Status { Lowered, Decomposed, Fallback, Unsupported, Unknown };

/// "lowered", "decomposed", "fallback", "unsupported", "unknown".
std::string_view to_string(Status status);
/// Inverse of to_string; nullopt for any other text.
std::optional<Status> status_from_string(std::string_view text);

/// The answer for one aten overload on one target.
struct OpInfo {
  std::string name;        ///< resolved overload: "aten::nonzero", "aten::add.Tensor"
  Status status = Status::Unknown;
  std::string reason;      ///< one line: "no XLA lowering; CPU fallback (host round trip per call)"
  std::string provenance;  ///< "xla_native_functions.yaml@41398bf…", "native_functions.yaml@torch-2.14.1"
  std::string target;      ///< the canonical target asked for ("xla", "torchtpu", ...)
  bool found = false;      ///< false when the op (or the target) is not in the database
  std::string kind;        ///< finer reason class: "lowered_conditional", "cpu_fallback", "composite_implicit", ...
  std::string condition;   ///< when a lowered op still falls back ("beta != 1 or alpha != 1"); may be empty
  std::vector<std::string> decomposes_into;  ///< for listed composite ops: "aten::_softmax", ...
  std::vector<std::string> tags;             ///< PyTorch's tags: "core", "dynamic_output_shape", ...
  bool core = false;                   ///< member of the Core ATen IR opset (tag `core`)
  bool dynamic_output_shape = false;   ///< tag `dynamic_output_shape`: output size depends on data
  bool data_dependent_output = false;  ///< tag `data_dependent_output`: e.g. `.item()`
  bool python_decomposition = false;   ///< torch/_decomp or torch/_refs registers one (torch.compile/export)
  std::string dispatch;    ///< "backend", "CompositeImplicitAutograd", "CompositeExplicitAutograd", "autogen", ...
  std::string kernels;     ///< upstream kernels: "CPU,CUDA,MPS,XPU,sparse"
};

/// A row of the hand-curated CUDA API map (opdb/data/cuda_api_map.tsv).
struct CudaApiEntry {
  std::string api, category, xla, torchtpu, note, source;
};

/// A row of the Python API map (opdb/data/python_api.tsv). The views point into the table text and
/// live as long as the OpDb (forever for OpDb::builtin()).
struct PythonApiEntry {
  std::string_view api;                 ///< "torch.nn.functional.softmax"
  std::string_view aten;                ///< "aten::softmax.int"
  std::vector<std::string_view> also;   ///< other ops the call may reach, depending on arguments
  std::string_view source;              ///< "derived" (native_functions.yaml) or "manual"
  std::string_view note;
};

/// The raw table texts an OpDb is built from. The views must outlive the OpDb (the builtin ones are
/// string constants compiled into the binary); the synced tables are copied into it.
struct TableTexts {
  std::string_view aten_ops;
  std::string_view python_api;
  std::string_view cuda_api_map;
  std::vector<std::pair<std::string, std::string_view>> status;  ///< target -> status_<target>.tsv
  /// Tables from `tpu-migrate opdb sync`, laid over `status` target by target: a synced row
  /// replaces the built-in row of the same overload (with the exceptions in status_table.h), the
  /// built-in rows it lacks stay. A synced target need not be a built-in one ("cpu-test").
  std::vector<UserTable> synced;
  /// Problems met while gathering the texts (an unreadable synced table); part of load_errors().
  std::vector<std::string> errors;
};

/// A synced table in use: its target, file, and `#synced` header (torch version, dispatch key...).
struct SyncedTableInfo {
  std::string target;
  std::string path;
  std::vector<std::pair<std::string, std::string>> header;
};

class OpDb {
 public:
  /// Parses the op, Python and CUDA tables; a target's status table is parsed on its first lookup.
  /// Malformed lines are skipped and listed in load_errors().
  explicit OpDb(const TableTexts& texts);
  ~OpDb();
  OpDb(OpDb&&) noexcept;
  OpDb& operator=(OpDb&&) noexcept;

  /// The database every command uses: the tables embedded at build time, overlaid with the user's
  /// synced tables found in user_data_dir() (user_tables.h) at first use, so answers match the
  /// user's own torch / torch_xla once they ran `tpu-migrate opdb sync`. Built once, thread-safe.
  static const OpDb& builtin();
  /// Only the tables embedded at build time, whatever the user synced (tests, comparisons).
  static const OpDb& embedded_only();

  /// Built-in targets: "xla", "torchtpu", "xpu", "mps", "ascend".
  static const std::vector<std::string>& targets();
  /// Canonical built-in target name for `target` ("tpu" -> "torchtpu", "npu" -> "ascend"), or nullopt.
  static std::optional<std::string> canonical_target(std::string_view target);
  /// canonical_target(), or `target` itself when a synced table exists for it.
  std::optional<std::string> resolve_target(std::string_view target) const;
  /// targets() followed by the synced targets that are not built-in ones.
  std::vector<std::string> all_targets() const;
  /// The synced tables in use, sorted by target.
  const std::vector<SyncedTableInfo>& synced_tables() const;

  /// `op`: "aten::nonzero" (the op's default or representative overload), "aten::add.Tensor",
  /// "add.Tensor", "torch.ops.aten.add.Tensor", "aten::add.default", "torchvision::nms".
  /// Status Unknown (found == false) when the op or the target is not in the database.
  OpInfo lookup(std::string_view op, std::string_view target = kDefaultTarget) const;

  /// All overloads of the op that `op` names, in table order ("aten::add.Tensor", "aten::add.out", ...).
  std::vector<std::string> overloads(std::string_view op) const;

  /// Every overload with `status` on `target`, sorted by name.
  std::vector<OpInfo> list(Status status, std::string_view target = kDefaultTarget) const;

  /// "torch.nonzero", "torch.nn.functional.conv2d", "torch.nn.Conv2d", "Tensor.nonzero" (or
  /// "torch.Tensor.nonzero") -> "aten::nonzero", "aten::conv2d", "aten::convolution", ...
  std::optional<std::string> aten_for_python(std::string_view qualified_api) const;
  /// The full Python map entry, or nullptr.
  const PythonApiEntry* python_api(std::string_view qualified_api) const;

  /// The CUDA API map entry for `qualified_api`, else for its longest dotted prefix that has an
  /// entry ("flash_attn.flash_attn_func" -> "flash_attn"), else nullptr.
  const CudaApiEntry* cuda_api(std::string_view qualified_api) const;
  /// Every CUDA API map entry, in file order.
  const std::vector<CudaApiEntry>& cuda_apis() const;

  /// Problems found while parsing, after parsing every table (empty for the builtin tables; a test
  /// checks that). Not for concurrent use with the first lookups of a target.
  const std::vector<std::string>& load_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tpu::opdb
