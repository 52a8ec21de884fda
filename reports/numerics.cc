// SPDX-License-Identifier: Apache-2.0
#include "reports/numerics.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace tpu::reports {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

size_t count_of(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_unsigned() ? it->get<size_t>() : 0;
}

std::string number(double value) {
  std::ostringstream out;
  out.precision(3);
  out << value;
  return out.str();
}

// "out[0] max_rel_err 0.0528 (warn above 0.0078, fail above 0.0156), cosine 1": the numbers a
// reader needs to see why an output has its status.
std::string describe_output(const json& output) {
  std::string detail = text_of(output, "name");
  if (std::string reason = text_of(output, "reason"); !reason.empty()) return detail + ": " + reason;
  auto metrics = output.find("metrics");
  if (metrics == output.end() || !metrics->is_object()) return detail;
  for (const char* key : {"max_rel_err", "nrmse", "max_abs_err"})
    if (auto it = metrics->find(key); it != metrics->end() && it->is_number())
      return detail + ": " + key + " " + number(it->get<double>());
  return detail;
}

// The first output of the worst sample that does not pass, else its first output.
std::string worst_detail(const json& op) {
  auto samples = op.find("samples");
  if (samples == op.end() || !samples->is_array() || samples->empty()) return text_of(op, "reason");
  const json& sample = samples->front();
  auto outputs = sample.find("outputs");
  if (outputs == sample.end() || !outputs->is_array() || outputs->empty()) return text_of(sample, "reason");
  for (const json& output : *outputs)
    if (text_of(output, "status") != "pass") return describe_output(output);
  return describe_output(outputs->front());
}

}  // namespace

std::variant<Numerics, std::string> load_numerics(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::string("not a JSON object");
  if (text_of(document, "schema") != "tpu-migrate/check@1")
    return "unknown schema '" + text_of(document, "schema") + "' (expected tpu-migrate/check@1)";
  Numerics numerics;
  if (auto summary = document.find("summary"); summary != document.end() && summary->is_object()) {
    numerics.verdict = text_of(*summary, "verdict");
    numerics.pass = count_of(*summary, "pass");
    numerics.warn = count_of(*summary, "warn");
    numerics.fail = count_of(*summary, "fail");
    numerics.skipped = count_of(*summary, "skipped");
    numerics.error = count_of(*summary, "error");
    numerics.samples = count_of(*summary, "samples");
  }
  if (auto candidate = document.find("candidate"); candidate != document.end() && candidate->is_object()) {
    numerics.candidate = text_of(*candidate, "device") + " (" + text_of(*candidate, "executor");
    if (std::string precision = text_of(*candidate, "precision"); !precision.empty())
      numerics.candidate += ", precision " + precision;
    numerics.candidate += ")";
  }
  if (auto source = document.find("source"); source != document.end() && source->is_object())
    numerics.source = text_of(*source, "device");
  if (auto ops = document.find("ops"); ops != document.end() && ops->is_array()) {
    for (const json& entry : *ops) {
      if (!entry.is_object()) continue;
      NumericsOp op;
      op.name = text_of(entry, "name");
      op.status = text_of(entry, "status");
      if (auto score = entry.find("score"); score != entry.end() && score->is_number())
        op.score = score->get<double>();
      op.detail = worst_detail(entry);
      if (auto locations = entry.find("locations"); locations != entry.end() && locations->is_array())
        for (const json& at : *locations)
          if (at.is_object())
            op.locations.push_back({text_of(at, "path"), static_cast<uint32_t>(count_of(at, "line")),
                                    count_of(at, "samples")});
      numerics.ops.push_back(std::move(op));
    }
  }
  if (auto model = document.find("model"); model != document.end() && model->is_object()) {
    numerics.model_status = text_of(*model, "status");
    numerics.model_reason = text_of(*model, "reason");
  }
  return numerics;
}

}  // namespace tpu::reports
