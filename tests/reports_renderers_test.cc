// SPDX-License-Identifier: Apache-2.0
// Renderers: goldens over one Report built in code (tests/reports/*.golden.*, version
// redacted), the JSON round trip through the loader, and the properties each format must
// keep (escaping, self-contained HTML, one testcase per rule).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "analyzer/rule_registry.h"
#include "reports/formats.h"
#include "reports/github_report.h"
#include "reports/html_report.h"
#include "reports/json_loader.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/paths.h"
#include "reports/sarif_report.h"
#include "reports/svg_charts.h"
#include "reports/xml_text.h"
#include "golden_support.h"
#include "reports_fixture.h"

namespace tpu::reports {
namespace {

const std::string kVersion(tool_version());

std::string versionless(const std::string& text) { return testing::redact(text, kVersion, "<version>"); }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_CASE("markdown: golden PR comment with links") {
  Report report = testing::sample_report();
  std::string text = render_markdown(report, MarkdownOptions{"https://github.com/acme/trainer/blob/abc123/"});
  CHECK_GOLDEN(testing::report_golden("report.golden.md"), versionless(text));
}

TEST_CASE("markdown: golden PR comment against a baseline, without links") {
  Report report = testing::sample_report();
  Baseline baseline;
  for (size_t i = 0; i < report.context.size(); ++i)
    if (i != 1 && i != 6) baseline.fingerprints.push_back(report.context[i].fingerprint);
  baseline.fingerprints.push_back("0000000000000000");  // resolved since
  apply_baseline(report, baseline);
  std::string text = render_markdown(report, MarkdownOptions{});
  CHECK_GOLDEN(testing::report_golden("report-baseline.golden.md"), versionless(text));
  CHECK(text.find("](") == std::string::npos);  // no links without --link-base
}

TEST_CASE("json: golden, and the loader reads back exactly what was written") {
  Report report = testing::sample_report();
  std::string text = render_json(report);
  CHECK_GOLDEN(testing::report_golden("report.golden.json"), versionless(text));

  auto loaded = load_json_report(text);
  REQUIRE_MESSAGE(std::holds_alternative<Report>(loaded), std::get<std::string>(loaded));
  const Report& again = std::get<Report>(loaded);
  CHECK(render_json(again) == text);
  CHECK(again.context[3].fingerprint == report.context[3].fingerprint);
  REQUIRE(again.scan.findings[3].fix.has_value());
  CHECK(again.scan.findings[3].fix->edits.size() == 1);

  Baseline baseline{{report.context[0].fingerprint}};
  apply_baseline(report, baseline);
  std::string with_baseline = render_json(report);
  auto reloaded = load_json_report(with_baseline);
  REQUIRE(std::holds_alternative<Report>(reloaded));
  CHECK(render_json(std::get<Report>(reloaded)) == with_baseline);
}

// The op uses and the document's members are written as text, not through a json value: the
// text must be byte for byte what nlohmann's own indented dump of it is, awkward strings
// (quotes, control characters, non-ASCII, invalid UTF-8) and empty lists included.
TEST_CASE("json: the text written directly is nlohmann's layout of itself") {
  auto relaid = [](const std::string& text) {
    return nlohmann::ordered_json::parse(text).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
           "\n";
  };
  Report report = testing::sample_report();
  CHECK(relaid(render_json(report)) == render_json(report));

  report.scan.ops.push_back(OpUse{"aten::\"odd\"\\op", "unknown", "tab\there, line\nbreak, bell\x07, caf\xC3\xA9",
                                  {}, 0, {}});
  report.scan.ops.push_back(OpUse{"aten::x", "fallback", "bad \xFF byte", {"static", "trace"}, 2,
                                  {Location{"d\xC3\xADr/a.py", 1}, Location{"b\x7F.py", 4294967295u}}});
  report.scan.errors.push_back(InputError{"q\"uote.py", 0, "ctl \x01"});
  std::string text = render_json(report);
  CHECK(relaid(text) == text);
  CHECK(text.find(R"("name": "aten::\"odd\"\\op")") != std::string::npos);
  CHECK(text.find(R"("sources": [],)") != std::string::npos);
  CHECK(text.find(R"("locations": [])") != std::string::npos);
  CHECK(text.find("bad \xEF\xBF\xBD byte") != std::string::npos);  // replaced, as nlohmann does

  report.scan.ops.clear();
  text = render_json(report);
  CHECK(relaid(text) == text);
  CHECK(text.find(R"("ops": [],)") != std::string::npos);
}

TEST_CASE("json: the loader rejects what is not a report") {
  for (const char* text : {"", "{", "[1]", R"({"schema":"tpu-migrate/report@2"})",
                           R"({"schema":"tpu-migrate/report@1"})",
                           R"({"schema":"tpu-migrate/report@1","summary":{"files_scanned":"x"},"findings":[],"ops":[],"errors":[]})",
                           R"({"schema":"tpu-migrate/report@1","summary":{"files_scanned":1},"findings":[{"rule":"TPU1","category":"nope","severity":"info","path":"a"}],"ops":[],"errors":[]})"}) {
    CAPTURE(text);
    auto loaded = load_json_report(text);
    CHECK(std::holds_alternative<std::string>(loaded));
  }
}

TEST_CASE("sarif: golden results (rule text redacted), rules from the registry with help") {
  Report report = testing::sample_report();
  nlohmann::ordered_json sarif = nlohmann::ordered_json::parse(render_sarif(report));
  auto& run = sarif["runs"][0];
  auto& rules = run["tool"]["driver"]["rules"];
  CHECK(rules.size() == all_rules().size());
  for (const auto& rule : rules) {
    CHECK(!rule["help"]["text"].get<std::string>().empty());
    CHECK(!rule["help"]["markdown"].get<std::string>().empty());
    CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
  }
  for (const auto& result : run["results"]) CHECK(rules[result["ruleIndex"].get<size_t>()]["id"] == result["ruleId"]);
  CHECK(run["columnKind"] == "unicodeCodePoints");
  // Only the finding whose fix carries edits gets a SARIF fix.
  size_t fixes = 0;
  for (const auto& result : run["results"]) fixes += result.contains("fixes");
  CHECK(fixes == 1);

  // The golden keeps the results and drops what belongs to the registry (the rules, their
  // texts and their order), so that adding a rule does not churn it.
  rules = "<the registry's rules>";
  for (auto& result : run["results"]) result.erase("ruleIndex");
  CHECK_GOLDEN(testing::report_golden("report.golden.sarif"), versionless(sarif.dump(2) + "\n"));
}

TEST_CASE("sarif: an absolute root becomes a URI base, a relative one prefixes the paths") {
  Report report = testing::sample_report();
  auto run = nlohmann::json::parse(render_sarif(report))["runs"][0];
  CHECK(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "repo/data.py");
  CHECK_FALSE(run.contains("originalUriBaseIds"));
  report.root = "/home/me/my repo";
  run = nlohmann::json::parse(render_sarif(report))["runs"][0];
  auto location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(location["uri"] == "data.py");
  CHECK(location["uriBaseId"] == "SRCROOT");
  CHECK(run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///home/me/my%20repo/");
}

TEST_CASE("github: golden workflow commands, escaped") {
  Report report = testing::sample_report();
  std::string text = render_github(report);
  CHECK_GOLDEN(testing::report_golden("report.golden.github.txt"), versionless(text));
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    CHECK((line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice ")));
    start = end + 1;
  }
  Baseline baseline{{report.context[1].fingerprint}};
  apply_baseline(report, baseline);
  CHECK(count(render_github(report), "model.py,line=7") == 0);  // accepted: not annotated
}

TEST_CASE("junit: one testcase per rule, failures for blockers and warnings") {
  Report report = testing::sample_report();
  std::string xml = render_junit(report);
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
  CHECK(count(xml, "<testcase ") == all_rules().size() + 1);  // + the input error
  CHECK(count(xml, "<failure ") == 5);  // TPU500, TPU901, TPU200, TPU101, TPU110
  CHECK(count(xml, "<error ") == 1);
  CHECK(xml.find("&lt;script&gt;") != std::string::npos);
  CHECK(xml.find("<script>") == std::string::npos);
}

TEST_CASE("html: one self-contained page with charts, table and excerpts") {
  Report report = testing::sample_report();
  std::string html = render_html(report);
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(count(html, "<svg") == 3);  // gauge, categories, ops
  CHECK(count(html, "<tr data-order=") == report.scan.findings.size());
  CHECK(count(html, "<pre class=\"excerpt\">") == report.scan.findings.size());
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  // Nothing is fetched: no src or href attributes at all, no external style sheets.
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find(" href=") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  // User text is escaped: the only script element is the page's own.
  CHECK(count(html, "<script>") == 1);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)") != std::string::npos);
  CHECK(html.find("&lt;b&gt;hit&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("html: an empty report still renders") {
  Report report;
  report.root = ".";
  summarize(report);
  std::string html = render_html(report);
  CHECK(html.find("No findings") != std::string::npos);
  CHECK(count(html, "<svg") == 1);  // the gauge alone
  CHECK(html.find(">100<") != std::string::npos);
}

TEST_CASE("formats: names, files and dispatch") {
  for (Format format : all_formats()) {
    CHECK(parse_format(to_string(format)) == format);
    CHECK(file_name(format).starts_with("report."));
    CHECK(!render(testing::sample_report(), format, RenderOptions{}).empty());
  }
  CHECK(parse_format("md") == Format::Markdown);
  CHECK_FALSE(parse_format("pdf").has_value());
}

TEST_CASE("paths: joined with the root for CI annotations and links") {
  Report report;
  report.root = "src/";
  CHECK(joined_path(report, "a/b.py") == "src/a/b.py");
  report.root = ".";
  CHECK(joined_path(report, "a/b.py") == "a/b.py");
  report.root = "./src/../lib";
  CHECK(joined_path(report, "b.py") == "lib/b.py");
  report.root = "src/train.py";  // one file scanned: its name is the path
  CHECK(joined_path(report, "train.py") == "src/train.py");
  report.root = "/abs/repo";
  CHECK(joined_path(report, "b.py") == "/abs/repo/b.py");
  CHECK(link_path(report, "b.py") == "b.py");
  CHECK(uri_encode_path("a b/c#d.py") == "a%20b/c%23d.py");
}

TEST_CASE("xml: escaping keeps documents well formed") {
  CHECK(xml_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
  CHECK(xml_escape("bad\x01" "byte") == "badbyte");
  CHECK(xml_escape("\xff") == "\xEF\xBF\xBD");
  CHECK(xml_escape("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(xml_escape("\xC3") == "\xEF\xBF\xBD");  // truncated sequence
}

TEST_CASE("svg: gauge arc ends where the score says") {
  CHECK(svg_gauge(0).find("gauge-value") == std::string::npos);
  CHECK(svg_gauge(100).find("A 88 88 0 0 1 198 110") != std::string::npos);  // the right end
  CHECK(svg_gauge(50).find("A 88 88 0 0 1 110 22") != std::string::npos);    // the top
  CHECK(svg_gauge(150) == svg_gauge(100));
  std::string bars = svg_stacked_bars({{"a", "a", {{"x", 2, "#000"}}}, {"b", "b", {{"x", 4, "#000"}}}}, "t");
  CHECK(bars.find("width=\"150\"") != std::string::npos);  // half of the longest bar
  CHECK(bars.find("width=\"300\"") != std::string::npos);
}

}  // namespace
}  // namespace tpu::reports
