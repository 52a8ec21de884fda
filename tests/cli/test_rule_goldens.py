# SPDX-License-Identifier: Apache-2.0
"""Every rule in the rule table has at least one golden line, or says here why it cannot have one.

A golden line is an expected finding "[path:]line:column CODE severity symbol" in a `*.golden` file
of the rule families (analyzer/python/rules/, analyzer/cpp/rules/) or under tests/, or a finding of
the JSON report golden. The SARIF and Markdown report goldens list every rule's metadata, so they
are not read: a rule must be seen firing, not merely described.
"""
import json
import re

from conftest import SOURCE_DIR, run

# Rules that no per-file golden can show, with the reason and the test that covers them instead.
TRACE_OR_SCAN_TIME_ONLY = {
    "TPU150": "scan-time only: a call of the repository's own CUDA helper is linked after every file is "
              "read, through imports and transitively (tests/scan_test.cc)",
    "TPU650": "trace-only: a host sync seen in a trace (tests/cli/test_trace.py)",
    "TPU651": "trace-only: a device-to-host copy seen in a trace (the hazard: tests/trace_data_test.cc)",
    "TPU652": "trace-only: a data-dependent output shape seen in a trace (the hazard: tests/trace_data_test.cc)",
    "TPU653": "trace-only: a float64 op seen in a trace (tests/cli/test_trace.py)",
    "TPU654": "trace-only: shapes that change step to step in a trace (tests/trace_merge_test.cc)",
    "TPU655": "trace-only: a call into CUDA-only code seen in a trace (tests/trace_merge_test.cc, tests/cli/test_trace.py)",
}

# Rules that can fire on a single file but have no golden line yet: gaps, not exemptions. Each
# entry names the fixture that should get a line; remove it when the line is added.
EXPECTED_MISSING = {
}

GOLDEN_LINE = re.compile(r"^(?:\S+:)?\d+:\d+ (TPU\d{3}) ")


def codes_in_goldens():
    files = [*SOURCE_DIR.glob("analyzer/python/rules/*.golden"), *SOURCE_DIR.glob("analyzer/cpp/rules/*.golden"),
             *SOURCE_DIR.glob("tests/**/*.golden")]
    assert len(files) >= 15, files  # the families' goldens are found at all
    codes = set()
    for golden in files:
        for line in golden.read_text(encoding="utf-8").splitlines():
            if match := GOLDEN_LINE.match(line):
                codes.add(match.group(1))
    report = json.loads((SOURCE_DIR / "tests" / "reports" / "report.golden.json").read_text(encoding="utf-8"))
    codes.update(finding["rule"] for finding in report["findings"])
    return codes


def test_every_rule_has_a_golden_line_or_a_reason():
    table = {rule["code"] for rule in json.loads(run("rules", "--format", "json").stdout)}
    golden = codes_in_goldens()
    without = table - golden
    unexplained = sorted(without - TRACE_OR_SCAN_TIME_ONLY.keys() - EXPECTED_MISSING.keys())
    assert not unexplained, f"rules with no golden line: {unexplained}; add a fixture line and its golden line"
    # The lists stay true: no stale or unknown codes, and a gap that got its golden line leaves EXPECTED_MISSING.
    assert not (TRACE_OR_SCAN_TIME_ONLY.keys() | EXPECTED_MISSING.keys()) - table
    assert not TRACE_OR_SCAN_TIME_ONLY.keys() & golden, "a rule listed as trace-/scan-time-only has a golden line"
    assert not EXPECTED_MISSING.keys() & golden, "a gap in EXPECTED_MISSING was filled: remove it from the list"
    assert not TRACE_OR_SCAN_TIME_ONLY.keys() & EXPECTED_MISSING.keys()
