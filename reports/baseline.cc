// SPDX-License-Identifier: Apache-2.0
#include "reports/baseline.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "opdb/targets.h"
#include "reports/paths.h"

namespace tpu::reports {

std::string normalize_source_line(std::string_view line) {
  std::string out;
  bool space = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string fingerprint(std::string_view rule, std::string_view path, std::string_view symbol,
                        std::string_view normalized_line) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto feed = [&](std::string_view part) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 0x100000001b3ull;
    }
    hash ^= 0xff;  // a separator byte that UTF-8 text never contains
    hash *= 0x100000001b3ull;
  };
  feed("v1");
  feed(rule);
  feed(path);
  feed(symbol);
  feed(normalized_line);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string fingerprint(const Report& report, const Finding& finding, std::string_view normalized_line) {
  return fingerprint(finding.rule, link_path(report, finding.location.path), finding.symbol, normalized_line);
}

std::string render_baseline(const Report& report) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (size_t i = 0; i < report.scan.findings.size(); ++i) {
    const Finding& finding = report.scan.findings[i];
    const FindingContext& context = context_of(report, i);
    entries.push_back({{"fingerprint", context.fingerprint},
                       {"rule", finding.rule},
                       {"path", link_path(report, finding.location.path)},
                       {"symbol", finding.symbol},
                       {"text", context.line_text}});
  }
  nlohmann::ordered_json document = {{"schema", "tpu-migrate/baseline@1"},
                                     {"tool", {{"name", "tpu-migrate"}, {"version", tool_version()}}},
                                     {"target", report.profile},
                                     {"findings", std::move(entries)}};
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::variant<Baseline, std::string> parse_baseline(std::string_view text) {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::string("not a JSON object");
  // value() would throw on a schema that is not a string; that is an unknown schema too.
  auto spelled = document.find("schema");
  std::string schema = spelled != document.end() && spelled->is_string() ? spelled->get<std::string>() : "";
  if (schema != "tpu-migrate/baseline@1" && schema != "tpu-migrate/report@1")
    return "unknown schema '" + schema + "' (expected tpu-migrate/baseline@1 or a JSON report)";
  auto findings = document.find("findings");
  if (findings == document.end() || !findings->is_array()) return std::string("no 'findings' array");
  Baseline baseline;
  // A baseline file says "target", a JSON report "profile"; files from before the default
  // became TorchTPU say neither and were written for PyTorch/XLA.
  auto target = document.find(schema == "tpu-migrate/baseline@1" ? "target" : "profile");
  baseline.target = target != document.end() && target->is_string() ? target->get<std::string>()
                                                                     : std::string(opdb::kLegacyDefaultTarget);
  for (const auto& entry : *findings) {
    auto value = entry.is_object() ? entry.find("fingerprint") : entry.end();
    if (!entry.is_object() || value == entry.end() || !value->is_string())
      return std::string("a finding without a 'fingerprint' (reports from before fingerprints "
                         "cannot serve as a baseline; write one with --write-baseline)");
    baseline.fingerprints.push_back(value->get<std::string>());
  }
  return baseline;
}

void apply_baseline(Report& report, const Baseline& baseline) {
  std::map<std::string, size_t> remaining;
  for (const std::string& print : baseline.fingerprints) ++remaining[print];
  report.context.resize(report.scan.findings.size());
  BaselineComparison comparison;
  comparison.active = true;
  // Findings are sorted by position, so when a fingerprint occurs more often than the
  // baseline allows, the last occurrences are the new ones.
  for (FindingContext& context : report.context) {
    auto it = remaining.find(context.fingerprint);
    if (it != remaining.end() && it->second > 0) {
      --it->second;
      context.baseline = BaselineState::Unchanged;
      ++comparison.unchanged;
    } else {
      context.baseline = BaselineState::New;
      ++comparison.new_findings;
    }
  }
  for (const auto& [print, count] : remaining) comparison.resolved += count;
  report.baseline = comparison;
}

}  // namespace tpu::reports
