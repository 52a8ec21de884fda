# SPDX-License-Identifier: Apache-2.0
"""Integration points: the pre-commit hooks run as pre-commit would run them (on the files
being committed, from the repository root), and the CI examples in docs/ci.md only use
flags the CLI has."""
import re
import shlex

import yaml  # Debian: python3-yaml

from conftest import BINARY, SOURCE_DIR, run

HOOKS = yaml.safe_load((SOURCE_DIR / ".pre-commit-hooks.yaml").read_text())
CI_DOC = (SOURCE_DIR / "docs" / "ci.md").read_text()


def hook(hook_id):
    return next(h for h in HOOKS if h["id"] == hook_id)


def run_hook(hook_id, repo, *files):
    """What pre-commit does: the entry, split like a shell would, then the file names."""
    entry = shlex.split(hook(hook_id)["entry"])
    assert entry[0] == "tpu-migrate"
    return run(*entry[1:], *files, cwd=repo)


def test_hooks_are_well_formed():
    assert {h["id"] for h in HOOKS} == {"tpu-migrate", "tpu-migrate-baseline"}
    for h in HOOKS:
        assert h["language"] == "system" and h["name"] and h["description"]
        assert re.compile(h["files"]).search("pkg/train.py")
        assert re.compile(h["files"]).search("csrc/kernel.cu")
        assert not re.compile(h["files"]).search("README.md")


def test_blocker_hook_stops_a_commit_with_a_blocker(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text("import torch\nx = torch.zeros(2).cuda()\n")  # a warning
    (tmp_path / "pkg" / "kern.py").write_text("import triton\n\n@triton.jit\ndef k(x):\n    pass\n")
    passed = run_hook("tpu-migrate", tmp_path, "pkg/ok.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = run_hook("tpu-migrate", tmp_path, "pkg/ok.py", "pkg/kern.py")
    assert failed.returncode == 1
    assert "gate failed" in failed.stderr


def test_baseline_hook_on_single_files_uses_a_baseline_written_at_the_root(tmp_path):
    (tmp_path / "pkg").mkdir()
    train = tmp_path / "pkg" / "train.py"
    train.write_text("import torch\nx = torch.zeros(2).cuda()\ntorch.cuda.synchronize()\n")
    written = run("scan", ".", "--write-baseline", "tpu-migrate-baseline.json", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    # pre-commit passes the staged file alone; the fingerprints must still match.
    assert run_hook("tpu-migrate-baseline", tmp_path, "pkg/train.py").returncode == 0
    train.write_text("import os\n\n" + train.read_text())  # moved down: still accepted
    assert run_hook("tpu-migrate-baseline", tmp_path, "pkg/train.py").returncode == 0
    train.write_text(train.read_text() + "device = 'cuda:0'\n")
    failed = run_hook("tpu-migrate-baseline", tmp_path, "pkg/train.py")
    assert failed.returncode == 1
    assert "new finding" in failed.stderr


def test_ci_examples_use_only_existing_flags():
    help_text = {command: run(command, "--help").stdout for command in ("scan", "report")}
    commands = re.findall(r"tpu-migrate (scan|report)\b([^\n]*(?:\n\s+--[^\n]*)*)", CI_DOC)
    assert len(commands) >= 8
    for command, rest in commands:
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
            assert flag in help_text[command], f"docs/ci.md: `tpu-migrate {command}` has no {flag}"


def test_ci_doc_states_the_formula_explain_prints():
    explained = run("explain", "readiness").stdout
    for line in ("blocker 10 (4 when", "unsupported 5, CPU fallback 2", "capacity  = 20 + 2 x files scanned"):
        assert line in explained and line in CI_DOC
