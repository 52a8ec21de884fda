# SPDX-License-Identifier: Apache-2.0
"""docs/rules.md is `tpu-migrate rules --format markdown`, and that output renders the whole rule table."""
import json
import re

from conftest import SOURCE_DIR, run

DOC = SOURCE_DIR / "docs" / "rules.md"
REGENERATE = "build/tpu-migrate rules --format markdown > docs/rules.md"


def markdown():
    process = run("rules", "--format", "markdown")
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_docs_rules_md_is_current():
    generated = markdown()
    assert markdown() == generated, "rules --format markdown differs between two runs"
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert committed == generated, f"docs/rules.md is not current; regenerate it with `{REGENERATE}`"


def test_markdown_has_every_rule_once_under_its_category():
    rules = {rule["code"]: rule for rule in json.loads(run("rules", "--format", "json").stdout)}
    section, rows = None, {}
    for line in markdown().splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif re.match(r"^\| TPU\d{3} \|", line):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            assert cells[0] not in rows, f"{cells[0]} is listed twice"
            rows[cells[0]] = (section, cells)
    assert rows.keys() == rules.keys()
    for code, (section, (_, name, category, language, severity, fix, summary)) in rows.items():
        rule = rules[code]
        assert section == category == rule["category"], code
        assert (name, severity, fix) == (f"`{rule['name']}`", rule["severity"], rule["fix"]), code
        assert language in ("python", "cpp"), code
        assert summary.replace("\\|", "|") == rule["summary"], code
    # Sections follow one another without repeating a category.
    sections = [line[3:] for line in markdown().splitlines() if line.startswith("## ")]
    assert len(sections) == len(set(sections)) == len({rule["category"] for rule in rules.values()})


def test_text_and_json_formats_are_unchanged():
    text = run("rules").stdout.splitlines()
    rules = json.loads(run("rules", "--format", "json").stdout)
    assert [line.split()[0] for line in text] == [rule["code"] for rule in rules]
    # fix_applicabilities was added with the rewrite map as the source of a rule's fix.
    assert all(list(rule) == ["code", "name", "category", "severity", "fix", "fix_applicabilities", "summary"]
               for rule in rules)
    assert run("rules", "--format", "yaml").returncode == 2
