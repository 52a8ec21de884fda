# SPDX-License-Identifier: Apache-2.0
"""Proves the scorer's arithmetic on a made-up two-file corpus (run: pytest bench/accuracy)."""

import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

A_PY = """import torch
x = torch.zeros(3).cuda()
torch.backends.cudnn.benchmark = True
scaler = torch.cuda.amp.GradScaler()
y = x.to(device)
z = x.to(0)
"""
B_CU = """__global__ void k() {
  int i = threadIdx.x;
}
// a comment
"""


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "a.py").write_text(A_PY)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "b.cu").write_text(B_CU)
    return tmp_path


def label(root, path, line, category, kind="must"):
    text = (root / path).read_text().split("\n")[line - 1]
    return score.Label(path, line, category, kind, score.line_hash(text))


@pytest.fixture
def labels(corpus):
    return [label(corpus, "a.py", 2, "device-placement"),
            label(corpus, "a.py", 3, "backend-flags"),
            label(corpus, "a.py", 4, "amp"),
            label(corpus, "a.py", 6, "device-placement", "optional"),
            label(corpus, "src/b.cu", 1, "cuda-kernel"),
            label(corpus, "src/b.cu", 2, "cuda-kernel")]


def finding(path, line, category, rule="R"):
    return {"path": path, "line": line, "category": category, "rule": rule}


FINDINGS = [
    finding("a.py", 2, "device-placement", "TPU101"),
    finding("a.py", 2, "device-placement", "TPU102"),  # same line and category: counted once
    finding("a.py", 2, "unsupported-op"),              # op coverage: not scored
    finding("a.py", 3, "cuda-api"),                    # right line, wrong category
    finding("a.py", 5, "device-placement", "TPU103"),  # quiet line: a false positive
    finding("a.py", 6, "device-placement"),            # optional line: neither hit nor miss
    finding("src/b.cu", 1, "cuda-kernel"),
    finding("src/b.cu", 4, "cuda-kernel", "TPU900"),   # a comment: a false positive
    finding("c.py", 1, "device-placement"),            # not a labelled file: not scored
]
FILES = ["a.py", "src/b.cu"]


def test_totals(labels):
    total, _, _, _ = score.score(labels, FILES, FINDINGS)
    assert (total.lines, total.lines_found) == (5, 3)
    assert (total.pairs, total.pairs_found) == (5, 2)
    assert (total.hits, total.false_positives, total.neutral) == (3, 2, 1)
    assert total.line_recall() == pytest.approx(0.6)
    assert total.category_recall() == pytest.approx(0.4)
    assert total.precision() == pytest.approx(0.6)


def test_per_category(labels):
    _, categories, _, _ = score.score(labels, FILES, FINDINGS)
    placement = categories["device-placement"]
    assert (placement.lines, placement.pairs_found, placement.hits,
            placement.false_positives, placement.neutral) == (1, 1, 1, 1, 1)
    assert placement.precision() == pytest.approx(0.5)
    flags = categories["backend-flags"]
    assert (flags.lines, flags.lines_found, flags.pairs_found) == (1, 1, 0)
    assert flags.precision() is None  # no finding in that category
    assert categories["cuda-api"].category_recall() is None  # nothing labelled cuda-api
    assert categories["cuda-api"].precision() == 1.0
    kernel = categories["cuda-kernel"]
    assert (kernel.lines, kernel.pairs_found, kernel.false_positives) == (2, 1, 1)
    assert "unsupported-op" not in categories


def test_misses_and_false_positives(labels):
    _, _, misses, false_positives = score.score(labels, FILES, FINDINGS)
    assert [(m["path"], m["line"], m["expected"], m["found"]) for m in misses] == [
        ("a.py", 3, "backend-flags", ["cuda-api"]),
        ("a.py", 4, "amp", []),
        ("src/b.cu", 2, "cuda-kernel", [])]
    assert [(f["path"], f["line"], f["rule"]) for f in false_positives] == [
        ("a.py", 5, "TPU103"), ("src/b.cu", 4, "TPU900")]


def test_a_labelled_file_without_labels_still_counts_for_precision(labels):
    total, _, _, false_positives = score.score(labels, FILES + ["c.py"], FINDINGS)
    assert total.false_positives == 3
    assert ("c.py", 1) in [(f["path"], f["line"]) for f in false_positives]


def test_stale_labels_are_reported_not_scored(corpus, labels):
    changed = score.Label("a.py", 2, "device-placement", "must", score.line_hash("x = 1"))
    past_end = score.Label("a.py", 99, "amp", "must", "0" * 12)
    missing = score.Label("gone.py", 1, "amp", "must", "0" * 12)
    fresh, stale = score.check_labels(str(corpus), labels + [changed, past_end, missing])
    assert fresh == labels
    assert [(l.path, why) for l, why in stale] == [
        ("a.py", "line changed"), ("a.py", "past the end of the file"), ("gone.py", "file missing")]


def test_label_files_round_trip(tmp_path, labels):
    path = tmp_path / "repo.tsv"
    rows = ["# a comment", "path\tline\tcategory\tkind\thash"]
    rows += [f"{l.path}\t{l.line}\t{l.category}\t{l.kind}\t{l.hash}" for l in labels]
    path.write_text("\n".join(rows) + "\n")
    assert score.read_labels(str(path)) == (labels, [])


def test_a_malformed_label_row_is_named_and_left_out(tmp_path):
    path = tmp_path / "repo.tsv"
    path.write_text("a.py\t2\tamp\tmaybe\tabc\nb.py\t3\tamp\tmust\tabc\n")
    labels, problems = score.read_labels(str(path))
    assert labels == [score.Label("b.py", 3, "amp", "must", "abc")]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:1: ")


def test_thresholds(labels):
    total, _, _, _ = score.score(labels, FILES, FINDINGS)
    assert score.below_thresholds(total) == []
    assert score.below_thresholds(total, 0.6, 0.4, 0.6) == []
    assert score.below_thresholds(total, min_line_recall=0.95, min_precision=0.5) == [
        "line recall 0.600 < 0.95"]


def test_the_commit_of_a_git_checkout_is_read(tmp_path):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    (tmp_path / "a.py").write_text(A_PY)
    subprocess.run(git + ["add", "a.py"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "a"], check=True)
    head = subprocess.run(git[:3] + ["rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert score.checkout_commit(str(tmp_path)) == head.strip()
    (tmp_path / "plain").mkdir()  # an extracted archive: no commit to compare
    assert score.checkout_commit(str(tmp_path / "plain")) is None


def test_hash_is_of_the_stripped_line():
    assert score.line_hash("  x = 1\t") == score.line_hash("x = 1")
    assert len(score.line_hash("x")) == 12


def test_findings_on_a_stale_label_line_are_neither_hits_nor_false_positives(labels):
    fresh = [label for label in labels if (label.path, label.line) != ("a.py", 5)]
    total, _, _, false_positives = score.score(fresh, FILES, FINDINGS, unscored=[("a.py", 5)])
    assert ("a.py", 5) not in [(f["path"], f["line"]) for f in false_positives]
    assert (total.false_positives, total.neutral) == (1, 2)


def test_a_label_with_an_unknown_category_is_reported_and_not_scored(labels):
    known = {label.category for label in labels}
    typo = score.Label("a.py", 9, "cuda_api", "must", "0" * 12)
    kept, problems = score.unknown_category_problems(labels + [typo], known, "demo")
    assert typo not in kept and len(kept) == len(labels)
    assert problems == ["demo: label a.py:9 has unknown category 'cuda_api'; not scored"]


def write_manifest(path, *rows):
    path.write_text("# name\turl\tcommit\tfiles\n" + "".join("\t".join(row) + "\n" for row in rows))
    return str(path)


def test_several_manifests_are_read_in_order_and_a_name_twice_is_an_error(tmp_path):
    first = write_manifest(tmp_path / "a.tsv", ("one", "u1", "c1", "x.py,y.py"))
    second = write_manifest(tmp_path / "b.tsv", ("two", "u2", "c2", "z.py"))
    repos = score.read_manifests([first, second])
    assert [(r.name, r.files) for r in repos] == [("one", ["x.py", "y.py"]), ("two", ["z.py"])]
    again = write_manifest(tmp_path / "c.tsv", ("one", "u3", "c3", "w.py"))
    with pytest.raises(ValueError, match="'one' is already in"):
        score.read_manifests([first, again])


def test_the_manifest_option_chooses_the_repositories_scored(tmp_path, capsys):
    # No checkout exists under the corpus, so each repository of the manifest is named in a
    # warning: that shows which manifest was read, without running the tool.
    held_out = write_manifest(tmp_path / "held.tsv", ("elsewhere", "u", "c", "a.py"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    tool = str(tmp_path / "no-tool")
    assert score.main(["--corpus", str(corpus), "--tool", tool, "--manifest", held_out, "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert warnings == [f"elsewhere: no checkout at {corpus / 'elsewhere'}; skipped (see checkout.sh)"]
    assert score.main(["--corpus", str(corpus), "--tool", tool, "--json"]) == 0  # repos.tsv
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert any(w.startswith("nanoGPT: no checkout") for w in warnings)
    assert not any(w.startswith("elsewhere") for w in warnings)
    assert score.main(["--corpus", str(corpus), "--tool", tool, "--manifest", held_out,
                       "--manifest", held_out]) == 2  # the same repository twice


def test_the_held_out_manifest_is_apart_from_repos_tsv_and_matches_its_labels():
    here = os.path.dirname(os.path.abspath(__file__))
    held_out = score.read_manifest(os.path.join(here, "heldout-2026-12-04.tsv"))
    tuned = score.read_manifest(os.path.join(here, "repos.tsv"))
    assert {r.name for r in held_out} == {"timm", "Megatron-LM", "open_clip"}
    assert not {r.name for r in held_out} & {r.name for r in tuned}
    for repo in held_out:
        labels, problems = score.read_labels(os.path.join(here, "labels", repo.name + ".tsv"))
        assert problems == [] and labels
        assert {label.path for label in labels} <= set(repo.files), repo.name


def test_checkout_sh_checks_out_each_repository_of_the_given_manifest(tmp_path):
    origin = tmp_path / "origin"
    git = ["git", "-C", str(origin), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    commits = []
    for text in ("first", "second"):
        (origin / "a.py").write_text(text)
        subprocess.run(git + ["add", "a.py"], check=True)
        subprocess.run(git + ["commit", "-q", "-m", text], check=True)
        commits.append(subprocess.run(git[:3] + ["rev-parse", "HEAD"], capture_output=True,
                                      text=True, check=True).stdout.strip())
    manifest = write_manifest(tmp_path / "m.tsv", ("demo", str(origin), commits[0], "a.py"))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkout.sh")
    result = subprocess.run(["sh", script, str(tmp_path / "corpus"), manifest],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert score.checkout_commit(str(tmp_path / "corpus" / "demo")) == commits[0]
    assert (tmp_path / "corpus" / "demo" / "a.py").read_text() == "first"
    missing = subprocess.run(["sh", script, str(tmp_path / "corpus"), str(tmp_path / "none.tsv")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no manifest" in missing.stderr
