#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Score `tpu-migrate scan` against the hand labels in bench/accuracy/labels/.

The user checks the pinned repositories out under one folder (see checkout.sh); this script
fetches nothing. For each repository of the manifest (repos.tsv, or those given with --manifest,
such as the held-out heldout-2026-12-04.tsv) it scans the WHOLE checkout, so that cross-file
analysis counts, and scores only the labelled files, with the definitions of CUDA-TIES.md,
"How accuracy is measured":

  line recall      labelled lines with any finding / labelled lines
  category recall  labelled (line, category) pairs with a finding of that category / all pairs
  precision        findings on labelled lines / all findings in the labelled files

Only `must` labels are counted for recall. A line whose labels are all `optional` is a
judgement call: a finding there is neither a hit nor a false positive. Findings are counted
once per (path, line, category), since one finding per line and category is enough for the
score; `unsupported-op` findings are not part of the line score and are ignored.

Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
IGNORED_CATEGORIES = {"unsupported-op"}  # op coverage: not part of the line score (spec)
KINDS = ("must", "optional")


def line_hash(text):
    """First 12 hex digits of sha256 of the line with surrounding whitespace stripped."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Label:
    path: str
    line: int
    category: str
    kind: str  # "must" or "optional"
    hash: str


@dataclass
class Repo:
    name: str
    url: str
    commit: str
    files: list
    labels: list = field(default_factory=list)


def read_manifest(path):
    """repos.tsv: name, url, commit, comma-separated labelled files; '#' starts a comment."""
    repos = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip() or raw.startswith("#"):
                continue
            cells = raw.rstrip("\n").split("\t")
            if len(cells) != 4:
                raise ValueError(f"{path}:{number}: expected 4 tab-separated cells, got {len(cells)}")
            name, url, commit, files = cells
            repos.append(Repo(name, url, commit, [f for f in files.split(",") if f]))
    return repos


def read_manifests(paths):
    """The repositories of several manifests, in order; a name twice is an error (one checkout each)."""
    repos, seen = [], {}
    for path in paths:
        for repo in read_manifest(path):
            if repo.name in seen:
                raise ValueError(f"{path}: repository {repo.name!r} is already in {seen[repo.name]}")
            seen[repo.name] = path
            repos.append(repo)
    return repos


def read_labels(path):
    """labels/<repo>.tsv: path, line, category, kind, hash; '#' comments and a header row.

    Returns (labels, problems): a malformed row is named with its path and line and left out,
    so that one bad row does not stop the whole score.
    """
    labels, problems = [], []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip() or raw.startswith("#"):
                continue
            cells = raw.rstrip("\n").split("\t")
            if cells[0] == "path":  # the header row
                continue
            if len(cells) != 5 or not cells[1].isdigit() or cells[3] not in KINDS:
                problems.append(f"{path}:{number}: expected path, line, category, must|optional, "
                                f"hash; row left out")
                continue
            labels.append(Label(cells[0], int(cells[1]), cells[2], cells[3], cells[4]))
    return labels, problems


def check_labels(root, labels):
    """Splits labels into those whose line still hashes the same and stale ones (with why)."""
    fresh, stale = [], []
    cache = {}
    for label in labels:
        if label.path not in cache:
            try:
                with open(os.path.join(root, label.path), encoding="utf-8", errors="replace") as handle:
                    cache[label.path] = handle.read().split("\n")
            except OSError:
                cache[label.path] = None
        lines = cache[label.path]
        if lines is None:
            stale.append((label, "file missing"))
        elif label.line > len(lines):
            stale.append((label, "past the end of the file"))
        elif line_hash(lines[label.line - 1]) != label.hash:
            stale.append((label, "line changed"))
        else:
            fresh.append(label)
    return fresh, stale


def normalise_path(path, root):
    """A finding's path relative to the scanned root, with forward slashes."""
    if os.path.isabs(path):
        path = os.path.relpath(path, root)
    path = path.replace(os.sep, "/")
    return path[2:] if path.startswith("./") else path


@dataclass
class Tally:
    lines: int = 0          # must-labelled lines
    lines_found: int = 0    # ... with any finding
    pairs: int = 0          # must (line, category) pairs
    pairs_found: int = 0    # ... with a finding of that category
    hits: int = 0           # finding units on must-labelled lines
    false_positives: int = 0
    neutral: int = 0        # finding units on optional-only lines

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line_recall(self):
        return self.lines_found / self.lines if self.lines else None

    def category_recall(self):
        return self.pairs_found / self.pairs if self.pairs else None

    def precision(self):
        found = self.hits + self.false_positives
        return self.hits / found if found else None

    def as_dict(self):
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out.update(line_recall=self.line_recall(), category_recall=self.category_recall(),
                   precision=self.precision())
        return out


def bump(tallies, name, by=1):
    """Adds by (a count or a bool) to the field name of one Tally or of each in a tuple."""
    for tally in tallies if isinstance(tallies, tuple) else (tallies,):
        setattr(tally, name, getattr(tally, name) + int(by))


def score(labels, files, findings, unscored=()):
    """Scores one repository.

    labels: fresh Label rows; files: the labelled files (scored for precision even without
    labels); findings: dicts with at least path (relative to the root), line, category, rule;
    unscored: (path, line) pairs whose labels went stale: a finding there is neither a hit nor a
    false positive, since nobody knows what the line should get.
    Returns (total Tally, {category: Tally}, misses, false positives).
    """
    files = set(files)
    unscored = set(unscored)
    must = defaultdict(set)       # (path, line) -> must categories
    optional = defaultdict(set)   # (path, line) -> optional categories
    for label in labels:
        (must if label.kind == "must" else optional)[(label.path, label.line)].add(label.category)

    found = defaultdict(dict)     # (path, line) -> {category: rule}
    for finding in findings:
        if finding["category"] in IGNORED_CATEGORIES or finding["path"] not in files:
            continue
        found[(finding["path"], finding["line"])].setdefault(finding["category"], finding["rule"])

    total, per_category = Tally(), defaultdict(Tally)
    misses, false_positives = [], []
    for where, categories in must.items():
        said = found.get(where, {})
        bump(total, "lines")
        bump(total, "lines_found", bool(said))
        for category in categories:
            both = (total, per_category[category])
            bump(per_category[category], "lines")
            bump(per_category[category], "lines_found", bool(said))
            bump(both, "pairs")
            bump(both, "pairs_found", category in said)
            if category not in said:
                misses.append({"path": where[0], "line": where[1], "expected": category,
                               "found": sorted(said)})
    for where, said in found.items():
        for category, rule in said.items():
            both = (total, per_category[category])
            if where in must:
                bump(both, "hits")
            elif where in optional or where in unscored:
                bump(both, "neutral")
            else:
                bump(both, "false_positives")
                false_positives.append({"path": where[0], "line": where[1], "rule": rule,
                                        "category": category})
    misses.sort(key=lambda m: (m["path"], m["line"], m["expected"]))
    false_positives.sort(key=lambda f: (f["path"], f["line"], f["category"]))
    return total, dict(per_category), misses, false_positives


def checkout_commit(root):
    """HEAD of the checkout when it is a git work tree, else None."""
    if not os.path.exists(os.path.join(root, ".git")):
        return None
    result = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def tool_categories(tool):
    """The closed list of categories, as the tool's own rule table states it (None if unreadable)."""
    try:
        result = subprocess.run([tool, "rules", "--format", "json"], capture_output=True, text=True)
        return {rule["category"] for rule in json.loads(result.stdout)}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def unknown_category_problems(labels, categories, name):
    """A label whose category the tool does not know can never be found: say so, don't score it."""
    if categories is None:
        return labels, []
    kept = [label for label in labels if label.category in categories]
    problems = [f"{name}: label {label.path}:{label.line} has unknown category {label.category!r}; "
                f"not scored" for label in labels if label.category not in categories]
    return kept, problems


def run_scan(tool, root):
    """The tool's findings over the whole repository, paths relative to root."""
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.json")
        # --no-cache: the checkouts stay as they were (no .tpu-migrate-cache in them).
        result = subprocess.run([tool, "scan", root, "--no-cache", "--format", "json", "--output", report],
                                capture_output=True, text=True)
        if not os.path.exists(report):
            raise RuntimeError(f"{tool} scan {root} wrote no report (exit {result.returncode}): "
                               f"{result.stderr.strip()[-2000:]}")
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
    findings = []
    for finding in data.get("findings", []):
        findings.append({"path": normalise_path(finding["path"], root), "line": finding["line"],
                         "category": finding["category"], "rule": finding.get("rule", "")})
    return findings


def below_thresholds(tally, min_line_recall=None, min_category_recall=None, min_precision=None):
    """The figures of tally under the minimums given (None: not asked), as readable lines."""
    failed = []
    for name, wanted, got in (("line recall", min_line_recall, tally.line_recall()),
                              ("category recall", min_category_recall, tally.category_recall()),
                              ("precision", min_precision, tally.precision())):
        if wanted is not None and (got is None or got < wanted):
            failed.append(f"{name} {fmt(got).strip()} < {wanted}")
    return failed


def fmt(value):
    return "   -  " if value is None else f"{value:6.3f}"


def table(title, rows):
    """rows: (name, Tally). Returns the printed lines."""
    out = [f"{title:<24} {'lines':>6} {'line-rec':>8} {'pairs':>6} {'cat-rec':>8} "
           f"{'found':>6} {'FP':>5} {'precision':>9}"]
    for name, tally in rows:
        out.append(f"{name:<24} {tally.lines:>6} {fmt(tally.line_recall()):>8} {tally.pairs:>6} "
                   f"{fmt(tally.category_recall()):>8} {tally.hits + tally.false_positives:>6} "
                   f"{tally.false_positives:>5} {fmt(tally.precision()):>9}")
    return out


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True,
                        help="folder holding one checkout per repository, named as in repos.tsv")
    parser.add_argument("--tool", default="build/tpu-migrate", help="the tpu-migrate binary")
    parser.add_argument("--repo", action="append", help="score only this repository (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--min-line-recall", type=float)
    parser.add_argument("--min-category-recall", type=float)
    parser.add_argument("--min-precision", type=float)
    parser.add_argument("--manifest", action="append",
                        help="manifest of the repositories to score (repeatable; default repos.tsv; "
                             "heldout-2026-12-04.tsv holds the held-out set)")
    args = parser.parse_args(argv)
    args.manifest = args.manifest or [os.path.join(HERE, "repos.tsv")]
    return args


def main(argv=None):
    args = parse_arguments(argv)
    try:
        repos = read_manifests(args.manifest)
    except (OSError, ValueError) as error:
        print(f"score.py: {error}", file=sys.stderr)
        return 2
    if args.repo:
        unknown = set(args.repo) - {r.name for r in repos}
        if unknown:
            print(f"score.py: unknown repository: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        repos = [r for r in repos if r.name in args.repo]
    tool = os.path.abspath(args.tool) if os.path.exists(args.tool) else args.tool
    known_categories = tool_categories(tool)

    grand, grand_categories = Tally(), defaultdict(Tally)
    per_repo, details, warnings = [], {}, []
    for repo in repos:
        root = os.path.join(args.corpus, repo.name)
        if not os.path.isdir(root):
            warnings.append(f"{repo.name}: no checkout at {root}; skipped (see checkout.sh)")
            continue
        commit = checkout_commit(root)
        if commit and commit != repo.commit:
            warnings.append(f"{repo.name}: checkout is at {commit}, labels are for {repo.commit}")
        labels_file = os.path.join(HERE, "labels", repo.name + ".tsv")
        if not os.path.isfile(labels_file):
            warnings.append(f"{repo.name}: no labels file {labels_file}; skipped")
            continue
        labels, problems = read_labels(labels_file)
        warnings.extend(problems)
        labels, problems = unknown_category_problems(labels, known_categories, repo.name)
        warnings.extend(problems)
        labels, stale = check_labels(root, labels)
        for label, why in stale:
            warnings.append(f"{repo.name}: stale label {label.path}:{label.line} "
                            f"({label.category}): {why}; not scored")
        try:
            findings = run_scan(tool, root)
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            warnings.append(f"{repo.name}: the scan failed, repository not scored: {error}")
            continue
        total, categories, misses, false_positives = score(
            labels, repo.files, findings, unscored=[(label.path, label.line) for label, _ in stale])
        grand.add(total)
        for category, tally in categories.items():
            grand_categories[category].add(tally)
        per_repo.append((repo.name, total))
        details[repo.name] = {"commit": repo.commit, "total": total.as_dict(),
                              "categories": {c: t.as_dict() for c, t in sorted(categories.items())},
                              "misses": misses, "false_positives": false_positives,
                              "stale": [{"path": l.path, "line": l.line, "category": l.category,
                                         "why": why} for l, why in stale]}

    if args.json:
        print(json.dumps({"total": grand.as_dict(),
                          "categories": {c: t.as_dict() for c, t in sorted(grand_categories.items())},
                          "repositories": details, "warnings": warnings}, indent=2))
    else:
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print("\n".join(table("repository", per_repo + [("ALL", grand)])))
        print()
        print("\n".join(table("category", sorted(grand_categories.items()))))
        if args.misses:
            for name, detail in details.items():
                print(f"\n== {name}: {len(detail['misses'])} misses, "
                      f"{len(detail['false_positives'])} false positives")
                for miss in detail["misses"]:
                    said = ", ".join(miss["found"]) if miss["found"] else "nothing"
                    print(f"miss  {miss['path']}:{miss['line']}  expected {miss['expected']}, "
                          f"tool said {said}")
                for fp in detail["false_positives"]:
                    print(f"fp    {fp['path']}:{fp['line']}  {fp['rule']} ({fp['category']})")

    failed = below_thresholds(grand, args.min_line_recall, args.min_category_recall,
                              args.min_precision)
    if failed:
        print("score.py: below threshold: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
