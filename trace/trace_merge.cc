// SPDX-License-Identifier: Apache-2.0
// The merge of a trace into a scan result. Locations get real columns and byte ranges from the
// file (the first and last non-blank characters of the line), so reports can quote the line.
#include "trace/trace_merge.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "analyzer/core/suppressions.h"
#include "analyzer/python/python_analyzer.h"
#include "analyzer/rule_registry.h"
#include "opdb/opdb.h"
#include "opdb/status_text.h"
#include "trace/trace_hazards.h"

namespace fs = std::filesystem;

namespace tpu::runtime {
namespace {

// Static rules that already report what a runtime hazard confirms (analyzer/python/rules/
// dynamic_shapes.cc): item-in-step, tolist-in-step, dynamic-output-op, boolean-mask-index,
// tensor-condition, host-transfer-in-step.
std::vector<std::string_view> static_twins(HazardKind kind) {
  switch (kind) {
    case HazardKind::HostSync: return {"TPU600", "TPU601", "TPU604", "TPU605"};
    case HazardKind::HostCopy: return {"TPU601", "TPU605"};
    case HazardKind::DynamicShape: return {"TPU602", "TPU603"};
    case HazardKind::Float64:
    case HazardKind::ShapeChurn:
    case HazardKind::CudaOnly: return {};
  }
  return {};
}

class Locator {
 public:
  explicit Locator(const fs::path& root) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::absolute(root, ec), ec);
    single_file_ = fs::is_regular_file(canonical, ec);
    base_ = single_file_ ? canonical.parent_path() : canonical;
    file_name_ = canonical.filename().generic_string();
  }

  /// The Location of `path`:`line` relative to the root, or nullopt when outside it.
  std::optional<Location> locate(const std::string& path, uint32_t line) {
    if (path.empty() || line == 0) return std::nullopt;
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::path(path), ec);
    if (ec) return std::nullopt;
    fs::path relative = absolute.lexically_relative(base_);
    std::string text = relative.generic_string();
    if (text.empty() || text.starts_with("..") || relative.is_absolute()) return std::nullopt;
    if (single_file_ && text != file_name_) return std::nullopt;
    Location location{text, line, 1, line, 1, 0, 0};
    absolute_of_[text] = absolute.string();
    const std::vector<uint32_t>& lines = line_starts(absolute);
    if (line <= lines.size()) {
      const std::string& content = contents_[absolute.string()];
      uint32_t begin = lines[line - 1];
      uint32_t end = line < lines.size() ? lines[line] : static_cast<uint32_t>(content.size());
      while (end > begin && (content[end - 1] == '\n' || content[end - 1] == '\r' || content[end - 1] == ' ')) --end;
      uint32_t first = begin;
      while (first < end && (content[first] == ' ' || content[first] == '\t')) ++first;
      location.column = first - begin + 1;
      location.end_column = end - begin + 1;
      location.begin_byte = first;
      location.end_byte = end;
    }
    return location;
  }

  /// True when a `# tpu-migrate: ignore…` comment in the finding's Python file covers it, as
  /// for the static findings. The file's comments are read once, with the Python front end.
  bool suppressed(const Finding& finding, std::string_view rule_name) {
    auto absolute = absolute_of_.find(finding.location.path);
    if (absolute == absolute_of_.end()) return false;
    const std::string& path = finding.location.path;
    if (!path.ends_with(".py") && !path.ends_with(".pyi")) return false;
    auto [it, inserted] = suppressions_.try_emplace(absolute->second);
    if (inserted) {
      line_starts(absolute->second);  // reads the file into contents_
      it->second = python::read_suppressions(SourceFile(path, contents_[absolute->second]));
    }
    return it->second.suppresses(finding, rule_name);
  }

 private:
  const std::vector<uint32_t>& line_starts(const fs::path& file) {
    auto [it, inserted] = lines_.try_emplace(file.string());
    if (inserted) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string& content = contents_[file.string()] = buffer.str();
      it->second.push_back(0);
      for (uint32_t i = 0; i < content.size(); ++i)
        if (content[i] == '\n' && i + 1 < content.size()) it->second.push_back(i + 1);
      if (content.empty()) it->second.clear();
    }
    return it->second;
  }

  fs::path base_;
  bool single_file_ = false;
  std::string file_name_;
  std::map<std::string, std::vector<uint32_t>> lines_;
  std::map<std::string, std::string> contents_;
  std::map<std::string, std::string> absolute_of_;  // relative path -> absolute
  std::map<std::string, Suppressions> suppressions_;
};

std::string times(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " time" : " times");
}

// The finding already at this line with one of `rules`, if any.
Finding* finding_at(std::vector<Finding>& findings, const Location& at, const std::vector<std::string_view>& rules) {
  for (Finding& finding : findings)
    if (finding.location.path == at.path && finding.location.line == at.line &&
        std::find(rules.begin(), rules.end(), finding.rule) != rules.end())
      return &finding;
  return nullptr;
}

void report(std::vector<Finding>& findings, Locator& locator, const TraceMergeOptions& options,
            const RuleMeta& rule, const Location& at, const std::string& symbol, const std::string& message,
            uint64_t count, std::vector<std::string_view> twins) {
  if (options.filter != nullptr && !options.filter->enabled(rule)) return;
  twins.push_back(rule.code);
  if (Finding* existing = finding_at(findings, at, twins)) {
    if (existing->message.find("(trace:") == std::string::npos)
      existing->message += " (trace: ran " + times(count) + ")";
    return;
  }
  Finding finding{std::string(rule.code), rule.category, rule.severity, at, symbol, message, std::nullopt};
  if (locator.suppressed(finding, rule.name)) return;
  findings.push_back(std::move(finding));
}

// Kernels a composite op picks only because the traced run had CPU tensors: on a TPU the same
// composite picks its own path (scaled_dot_product_attention asks _fused_sdp_choice, which on the CPU
// answers flash_attention_for_cpu, aten/src/ATen/native/transformers/attention.cpp; on PyTorch/XLA it
// takes the math decomposition, and nanoGPT on XLA:CPU sent no attention op to the CPU fallback). So a
// traced call of one of these is judged as the op the program called; its backward is that op's
// autograd on the target.
std::string_view op_the_program_called(std::string_view traced) {
  static constexpr std::pair<std::string_view, std::string_view> kHostSelected[] = {
      {"aten::_scaled_dot_product_flash_attention_for_cpu", "aten::scaled_dot_product_attention"},
      {"aten::_scaled_dot_product_flash_attention_for_cpu_backward", "aten::scaled_dot_product_attention"},
  };
  for (const auto& [kernel, entry] : kHostSelected)
    if (traced == kernel) return entry;  // the trace names every op `aten::<overload>`
  return traced;
}

void merge_op(ScanResult& result, const TracedOp& op, const TraceMergeOptions& options, Locator& locator) {
  const opdb::OpDb& db = opdb::OpDb::builtin();
  opdb::OpInfo info = db.lookup(op_the_program_called(op.name), options.target);
  std::string name = info.found ? info.name : op.name;
  auto use = std::find_if(result.ops.begin(), result.ops.end(), [&](const OpUse& u) { return u.op == name; });
  if (use == result.ops.end()) {
    result.ops.push_back(OpUse{name, std::string(opdb::to_string(info.status)), info.reason, {}, 0, {}});
    use = result.ops.end() - 1;
  }
  // Exact calls replace the static call-site count; a second trace (`--trace A --trace B`,
  // two runs of the program) adds its calls to the first's.
  bool traced_before = std::find(use->sources.begin(), use->sources.end(), "trace") != use->sources.end();
  if (!traced_before) use->sources.push_back("trace");
  use->count = traced_before ? use->count + op.count : op.count;
  const RuleMeta* rule = nullptr;
  if (!info.dynamic_output_shape && !info.data_dependent_output) {  // TPU650/652 report those
    if (info.status == opdb::Status::Fallback) rule = find_rule("TPU900");
    if (info.status == opdb::Status::Unsupported) rule = find_rule("TPU901");
  }
  for (const OpSite& site : op.sites) {
    std::optional<Location> at = locator.locate(site.path, site.line);
    if (!at) continue;
    bool known = std::any_of(use->locations.begin(), use->locations.end(), [&](const Location& l) {
      return l.path == at->path && l.line == at->line;
    });
    if (!known) use->locations.push_back(*at);
    if (rule == nullptr) continue;
    std::string message = name + " ran " + times(site.count) + " here (trace), " + opdb::off_target_clause(db, info);
    report(result.findings, locator, options, *rule, *at, name, message, site.count, {});
  }
  std::sort(use->locations.begin(), use->locations.end(), [](const Location& a, const Location& b) {
    return std::tie(a.path, a.line, a.column) < std::tie(b.path, b.line, b.column);
  });
}

}  // namespace

void merge_trace(ScanResult& result, const TraceData& trace, const TraceMergeOptions& options) {
  for (const std::string& error : trace.errors) result.errors.push_back(InputError{options.label, 0, error});
  Locator locator(options.root);
  for (const TracedOp& op : trace.ops) merge_op(result, op, options, locator);
  for (const Hazard& hazard : trace.hazards) {
    std::optional<Location> at = locator.locate(hazard.path, hazard.line);
    if (!at) continue;
    std::string message = "ran " + times(hazard.count) + " (trace): " + hazard.detail;
    report(result.findings, locator, options, rule_for(hazard.kind), *at, hazard.op, message, hazard.count,
           static_twins(hazard.kind));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.path, a.location.line, a.location.column, a.rule) <
           std::tie(b.location.path, b.location.line, b.location.column, b.rule);
  });
  std::sort(result.ops.begin(), result.ops.end(), [](const OpUse& a, const OpUse& b) { return a.op < b.op; });
}

}  // namespace tpu::runtime
