# SPDX-License-Identifier: Apache-2.0
"""Four places state a rule's fix applicability; they must agree on every rule.

The rewrite map decides: `explain RULE`, `rules --format json` and the SARIF rule metadata state
the applicabilities of the map's rows for the sites a rule reports (`fix` is `unsafe` when any
is, `fix_applicabilities` lists them all), and a JSON finding carries the row of its own site in
the scan's style. The findings come from the sample project and the rule fixtures, in both styles,
so only rules that fire there are compared on that side. A finding may carry no fix where its site
has no mechanical one (a `torch.cuda.Stream`, say); one that carries a fix carries one of its
rule's applicabilities, and a rule without a fix produces none.
"""
import json
import re
import shutil
from collections import Counter

from conftest import SAMPLE, SOURCE_DIR, run, scan_json

FIXTURES = sorted([*SOURCE_DIR.glob("analyzer/python/rules/*.fixture.py"),
                   *SOURCE_DIR.glob("analyzer/cpp/rules/*.fixture.*")])


def table():
    return {rule["code"]: (rule["fix"], rule["fix_applicabilities"])
            for rule in json.loads(run("rules", "--format", "json").stdout)}


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
    return {rule["id"]: (rule["properties"]["fix"], rule["properties"]["fixApplicabilities"]) for rule in rules}


def finding_applicabilities():
    """{code: set of the applicabilities its findings' fixes carry (empty when none carries a fix)}."""
    assert len(FIXTURES) >= 14, FIXTURES
    seen = {}
    for paths in ([SAMPLE], FIXTURES):
        for style in ("portable", "direct"):
            report, process = scan_json(*paths, "--style", style)
            assert process.returncode == 0, process.stderr
            for finding in report["findings"]:
                carried = seen.setdefault(finding["rule"], set())
                if "fix" in finding:
                    carried.add(finding["fix"]["applicability"])
    return seen


def test_explain_json_and_sarif_agree_on_every_rule():
    fixes = table()
    assert sarif_rules() == fixes
    for code, (fix, applicabilities) in fixes.items():
        assert explained(code) == fix, code
        assert fix == ("none" if not applicabilities else "unsafe" if "unsafe" in applicabilities else "safe"), code
    # Rules whose fixes differ by site or style (is_available is unsafe, synchronize safe; a
    # GradScaler fix is safe in the portable style, unsafe in the direct one) say so.
    assert fixes["TPU110"] == ("unsafe", ["safe", "unsafe"])
    assert fixes["TPU121"] == ("unsafe", ["safe", "unsafe"])


def test_findings_carry_their_rules_fix():
    """Every rule, not a list of exceptions: each finding's fix is one its rule states."""
    fixes = table()
    seen = finding_applicabilities()
    assert len(seen) >= 40, sorted(seen)  # most rules fire on the sample or the fixtures
    disagreeing = {code: sorted(found) for code, found in seen.items() if not found <= set(fixes[code][1])}
    assert not disagreeing, f"findings disagree with the rule table (code: findings): {disagreeing}"


def test_a_finding_shows_the_fix_its_style_applies(tmp_path):
    """A site whose map row exists only in the direct style (non_blocking) has no fix in a
    portable scan (nanoGPT showed 8 such fixes of 40), and its fix in a direct one; a site with a
    row in both (`x.pin_memory()`, dropped in both styles) has its fix in both."""
    (tmp_path / "a.py").write_text("import torch\nb = x.pin_memory()\ny = x.to(d, non_blocking=True)\n")
    by_style = {}
    for style in ("portable", "direct"):
        report, process = scan_json(tmp_path, "--style", style)
        assert process.returncode == 0, process.stderr
        by_style[style] = {f["rule"]: f.get("fix") for f in report["findings"] if f["rule"] in ("TPU800", "TPU801")}
    assert set(by_style["portable"]) == {"TPU800", "TPU801"}
    assert by_style["portable"]["TPU801"] is None, by_style
    assert by_style["portable"]["TPU800"] and by_style["portable"]["TPU800"]["edits"], by_style
    assert all(fix and fix["edits"] for fix in by_style["direct"].values()), by_style


# Repository-wide findings follow the code they point at: a call of the repository's own helper
# (TPU150) is gone once the rewrite fixed the CUDA tie in the helper's body.
FOLLOW_OTHER_CODE = {"TPU150"}


def test_findings_with_fix_edits_are_what_rewrite_fixes(tmp_path):
    """The scan's `fix.edits` and `rewrite` tell one story: `rewrite --unsafe-fixes` fixes every
    finding of the sample whose scan carries edits (a finding is fixed when it is gone from the
    rewritten sample's scan), and every other finding it makes go lies inside another fix's
    edit (`non_blocking=True` in a `.cuda(…)` call replaced whole) or follows other code."""
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    before, process = scan_json(sample)
    assert process.returncode == 0, process.stderr

    def key(finding):
        return finding["path"], finding["rule"], finding["symbol"]

    edits = [(f["path"], edit) for f in before["findings"] for edit in f.get("fix", {}).get("edits", [])]

    def inside_an_edit(finding):
        at = (finding["line"], finding["column"])
        return any(path == finding["path"] and
                   (edit["start"]["line"], edit["start"]["column"]) <= at < (edit["end"]["line"], edit["end"]["column"])
                   for path, edit in edits)

    with_edits = Counter(key(f) for f in before["findings"] if f.get("fix", {}).get("edits"))
    explained = Counter(key(f) for f in before["findings"] if not f.get("fix", {}).get("edits") and
                        (inside_an_edit(f) or f["rule"] in FOLLOW_OTHER_CODE))
    assert sum(with_edits.values()) >= 10
    applied = run("rewrite", sample, "--apply", "--unsafe-fixes", "--no-cache")
    assert applied.returncode == 0, applied.stderr
    after, process = scan_json(sample)
    assert process.returncode == 0, process.stderr
    gone = Counter(key(f) for f in before["findings"]) - Counter(key(f) for f in after["findings"])
    assert with_edits <= gone, with_edits - gone
    assert gone - with_edits <= explained, (gone - with_edits) - explained
    assert not [f for f in after["findings"] if f.get("fix", {}).get("edits")]
