// SPDX-License-Identifier: Apache-2.0
#include "checker/check_table.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "checker/check_json.h"
#include "checker/verdict.h"

namespace tpu::checker {
namespace {

std::string sci(double value) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return "inf";
  char text[32];
  std::snprintf(text, sizeof text, value == 0 ? "%.0f" : "%.2e", value);
  return text;
}

std::string fixed(double value, int digits) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string ratio(const OutputCheck& o) {
  if (!o.rmse_ratio) return "-";
  if (std::isinf(*o.rmse_ratio)) return "x inf";
  char text[32];
  std::snprintf(text, sizeof text, *o.rmse_ratio < 100 ? "x%.2g" : "x%.0f", *o.rmse_ratio);
  return text;
}

std::string pad(std::string text, size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "~";
  text.resize(width, ' ');
  return text;
}

std::string status_word(Status status, bool color) {
  std::string word(to_string(status));
  std::string padded = pad(word, 8);
  if (!color) return padded;
  const char* code = status == Status::Fail ? "31;1" : status == Status::Error ? "35" : status == Status::Warn ? "33" :
                     status == Status::Pass ? "32" : "2";
  return "\x1b[" + std::string(code) + "m" + word + "\x1b[0m" + std::string(padded.size() - word.size(), ' ');
}

const OutputCheck* worst_output(const SampleCheck& sample) {
  const OutputCheck* worst = nullptr;
  for (const OutputCheck& o : sample.outputs)
    if (!worst || severity_rank(o.verdict) > severity_rank(worst->verdict) ||
        (o.verdict == worst->verdict && badness(o) > badness(*worst)))
      worst = &o;
  return worst;
}

std::string metric_columns(const OutputCheck* o) {
  if (!o || !o->structural_error.empty()) return pad("-", 10) + pad("-", 10) + pad("-", 10) + pad("-", 10) + pad("-", 9);
  const Metrics& m = o->candidate;
  if (o->exact)
    return pad(sci(m.max_abs_err), 10) + pad("-", 10) + pad("-", 10) + pad("-", 10) + pad(ratio(*o), 9);
  return pad(sci(m.max_abs_err), 10) + pad(sci(m.max_rel_err), 10) + pad(fixed(m.cosine, 6), 10) +
         pad(sci(m.max_ulp), 10) + pad(ratio(*o), 9);
}

std::string where(const OpCheck& op) {
  if (op.locations.empty()) return "";
  const Location& first = op.locations.front();
  std::string text = first.path + ":" + std::to_string(first.line);
  if (op.locations.size() > 1) text += " (+" + std::to_string(op.locations.size() - 1) + ")";
  return text;
}

void model_section(std::ostringstream& out, const ModelCheck& m, const TableOptions& options) {
  out << "\nmodel " << m.model << (m.loader.empty() ? "" : " (" + m.loader + ")") << ": "
      << status_word(m.status, options.color) << m.reason << "\n";
  if (!m.runner.empty()) out << "  ran on: " << m.runner << "\n";
  for (const std::string& note : m.notes) out << "  note: " << note << "\n";
  if (m.layers.empty()) return;
  out << "  " << pad("LAYER", 40) << pad("KIND", 7) << pad("STATUS", 8) << pad("MAX ABS", 10) << pad("MAX REL", 10)
      << pad("COSINE", 10) << pad("MAX ULP", 10) << "VS BASE\n";
  size_t shown = 0;
  for (const LayerCheck& layer : m.layers) {
    if (!options.all && shown >= 40 && layer.result.verdict == Status::Pass) continue;
    ++shown;
    out << "  " << pad(layer.name, 40) << pad(layer.kind, 7) << status_word(layer.result.verdict, options.color)
        << metric_columns(&layer.result) << "\n";
  }
  if (shown < m.layers.size()) out << "  (" << m.layers.size() - shown << " more passing layers; --all lists them)\n";
}

}  // namespace

std::string check_table(const CheckReport& report, const TableOptions& options) {
  std::ostringstream out;
  if (!report.trace.empty())
    out << "trace:     " << report.trace << (report.source_device.empty() ? "" : "  (ran on " + report.source_device + ")")
        << "\n";
  out << "candidate: " << report.candidate.description << "\n";
  if (!report.emulated_target.empty())
    out << "emulating: " << report.precision_defaults << " (--target " << report.emulated_target << ")\n";
  out << "reference: the op on the CPU in float64" << (report.config.empty() ? "" : "; tolerances from " + report.config)
      << "\n";
  if (!report.ops.empty()) {
    out << "\n" << pad("STATUS", 8) << pad("OP", 34) << pad("DTYPES", 18) << pad("MAX ABS", 10) << pad("MAX REL", 10)
        << pad("COSINE", 10) << pad("MAX ULP", 10) << pad("VS BASE", 9) << "WHERE\n";
  }
  size_t hidden_pass = 0, hidden_skipped = 0;
  for (const OpCheck& op : report.ops) {
    bool quiet = op.status == Status::Pass || op.status == Status::Skipped;
    if (quiet && !options.all) {
      (op.status == Status::Pass ? hidden_pass : hidden_skipped)++;
      continue;
    }
    const SampleCheck& worst = op.samples.front();
    out << status_word(op.status, options.color) << pad(op.name, 34) << pad(op.dtypes.empty() ? "" : op.dtypes.front(), 18)
        << metric_columns(worst_output(worst)) << where(op) << "\n";
    if (!worst.reason.empty() && op.status != Status::Pass) out << "        " << worst.reason << "\n";
  }
  if (hidden_pass || hidden_skipped)
    out << "(" << hidden_pass << " passing and " << hidden_skipped << " skipped ops not listed; --all lists them)\n";
  if (report.model) model_section(out, *report.model, options);
  for (const std::string& error : report.errors) out << "error: " << error << "\n";
  const CheckSummary& s = report.summary;
  if (s.ops) {
    char timing[96];
    std::snprintf(timing, sizeof timing, "%.1f s, %.1f ms per sample", s.seconds, s.replay_seconds_per_sample * 1000);
    out << "\n" << s.ops << " ops (" << s.samples << " samples): " << s.fail << " fail, " << s.warn << " warn, " << s.pass
        << " pass, " << s.skipped << " skipped, " << s.error << " error; " << timing << "\n";
  }
  out << "verdict: " << overall_verdict(report) << "\n";
  return out.str();
}

}  // namespace tpu::checker
