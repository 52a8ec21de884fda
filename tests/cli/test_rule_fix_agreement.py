# SPDX-License-Identifier: Apache-2.0
"""Four places state a rule's fix applicability; they must agree on every rule.

`explain RULE`, `rules --format json` and the SARIF rule metadata read the rule table; a JSON finding
carries the fix its rule actually produced. The findings come from the sample project and the rule
fixtures, so only rules that fire there are compared on that side. A finding may carry no fix where
its site has no mechanical one (a `torch.cuda.Stream`, say); one that carries a fix must carry the
rule's applicability, and a rule without a fix must produce none.
"""
import json
import re

from conftest import SAMPLE, SOURCE_DIR, run, scan_json

# Rules whose findings carry another applicability than the rule table says, today. The rule table
# is not changed here; a disagreement not listed fails, and so does a listed one that was fixed
# (remove it then).
KNOWN_DISAGREEMENTS = {
    "TPU110": "the table says safe; is_available, max_memory_allocated and memory_reserved fixes are unsafe",
    "TPU121": "the table says unsafe; every GradScaler finding's fix is safe",
}

FIXTURES = sorted([*SOURCE_DIR.glob("analyzer/python/rules/*.fixture.py"),
                   *SOURCE_DIR.glob("analyzer/cpp/rules/*.fixture.*")])


def table():
    return {rule["code"]: rule["fix"] for rule in json.loads(run("rules", "--format", "json").stdout)}


def explained(code):
    process = run("explain", code)
    assert process.returncode == 0, process.stderr
    match = re.search(r", fix: (\w+)", process.stdout.splitlines()[1])
    assert match, process.stdout
    return match.group(1)


def sarif_rules():
    process = run("scan", SAMPLE, "--format", "sarif")
    assert process.returncode == 0, process.stderr
    rules = json.loads(process.stdout)["runs"][0]["tool"]["driver"]["rules"]
    return {rule["id"]: rule["properties"]["fix"] for rule in rules}


def finding_applicabilities():
    """{code: set of the applicabilities its findings' fixes carry (empty when none carries a fix)}."""
    assert len(FIXTURES) >= 14, FIXTURES
    seen = {}
    for paths in ([SAMPLE], FIXTURES):
        report, process = scan_json(*paths)
        assert process.returncode == 0, process.stderr
        for finding in report["findings"]:
            carried = seen.setdefault(finding["rule"], set())
            if "fix" in finding:
                carried.add(finding["fix"]["applicability"])
    return seen


def test_explain_json_and_sarif_agree_on_every_rule():
    fixes = table()
    sarif = sarif_rules()
    assert sarif == fixes
    for code, fix in fixes.items():
        assert explained(code) == fix, code


def test_findings_carry_their_rules_fix():
    fixes = table()
    seen = finding_applicabilities()
    assert len(seen) >= 40, sorted(seen)  # most rules fire on the sample or the fixtures
    disagreeing = {code: sorted(found) for code, found in seen.items() if found - {fixes[code]}}
    new = {code: (fixes[code], found) for code, found in disagreeing.items() if code not in KNOWN_DISAGREEMENTS}
    assert not new, f"findings disagree with the rule table (code: (table, findings)): {new}"
    fixed = sorted(KNOWN_DISAGREEMENTS.keys() - disagreeing.keys())
    assert not fixed, f"these rules agree now; remove them from KNOWN_DISAGREEMENTS: {fixed}"
