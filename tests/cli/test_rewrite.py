# SPDX-License-Identifier: Apache-2.0
"""`tpu-migrate rewrite` end to end: diff, --apply, --check, safety, and the sample still training."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BINARY, SAMPLE, run

PYTHON = "/usr/bin/python3"


def copy_sample(tmp_path):
    target = tmp_path / "gpt_trainer"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def test_diff_writes_nothing_and_applies_with_git(tmp_path):
    repo = copy_sample(tmp_path)
    before = snapshot(repo)
    process = run("rewrite", repo)
    assert process.returncode == 0, process.stderr
    assert snapshot(repo) == before
    diff = process.stdout.split("\n# Not fixed mechanically")[0]
    assert diff.startswith("--- a/") and "+++ b/train.py" in diff
    assert "# Not fixed mechanically" in process.stdout and "TPU502" in process.stdout
    patch = tmp_path / "fix.patch"
    patch.write_text(diff)
    git(repo, "init", "-q")
    subprocess.run(["git", "-C", str(repo), "apply", "--check", str(patch)], check=True)


def test_apply_then_second_run_is_empty_in_every_profile(tmp_path):
    for style in ("portable", "direct"):
        for target in ("xla", "torchtpu"):
            repo = tmp_path / f"{style}-{target}"
            shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
            args = ["--style", style, "--target", target, "--unsafe-fixes"]
            applied = run("rewrite", repo, "--apply", *args)
            assert applied.returncode == 0, applied.stderr
            assert re.search(r"Applied \d+ fixes in \d+ files", applied.stdout)
            again = run("rewrite", repo, "--check", *args)
            assert again.returncode == 0, (style, target, again.stdout[:2000])
            assert "--- a/" not in again.stdout
            for path in repo.rglob("*.py"):
                subprocess.run([PYTHON, "-m", "py_compile", str(path)], check=True)


def test_check_exits_one_when_something_would_change(tmp_path):
    (tmp_path / "a.py").write_text("x = t.cuda()\n")
    assert run("rewrite", tmp_path, "--check").returncode == 1
    (tmp_path / "a.py").write_text("x = 1\n")
    assert run("rewrite", tmp_path, "--check").returncode == 0


def test_portable_rewrite_of_the_sample_trains_with_the_same_losses(tmp_path):
    """The rewritten sample (portable style, no torch_xla here) must train exactly as before."""
    repo = copy_sample(tmp_path)
    assert run("rewrite", repo, "--apply", "--unsafe-fixes").returncode == 0

    def losses(folder):
        out = subprocess.run([PYTHON, "train.py", "--device", "cpu", "--steps", "3"], cwd=folder,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        found = re.findall(r"loss (\d+\.\d+)", out.stdout)
        assert len(found) >= 3
        return found

    assert losses(repo) == losses(SAMPLE)
    assert "_tpu_device" in (repo / "train.py").read_text()


def test_dirty_files_are_not_written_unless_allowed(tmp_path):
    (tmp_path / "a.py").write_text("x = t.cuda()\n")
    (tmp_path / "b.py").write_text("y = u.cuda()\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.py")
    git(tmp_path, "commit", "-qm", "init")
    process = run("rewrite", tmp_path, "--apply")
    assert process.returncode == 2
    assert "b.py: has uncommitted changes" in process.stderr
    # Only what was written is counted: b.py's fix was not applied.
    assert "Applied 1 fix in 1 file " in process.stdout
    assert "_tpu_device" in (tmp_path / "a.py").read_text()
    assert (tmp_path / "b.py").read_text() == "y = u.cuda()\n"
    assert run("rewrite", tmp_path, "--apply", "--allow-dirty").returncode == 0
    assert "_tpu_device" in (tmp_path / "b.py").read_text()


def test_mode_crlf_bom_and_non_utf8(tmp_path):
    script = tmp_path / "run.py"
    script.write_bytes(b"\xef\xbb\xbfimport torch\r\nx = t.cuda()\r\n")
    script.chmod(0o755)
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# caf\xe9\nx = t.cuda()\n")
    process = run("rewrite", tmp_path, "--apply", "--style", "direct", "--target", "xla")
    assert "latin.py:1: invalid UTF-8; not scanned; not rewritten" in process.stderr
    assert latin.read_bytes() == b"# caf\xe9\nx = t.cuda()\n"
    data = script.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfimport torch\r\nimport torch_xla\r\n")
    assert b"x = t.to(torch_xla.device())\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert (script.stat().st_mode & 0o777) == 0o755


def test_symlink_leaving_the_root_is_not_written(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("x = t.cuda()\n")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "secret.py", root / "link.py")
    run("rewrite", root, "--apply", "--style", "direct")
    assert (outside / "secret.py").read_text() == "x = t.cuda()\n"


def test_a_killed_apply_leaves_each_file_wholly_old_or_wholly_new(tmp_path):
    """SIGKILL in the middle of --apply: every file is either the old or the new version."""
    root = tmp_path / "many"
    root.mkdir()
    body = "import torch\n\n" + "".join(f"x{i} = t{i}.cuda()\ny{i} = torch.zeros(3, device='cuda')\n"
                                        for i in range(300))
    for i in range(300):
        (root / f"m{i:03}.py").write_text(body)
    expected_dir = tmp_path / "expected"
    shutil.copytree(root, expected_dir)
    assert run("rewrite", expected_dir, "--apply", "--style", "direct").returncode == 0
    new = (expected_dir / "m000.py").read_text()
    assert new != body

    process = subprocess.Popen([str(BINARY), "rewrite", str(root), "--apply", "--style", "direct"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until the writes have started, then kill mid-way. Planning 300 files comes first and
    # takes a minute on a loaded 2-core machine: the deadline is only a bound.
    deadline = time.time() + 600
    while time.time() < deadline:
        if any(p.read_text() != body for p in list(root.glob("*.py"))[:50]):
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    states = {"old": 0, "new": 0}
    for path in root.glob("*.py"):
        text = path.read_text()
        assert text in (body, new), path
        states["old" if text == body else "new"] += 1
    assert states["new"] >= 1  # the kill happened after writing began
    leftovers = [p.name for p in root.iterdir() if not p.name.endswith(".py")]
    assert len(leftovers) <= 1, leftovers  # at most the one temporary file being written
    # The next run finishes the job and removes what the killed one left.
    again = run("rewrite", root, "--apply", "--style", "direct")
    assert again.returncode == 0, again.stderr
    assert all(p.read_text() == new for p in root.glob("*.py"))
    assert sorted(p.name for p in root.iterdir()) == sorted(f"m{i:03}.py" for i in range(300))


@pytest.mark.parametrize("target", ["xla", "torchtpu"])
def test_scan_says_what_rewrite_does(tmp_path, target):
    """The scan's `fix` on each finding (none, safe, unsafe) is what `rewrite` then does with it:
    both read the rewrite map, so a safe fix is applied by default, an unsafe one only with
    --unsafe-fixes, and a finding without one is left alone."""
    source = ("import torch\n"
              "torch.cuda.synchronize()\n"
              "ok = torch.cuda.is_available()\n"
              "reserved = torch.cuda.memory_reserved()\n"
              "props = torch.cuda.get_device_properties(0)\n")
    (tmp_path / "a.py").write_text(source)
    report = json.loads(run("scan", tmp_path, "--target", target, "--format", "json").stdout)
    fix_of = {f["line"]: (f.get("fix") or {}).get("applicability") for f in report["findings"]}

    def changed_lines(*flags):
        diff = run("rewrite", tmp_path, "--target", target, *flags).stdout
        removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
        return {number for number, text in enumerate(source.splitlines(), 1) if text in removed}

    safe = {line for line, fix in fix_of.items() if fix == "safe"}
    unsafe = {line for line, fix in fix_of.items() if fix == "unsafe"}
    assert safe and unsafe and fix_of[5] is None
    assert changed_lines() == safe
    assert changed_lines("--unsafe-fixes") == safe | unsafe


def test_leftover_temporary_files_are_removed_and_never_scanned(tmp_path):
    """A run killed between creating and renaming its temporary file leaves it beside the user's
    file: the next --apply removes it and says so; no scan or rewrite reads it as a source."""
    (tmp_path / "a.py").write_text("x = t.cuda()\n")
    leftover = tmp_path / ".a.py.tpu-migrate-Ab12Cd"
    leftover.write_text("x = t.cuda()\ny = u.cuda()\n")
    report = json.loads(run("scan", tmp_path, "--format", "json").stdout)
    assert report["summary"]["files_scanned"] == 1
    assert {f["path"] for f in report["findings"]} == {"a.py"}
    diff = run("rewrite", tmp_path)
    assert ".a.py.tpu-migrate-Ab12Cd: a temporary file left by an interrupted run; --apply removes it" in diff.stderr
    assert leftover.exists() and "+++ b/.a.py" not in diff.stdout
    applied = run("rewrite", tmp_path, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert ".a.py.tpu-migrate-Ab12Cd: a temporary file left by an interrupted run; removed" in applied.stderr
    assert not leftover.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_issue_14_failure_classes_end_to_end(tmp_path):
    """The empty `try:` block, a nested fix, an unparseable file: one --apply, CPython parses
    every result, a second run has nothing to do and no message asks for one."""
    (tmp_path / "amp.py").write_text(
        "import torch\n\ntry:\n    from torch.cuda.amp import autocast\nexcept ImportError:\n    autocast = None\n\n"
        "if torch.__version__ >= '2':\n    from torch.cuda.amp import autocast as amp_autocast\n\n\n"
        "def step(model, x):\n    with autocast():\n        y = model(x)\n    with amp_autocast():\n        return model(y)\n")
    (tmp_path / "nested.py").write_text("import torch\n\nd = torch.device('cuda', torch.cuda.current_device())\n")
    broken = "import torch\ntry:\nexcept ImportError:\n    pass\nx = t.cuda()\n"
    (tmp_path / "broken.py").write_text(broken)
    for style in ("portable", "direct"):
        applied = run("rewrite", tmp_path, "--apply", "--style", style)
        assert applied.returncode == 0, applied.stderr
        assert "run again" not in applied.stderr + applied.stdout
        assert "broken.py: does not parse (line 2: expected an indented block" in applied.stderr
        assert (tmp_path / "broken.py").read_text() == broken
        for path in ("amp.py", "nested.py"):
            subprocess.run([PYTHON, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())",
                            str(tmp_path / path)], check=True)
        assert "torch.cuda" not in (tmp_path / "nested.py").read_text().split("ignore-end")[-1]
        again = run("rewrite", tmp_path, "--check", "--style", style)
        assert again.returncode == 0 and "--- a/" not in again.stdout
