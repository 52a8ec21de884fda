// SPDX-License-Identifier: Apache-2.0
// The op database over the embedded tables: hash maps of views into the table text, built once.

#include "opdb/opdb.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "opdb/embedded_tables.h"
#include "opdb/status_table.h"
#include "opdb/table_reader.h"

namespace tpu::opdb {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 5> kStatusNames = {{
    {Status::Lowered, "lowered"},
    {Status::Decomposed, "decomposed"},
    {Status::Fallback, "fallback"},
    {Status::Unsupported, "unsupported"},
    {Status::Unknown, "unknown"},
}};

struct OpRow {
  std::string_view overload, op, other_tags, dispatch, kernels;
  bool representative = false, core = false, dynamic_output_shape = false, data_dependent_output = false,
       python_decomposition = false;
};

template <class String>
std::vector<String> split_list(std::string_view text, std::string_view prefix = {}) {
  std::vector<String> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    if (end > start) {
      if constexpr (std::is_same_v<String, std::string>) {
        out.push_back(std::string(prefix) + std::string(text.substr(start, end - start)));
      } else {
        out.push_back(text.substr(start, end - start));
      }
    }
    start = end + 1;
  }
  return out;
}

// "aten::add.Tensor", "torch.ops.aten.add.Tensor", "add.default" -> "add.Tensor", "add";
// other namespaces keep theirs: "torchvision::nms".
std::string normalize_op_name(std::string_view name) {
  constexpr std::string_view kDefault = ".default";
  if (name.size() > kDefault.size() && name.substr(name.size() - kDefault.size()) == kDefault) {
    name.remove_suffix(kDefault.size());
  }
  std::string namespace_prefix;  // "torchvision::" for non-aten ops
  constexpr std::string_view kTorchOps = "torch.ops.";
  if (name.substr(0, kTorchOps.size()) == kTorchOps) {
    name.remove_prefix(kTorchOps.size());
    size_t dot = name.find('.');
    if (dot == std::string_view::npos) return std::string(name);
    if (name.substr(0, dot) != "aten") namespace_prefix = std::string(name.substr(0, dot)) + "::";
    name.remove_prefix(dot + 1);
  }
  constexpr std::string_view kAten = "aten::";
  if (name.substr(0, kAten.size()) == kAten) name.remove_prefix(kAten.size());
  return namespace_prefix + std::string(name);
}

std::string display_name(std::string_view overload) {
  if (overload.find("::") != std::string_view::npos) return std::string(overload);
  return "aten::" + std::string(overload);
}

}  // namespace

std::string_view to_string(Status status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<Status> status_from_string(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

struct OpDb::Impl {
  std::vector<OpRow> ops;
  std::unordered_map<std::string_view, size_t> op_index;                    // overload -> ops[i]
  std::unordered_map<std::string_view, std::vector<size_t>> overloads_of;  // op -> ops[i], table order
  std::unordered_map<std::string_view, size_t> representative;             // op -> ops[i]
  std::map<std::string, std::unique_ptr<StatusTable>> status;  // target -> table
  std::vector<PythonApiEntry> python;
  std::unordered_map<std::string_view, size_t> python_index;
  std::vector<CudaApiEntry> cuda;
  std::unordered_map<std::string_view, size_t> cuda_index;  // views into cuda[i].api
  std::vector<std::string> errors;                          // from the eagerly parsed tables
  std::vector<UserTable> synced;                            // owns the synced texts the layers view
  std::vector<SyncedTableInfo> synced_info;
  std::once_flag all_errors_once;
  std::vector<std::string> all_errors;

  void load_ops(std::string_view text);
  void load_python(std::string_view text);
  void load_cuda(std::string_view text);
  // The table for a canonical target, parsed on first use; nullptr when the target has none.
  const StatusTable* status_table(const std::string& target) const;
  // The overload an op name resolves to ("softmax" -> "softmax.int"), or empty when unknown.
  std::string_view resolve(const std::string& name, const StatusTable* table) const;
  OpInfo describe(std::string_view overload, const std::string& target, const StatusTable* table) const;
};

const StatusTable* OpDb::Impl::status_table(const std::string& target) const {
  auto it = status.find(target);
  if (it == status.end()) return nullptr;
  StatusTable& table = *it->second;
  std::call_once(table.parsed, [&] { table.parse(); });
  return &table;
}

void OpDb::Impl::load_ops(std::string_view text) {
  TableReader reader(text, "aten_ops.tsv", errors);
  const int overload = reader.column("overload"), op = reader.column("op"), rep = reader.column("representative"),
            core = reader.column("core"), dyn = reader.column("dynamic_output_shape"),
            dd = reader.column("data_dependent_output"), other = reader.column("other_tags"),
            dispatch = reader.column("dispatch"), kernels = reader.column("kernels"),
            py = reader.column("python_decomposition");
  while (reader.next()) {
    OpRow r{reader.field(overload), reader.field(op), reader.field(other), reader.field(dispatch),
            reader.field(kernels)};
    r.representative = reader.field(rep) == "1";
    r.core = reader.field(core) == "1";
    r.dynamic_output_shape = reader.field(dyn) == "1";
    r.data_dependent_output = reader.field(dd) == "1";
    r.python_decomposition = reader.field(py) == "1";
    const size_t index = ops.size();
    ops.push_back(r);
    op_index.emplace(r.overload, index);
    overloads_of[r.op].push_back(index);
    if (r.representative) representative.emplace(r.op, index);
  }
}

void OpDb::Impl::load_python(std::string_view text) {
  TableReader reader(text, "python_api.tsv", errors);
  const int api = reader.column("api"), aten = reader.column("aten"), also = reader.column("also"),
            source = reader.column("source"), note = reader.column("note");
  while (reader.next()) {
    python_index.emplace(reader.field(api), python.size());
    python.push_back(PythonApiEntry{reader.field(api), reader.field(aten),
                                    split_list<std::string_view>(reader.field(also)), reader.field(source),
                                    reader.field(note)});
  }
}

void OpDb::Impl::load_cuda(std::string_view text) {
  TableReader reader(text, "cuda_api_map.tsv", errors);
  const int api = reader.column("api"), category = reader.column("category"), xla = reader.column("xla"),
            torchtpu = reader.column("torchtpu"), note = reader.column("note"), source = reader.column("source");
  while (reader.next()) {
    cuda.push_back(CudaApiEntry{std::string(reader.field(api)), std::string(reader.field(category)),
                                std::string(reader.field(xla)), std::string(reader.field(torchtpu)),
                                std::string(reader.field(note)), std::string(reader.field(source))});
  }
  for (size_t i = 0; i < cuda.size(); ++i) {
    if (!cuda_index.emplace(cuda[i].api, i).second) errors.push_back("cuda_api_map.tsv: duplicate " + cuda[i].api);
  }
}

std::string_view OpDb::Impl::resolve(const std::string& name, const StatusTable* table) const {
  if (auto it = op_index.find(name); it != op_index.end()) return ops[it->second].overload;
  if (table != nullptr) {
    if (auto it = table->by_overload.find(name); it != table->by_overload.end()) return it->first;
  }
  if (name.find('.') == std::string::npos) {
    if (auto it = representative.find(name); it != representative.end()) return ops[it->second].overload;
  }
  return {};
}

OpInfo OpDb::Impl::describe(std::string_view overload, const std::string& target, const StatusTable* table) const {
  OpInfo info;
  info.name = display_name(overload);
  info.target = target;
  info.found = true;
  if (auto it = op_index.find(overload); it != op_index.end()) {
    const OpRow& row = ops[it->second];
    info.core = row.core;
    info.dynamic_output_shape = row.dynamic_output_shape;
    info.data_dependent_output = row.data_dependent_output;
    info.python_decomposition = row.python_decomposition;
    info.dispatch = std::string(row.dispatch);
    info.kernels = std::string(row.kernels);
    if (row.core) info.tags.push_back("core");
    if (row.dynamic_output_shape) info.tags.push_back("dynamic_output_shape");
    if (row.data_dependent_output) info.tags.push_back("data_dependent_output");
    for (auto& tag : split_list<std::string>(row.other_tags)) info.tags.push_back(std::move(tag));
  }
  auto it = table->by_overload.find(overload);
  if (it == table->by_overload.end()) {
    info.found = false;
    info.reason = "no status for this op on target " + target;
    return info;
  }
  const StatusEntry& entry = it->second;
  info.status = entry.status;
  info.kind = std::string(entry.kind);
  info.reason = std::string(entry.reason);
  info.condition = std::string(entry.condition);
  info.decomposes_into = split_list<std::string>(entry.decomposes_into, "aten::");
  info.provenance = std::string(entry.provenance);
  return info;
}

OpDb::OpDb(const TableTexts& texts) : impl_(std::make_unique<Impl>()) {
  impl_->load_ops(texts.aten_ops);
  impl_->load_python(texts.python_api);
  impl_->load_cuda(texts.cuda_api_map);
  for (const auto& [target, text] : texts.status) {
    auto table = std::make_unique<StatusTable>();
    table->layers.push_back(StatusLayer{"status_" + target + ".tsv", text, false});
    impl_->status.emplace(target, std::move(table));
  }
  impl_->errors.insert(impl_->errors.end(), texts.errors.begin(), texts.errors.end());
  // Copied first and never resized afterwards: the layers keep views into these texts.
  impl_->synced = texts.synced;
  for (const auto& user : impl_->synced) {
    const std::string target = canonical_target(user.target).value_or(user.target);
    auto& table = impl_->status[target];
    if (!table) table = std::make_unique<StatusTable>();
    table->layers.push_back(StatusLayer{user.path.string(), user.text, true});
    impl_->synced_info.push_back(SyncedTableInfo{target, user.path.string(), synced_header(user.text)});
  }
}

OpDb::~OpDb() = default;
OpDb::OpDb(OpDb&&) noexcept = default;
OpDb& OpDb::operator=(OpDb&&) noexcept = default;

namespace {

TableTexts embedded_texts() {
  return TableTexts{embedded::kAtenOps,
                    embedded::kPythonApi,
                    embedded::kCudaApiMap,
                    {{"xla", embedded::kStatusXla},
                     {"torchtpu", embedded::kStatusTorchTpu},
                     {"xpu", embedded::kStatusXpu},
                     {"mps", embedded::kStatusMps},
                     {"ascend", embedded::kStatusAscend}},
                    {},
                    {}};
}

// The user's synced tables join the embedded ones; problems reading them become load_errors().
OpDb with_user_tables() {
  TableTexts texts = embedded_texts();
  if (auto dir = user_data_dir()) texts.synced = read_user_tables(*dir, texts.errors);
  return OpDb(texts);
}

}  // namespace

const OpDb& OpDb::builtin() {
  // A function-local static: built on first use, and C++ guarantees one thread builds it.
  static const OpDb db = with_user_tables();
  return db;
}

const OpDb& OpDb::embedded_only() {
  static const OpDb db(embedded_texts());
  return db;
}

const std::vector<std::string>& OpDb::targets() {
  static const std::vector<std::string> kTargets = {"xla", "torchtpu", "xpu", "mps", "ascend"};
  return kTargets;
}

std::optional<std::string> OpDb::canonical_target(std::string_view target) {
  // "tpu" is TorchTPU's device name (torch.device("tpu")), so it names TorchTPU, never
  // PyTorch/XLA (whose device is "xla"); "npu" is what torch_npu calls Ascend.
  if (target == "tpu") return std::string(kTorchTpuTarget);
  if (target == "npu") return std::string("ascend");
  for (const auto& known : targets()) {
    if (known == target) return known;
  }
  return std::nullopt;
}

std::optional<std::string> OpDb::resolve_target(std::string_view target) const {
  if (auto canonical = canonical_target(target)) return canonical;
  for (const auto& info : impl_->synced_info) {
    if (info.target == target) return info.target;
  }
  return std::nullopt;
}

std::vector<std::string> OpDb::all_targets() const {
  std::vector<std::string> out = targets();
  for (const auto& info : impl_->synced_info) {
    if (std::find(out.begin(), out.end(), info.target) == out.end()) out.push_back(info.target);
  }
  return out;
}

const std::vector<SyncedTableInfo>& OpDb::synced_tables() const { return impl_->synced_info; }

OpInfo OpDb::lookup(std::string_view op, std::string_view target) const {
  const std::string name = normalize_op_name(op);
  auto canonical = resolve_target(target);
  OpInfo info;
  info.name = display_name(name);
  info.target = std::string(target);
  if (!canonical) {
    std::string known;
    for (const auto& t : all_targets()) known += (known.empty() ? "" : ", ") + t;
    info.reason = "unknown target `" + std::string(target) + "` (known: " + known + ")";
    return info;
  }
  info.target = *canonical;
  const StatusTable* table = impl_->status_table(*canonical);
  std::string_view overload = impl_->resolve(name, table);
  if (overload.empty()) {
    info.reason = name.find("::") != std::string::npos
                      ? "not an aten op and not in the database (a custom or library op)"
                      : "not in the op database (torch 2.14.1 native_functions.yaml): newer, removed or custom op";
    return info;
  }
  if (table == nullptr) {
    info.reason = "no status table for target " + *canonical;
    return info;
  }
  return impl_->describe(overload, *canonical, table);
}

std::vector<std::string> OpDb::overloads(std::string_view op) const {
  std::string name = normalize_op_name(op);
  std::vector<std::string> out;
  auto by_overload = impl_->op_index.find(name);
  if (by_overload != impl_->op_index.end()) name = std::string(impl_->ops[by_overload->second].op);
  auto it = impl_->overloads_of.find(name);
  if (it == impl_->overloads_of.end()) return out;
  for (size_t index : it->second) out.push_back(display_name(impl_->ops[index].overload));
  return out;
}

std::vector<OpInfo> OpDb::list(Status status, std::string_view target) const {
  std::vector<OpInfo> out;
  auto canonical = resolve_target(target);
  if (!canonical) return out;
  const StatusTable* table = impl_->status_table(*canonical);
  if (table == nullptr) return out;
  for (std::string_view overload : table->order) {
    if (table->by_overload.at(overload).status == status) out.push_back(impl_->describe(overload, *canonical, table));
  }
  std::sort(out.begin(), out.end(), [](const OpInfo& a, const OpInfo& b) { return a.name < b.name; });
  return out;
}

const PythonApiEntry* OpDb::python_api(std::string_view qualified_api) const {
  // `torch.Tensor.nonzero` and `Tensor.nonzero` name the same method; the table uses the short form.
  constexpr std::string_view kTorchTensor = "torch.Tensor.";
  std::string_view api = qualified_api;
  std::string normalized;
  if (api.substr(0, kTorchTensor.size()) == kTorchTensor) {
    normalized = "Tensor." + std::string(api.substr(kTorchTensor.size()));
    api = normalized;
  }
  auto it = impl_->python_index.find(api);
  return it == impl_->python_index.end() ? nullptr : &impl_->python[it->second];
}

std::optional<std::string> OpDb::aten_for_python(std::string_view qualified_api) const {
  const PythonApiEntry* entry = python_api(qualified_api);
  if (entry == nullptr) return std::nullopt;
  return std::string(entry->aten);
}

const CudaApiEntry* OpDb::cuda_api(std::string_view qualified_api) const {
  std::string_view api = qualified_api;
  while (!api.empty()) {
    if (auto it = impl_->cuda_index.find(api); it != impl_->cuda_index.end()) return &impl_->cuda[it->second];
    size_t dot = api.rfind('.');
    if (dot == std::string_view::npos) break;
    api = api.substr(0, dot);
  }
  return nullptr;
}

const std::vector<CudaApiEntry>& OpDb::cuda_apis() const { return impl_->cuda; }

const std::vector<std::string>& OpDb::load_errors() const {
  std::call_once(impl_->all_errors_once, [this] {
    impl_->all_errors = impl_->errors;
    for (const auto& [target, table] : impl_->status) {
      const StatusTable* parsed = impl_->status_table(target);
      impl_->all_errors.insert(impl_->all_errors.end(), parsed->errors.begin(), parsed->errors.end());
    }
  });
  return impl_->all_errors;
}

}  // namespace tpu::opdb
