# SPDX-License-Identifier: Apache-2.0
"""Report formats through the real CLI: SARIF against the official schema, JUnit through an
XML parser, GitHub workflow commands, Markdown, several formats at once, and `report`."""
import ast
import json
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest

from conftest import BINARY, SAMPLE, SOURCE_DIR, run, scan_json

# The official schema lives beside the repository (../shared), never inside it: the tests that
# read it carry the needs_shared mark (ctest runs them as cli_shared_data, skipped without it).
SARIF_SCHEMA = SOURCE_DIR.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def sarif_validator():
    try:
        import jsonschema  # Debian: python3-jsonschema
    except ImportError:
        pytest.fail("python3-jsonschema is needed to validate SARIF (scripts/install-deps.sh test)")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema not found at {SARIF_SCHEMA} (clone ../shared beside the repo)")
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def assert_valid_sarif(document):
    errors = sorted(sarif_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def run_with_stdin(text, *args):
    """Like conftest.run(), feeding `text` to stdin."""
    return subprocess.run([str(BINARY), *map(str, args)], input=text, capture_output=True, text=True, timeout=120)


def render_saved(tmp_path, report, *args):
    """Writes `report` (a dict) to a file and runs `tpu-migrate report` on it."""
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(report))
    return run("report", saved, *args)


@pytest.fixture(scope="module")
def sample_json():
    report, process = scan_json(SAMPLE)
    assert process.returncode == 0, process.stderr
    return report


@pytest.mark.needs_shared
def test_sarif_is_valid_against_the_official_schema(sample_json):
    process = run("scan", SAMPLE, "--format", "sarif")
    assert process.returncode == 0, process.stderr
    sarif = json.loads(process.stdout)
    assert_valid_sarif(sarif)
    run_ = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert run_["columnKind"] == "unicodeCodePoints"
    rules = run_["tool"]["driver"]["rules"]
    assert all(rule["help"]["text"] and rule["help"]["markdown"] for rule in rules)
    results = run_["results"]
    assert len(results) == len(sample_json["findings"])
    levels = Counter(result["level"] for result in results)
    counts = sample_json["summary"]["findings"]
    assert levels == Counter({"error": counts["blocker"], "warning": counts["warning"], "note": counts["info"]})
    for result, finding in zip(results, sample_json["findings"]):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("/" + finding["path"]) or uri == finding["path"]
        assert result["partialFingerprints"]["tpuMigrate/v1"] == finding["fingerprint"]


@pytest.mark.needs_shared
def test_sarif_fixes_with_edits_and_absolute_roots_are_valid(sample_json, tmp_path):
    report = json.loads(json.dumps(sample_json))
    report["root"] = "/home/user/project with space"
    for finding in report["findings"]:  # the scan's own edits: see the next test
        finding.get("fix", {}).pop("edits", None)
    with_fix = next(f for f in report["findings"] if "fix" in f)
    with_fix["fix"]["edits"] = [{"path": with_fix["path"], "begin_byte": 10, "end_byte": 14,
                                 "replacement": "\"xla\""}]
    process = render_saved(tmp_path, report, "--format", "sarif")
    assert process.returncode == 0, process.stderr
    sarif = json.loads(process.stdout)
    assert_valid_sarif(sarif)
    run_ = sarif["runs"][0]
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///home/user/project%20with%20space/"
    fixed = [r for r in run_["results"] if "fixes" in r]
    assert len(fixed) == 1
    replacement = fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {"byteOffset": 10, "byteLength": 4}
    assert replacement["insertedContent"]["text"] == "\"xla\""


@pytest.mark.needs_shared
def test_sarif_fixes_of_a_real_scan_carry_the_json_edits(sample_json):
    """A real scan of the sample: each finding with `fix.edits` has one SARIF fix whose
    replacements are exactly those edits, valid against the schema; applied alone to the file's
    bytes, one fix's edits give Python that CPython reads, and each edit's line and column name
    its byte offset."""
    process = run("scan", SAMPLE, "--format", "sarif")
    assert process.returncode == 0, process.stderr
    sarif = json.loads(process.stdout)
    assert_valid_sarif(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(sample_json["findings"])
    fixed = 0
    for result, finding in zip(results, sample_json["findings"]):
        edits = finding.get("fix", {}).get("edits")
        if not edits:
            assert "fixes" not in result, finding
            continue
        fixed += 1
        changes = result["fixes"][0]["artifactChanges"]
        assert len(changes) == 1 and changes[0]["artifactLocation"]["uri"].endswith(finding["path"])
        replaced = [(r["deletedRegion"]["byteOffset"], r["deletedRegion"]["byteOffset"] + r["deletedRegion"]["byteLength"],
                     r["insertedContent"]["text"]) for r in changes[0]["replacements"]]
        assert replaced == [(e["begin_byte"], e["end_byte"], e["replacement"]) for e in edits]
        data = (SAMPLE / finding["path"]).read_bytes()
        for edit in edits:
            for key, at in (("start", edit["begin_byte"]), ("end", edit["end_byte"])):
                line_start = data.rfind(b"\n", 0, at) + 1
                assert edit[key] == {"line": data.count(b"\n", 0, at) + 1,
                                     "column": len(data[line_start:at].decode()) + 1}, (finding, edit)
        for begin, end, text in sorted(replaced, reverse=True):
            data = data[:begin] + text.encode() + data[end:]
        ast.parse(data, finding["path"])
    assert fixed >= 10, fixed


@pytest.mark.needs_shared
def test_sarif_of_input_errors_is_valid(tmp_path):
    (tmp_path / "bad.py").write_bytes(b"def f(:\n    pass\n")
    (tmp_path / "ok.py").write_text("import torch\nx = torch.zeros(2).cuda()\n")
    process = run("scan", tmp_path, "--format", "sarif")
    sarif = json.loads(process.stdout)
    assert_valid_sarif(sarif)
    notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("bad.py" in n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notifications)


def test_junit_parses_and_fails_rules_with_blockers_or_warnings(sample_json):
    process = run("scan", SAMPLE, "--format", "junit")
    assert process.returncode == 0, process.stderr
    root = ElementTree.fromstring(process.stdout.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases) == sum(int(s.get("tests")) for s in suites)
    failures = root.findall("testsuite/testcase/failure")
    assert int(root.get("failures")) == len(failures)
    failing_rules = {f["rule"] for f in sample_json["findings"] if f["severity"] != "info"}
    failed = {case.get("name").split()[0] for case in cases if case.find("failure") is not None}
    assert failed == failing_rules
    for case in cases:
        failure = case.find("failure")
        if failure is None:
            continue
        rule = case.get("name").split()[0]
        expected = [f for f in sample_json["findings"] if f["rule"] == rule]
        assert failure.get("type") in {"blocker", "warning"}
        for finding in expected:
            assert f"{finding['path']}:{finding['line']}:{finding['column']}:" in failure.text


def test_junit_reports_input_errors_as_errors(tmp_path):
    (tmp_path / "bad.py").write_bytes(b"\x00\x01binary")
    process = run("scan", tmp_path, "--format", "junit")
    root = ElementTree.fromstring(process.stdout.encode())
    assert int(root.get("errors")) == len(root.findall("testsuite/testcase/error")) >= 1


WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice) (?:file=([^,:]+),line=(\d+)(?:,[a-zA-Z]+=[^,:]*)*,)?"
                              r"title=[^:]+::.+$")


def test_github_workflow_commands(sample_json):
    process = run("scan", SAMPLE, "--format", "github")
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    for line in lines:
        assert WORKFLOW_COMMAND.match(line), line
    annotated = [line for line in lines if "file=" in line]
    assert len(annotated) == len(sample_json["findings"])
    first = sample_json["findings"][0]
    assert f"file={SAMPLE}/{first['path']},line={first['line']},col={first['column']}" in annotated[0]
    assert lines[-1].startswith("::notice title=TPU readiness::Readiness "
                                f"{sample_json['summary']['readiness']}/100")
    kinds = Counter(line.split(" ", 1)[0] for line in annotated)
    counts = sample_json["summary"]["findings"]
    assert kinds == Counter({"::error": counts["blocker"], "::warning": counts["warning"], "::notice": counts["info"]})


def test_markdown_comment_with_links(sample_json):
    process = run("scan", "samples/gpt_trainer", "--format", "markdown", "--link-base",
                  "https://github.com/acme/trainer/blob/0123abc", cwd=SOURCE_DIR)
    assert process.returncode == 0, process.stderr
    text = process.stdout
    assert text.startswith(f"## TPU readiness: {sample_json['summary']['readiness']}/100\n")
    assert "| Category | Blockers | Warnings | Info | Readiness if resolved |" in text
    for category in sample_json["summary"]["categories"]:
        assert f"| {category} |" in text
    blocker = next(f for f in sample_json["findings"] if f["severity"] == "blocker")
    link = (f"(https://github.com/acme/trainer/blob/0123abc/samples/gpt_trainer/{blocker['path']}"
            f"#L{blocker['line']})")
    assert link in text
    assert len(text) < 65536  # a GitHub comment's limit


def test_markdown_lists_the_extensions_custom_ops(sample_json):
    # The sample's extension: the CUDA-only and CPU-fallback ops are rows, CUDA-only first,
    # each with where Python calls it; the counts are the JSON inventory's.
    ops = sample_json["inventory"]["ops"]
    process = run("scan", "samples/gpt_trainer", "--format", "markdown", cwd=SOURCE_DIR)
    assert process.returncode == 0, process.stderr
    section = process.stdout.split("### Custom ops of the C++/CUDA extensions\n\n", 1)[1].split("\n### ", 1)[0]
    blocking = [op for op in ops if op["severity"] == "blocker"]
    assert section.startswith(f"{len(ops)} ops: {len(blocking)} with no TPU path until ported")
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    expected = blocking + [op for op in ops if op["severity"] != "blocker" and op["verdict"] == "cpu-fallback"]
    assert len(rows) == len(expected) > 0
    for row, op in zip(rows, expected):
        assert row.startswith(f"| `{op['module']}.{op['name']}` | {op['verdict']} |")
        call = op["python_calls"][0]
        assert f"`samples/gpt_trainer/{call['path']}:{call['line']}`" in row


def test_several_formats_in_one_run(tmp_path, sample_json):
    out = tmp_path / "out"
    process = run("scan", SAMPLE, "--format", "json,sarif,junit,github,markdown,html,terminal", "--output-dir", out)
    assert process.returncode == 0, process.stderr
    assert process.stdout == ""
    names = sorted(p.name for p in out.iterdir())
    assert names == ["report.github.txt", "report.html", "report.json", "report.junit.xml", "report.md",
                     "report.sarif", "report.txt"]
    assert json.loads((out / "report.json").read_text()) == sample_json
    assert "\033[" not in (out / "report.txt").read_text()  # no colour in files


@pytest.mark.parametrize("args, message", [
    (["--format", "json,sarif"], "--output-dir"),
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--format", "json", "-o", "x.json", "--output-dir", "d"], "cannot be used together"),
])
def test_output_usage_errors_exit_2(args, message, tmp_path):
    process = run("scan", SAMPLE, *args, cwd=tmp_path)
    assert process.returncode == 2
    assert message in process.stderr
    assert process.stdout == ""


def test_report_renders_a_saved_report_again(tmp_path, sample_json):
    saved = tmp_path / "report.json"
    assert run("scan", SAMPLE, "--format", "json", "-o", saved).returncode == 0
    again = run("report", saved, "--format", "json")
    assert again.returncode == 0, again.stderr
    assert again.stdout == saved.read_text()  # nothing lost on the way
    for fmt in ("sarif", "junit", "github", "markdown", "html", "terminal"):
        direct = run("scan", SAMPLE, "--format", fmt)
        rendered = run("report", saved, "--format", fmt)
        assert rendered.returncode == 0, (fmt, rendered.stderr)
        if fmt not in ("junit", "terminal"):  # those two print the scan's duration
            assert rendered.stdout == direct.stdout, fmt
    from_stdin = run_with_stdin(saved.read_text(), "report", "-", "--format", "markdown")
    assert from_stdin.returncode == 0 and from_stdin.stdout.startswith("## TPU readiness")


def test_report_rejects_what_is_not_a_report(tmp_path):
    assert run("report", tmp_path / "missing.json").returncode == 2
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something-else"}')
    process = run("report", other)
    assert process.returncode == 2 and "unknown schema" in process.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run("report", broken).returncode == 2
