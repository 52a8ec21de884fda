# SPDX-License-Identifier: Apache-2.0
"""The CI gate through the real CLI: exit codes 0 / 1 / 2, baselines that survive code
moving, duplicates counted as a multiset, and the progress line (only on a terminal)."""
import json
import os
import pty
import re
import select
import subprocess

import pytest

from conftest import BINARY, SAMPLE, run, scan_json

TRAIN = """import torch

def step(model, batch):
    batch = batch.cuda()
    torch.cuda.synchronize()
    return model(batch)
"""


@pytest.fixture()
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "train.py").write_text(TRAIN)
    return root


def test_no_gate_means_exit_0_even_with_blockers(sample_report):
    assert sample_report["summary"]["findings"]["blocker"] > 0
    assert run("scan", SAMPLE, "--format", "json").returncode == 0


def test_fail_under(sample_report):
    score = sample_report["summary"]["readiness"]
    passed = run("scan", SAMPLE, "--fail-under", score, "--format", "json")
    assert passed.returncode == 0, passed.stderr
    failed = run("scan", SAMPLE, "--fail-under", score + 1, "--format", "json")
    assert failed.returncode == 1
    assert f"readiness {score} is under {score + 1}" in failed.stderr
    assert json.loads(failed.stdout)["summary"]["readiness"] == score  # the report is still written


def test_fail_on(project):
    assert run("scan", project, "--fail-on", "blocker").returncode == 0  # warnings only
    failed = run("scan", project, "--fail-on", "warning")
    assert failed.returncode == 1
    assert "2 findings at or above warning" in failed.stderr
    assert run("scan", project, "--fail-on", "info").returncode == 1
    empty = project.parent / "empty"
    empty.mkdir()
    assert run("scan", empty, "--fail-on", "info", "--fail-under", 100).returncode == 0


@pytest.mark.parametrize("args", [
    ["--fail-under", "101"], ["--fail-under", "-1"], ["--fail-under", "high"],
    ["--fail-on", "error"], ["--baseline", "/nonexistent/baseline.json"],
])
def test_usage_errors_exit_2(project, args):
    process = run("scan", project, *args)
    assert process.returncode == 2, process.stderr
    assert process.stdout == ""


def test_a_bad_baseline_file_exits_2(project, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    process = run("scan", project, "--baseline", bad)
    assert process.returncode == 2
    assert "bad.json" in process.stderr


def write_baseline(project, path):
    process = run("scan", project, "--write-baseline", path, "--format", "json")
    assert process.returncode == 0, process.stderr
    baseline = json.loads(path.read_text())
    assert baseline["schema"] == "tpu-migrate/baseline@1"
    return baseline


def test_baseline_survives_lines_inserted_above_the_findings(project, tmp_path):
    baseline_file = tmp_path / "baseline.json"
    baseline = write_baseline(project, baseline_file)
    assert {entry["rule"] for entry in baseline["findings"]} == {"TPU101", "TPU110"}
    assert all(entry["path"] == f"{project}/train.py" or entry["path"] == "train.py"
               for entry in baseline["findings"])

    # Code moves down (a docstring and imports above) and gets re-indented.
    moved = '"""Training."""\nimport os\nimport sys\n\n\n' + TRAIN.replace("    batch = batch.cuda()",
                                                                             "    batch  =  batch.cuda()")
    (project / "train.py").write_text(moved)
    report, process = scan_json(project, "--baseline", baseline_file, "--fail-on", "info")
    assert process.returncode == 0, process.stderr
    assert [f["line"] for f in report["findings"]] == [9, 10]  # really moved
    assert {f["baseline"] for f in report["findings"]} == {"unchanged"}
    assert report["summary"]["baseline"] == {"new": 0, "unchanged": 2, "resolved": 0}

    # A new tie to CUDA fails the gate, and only it is reported as new.
    (project / "train.py").write_text(moved + "\ndevice = torch.device('cuda')\n")
    report, process = scan_json(project, "--baseline", baseline_file)
    assert process.returncode == 1
    assert "1 new finding at or above warning (--fail-on, not in the baseline)" in process.stderr
    new = [f for f in report["findings"] if f["baseline"] == "new"]
    assert [(f["rule"], f["line"]) for f in new] == [("TPU102", 13)]


def test_baseline_counts_duplicates_as_a_multiset(project, tmp_path):
    baseline_file = tmp_path / "baseline.json"
    write_baseline(project, baseline_file)
    # The same call, on an identical line, a second time: same fingerprint, one more finding.
    (project / "train.py").write_text(TRAIN + "\ndef again(batch):\n    batch = batch.cuda()\n")
    report, process = scan_json(project, "--baseline", baseline_file)
    assert process.returncode == 1
    cuda = [f for f in report["findings"] if f["rule"] == "TPU101"]
    assert len({f["fingerprint"] for f in cuda}) == 1
    assert [f["baseline"] for f in cuda] == ["unchanged", "new"]


def test_baseline_resolved_findings_pass(project, tmp_path):
    baseline_file = tmp_path / "baseline.json"
    write_baseline(project, baseline_file)
    (project / "train.py").write_text(TRAIN.replace("    torch.cuda.synchronize()\n", ""))
    report, process = scan_json(project, "--baseline", baseline_file, "--fail-on", "info")
    assert process.returncode == 0
    assert report["summary"]["baseline"]["resolved"] == 1


def test_baseline_only_new_info_does_not_fail_by_default(project, tmp_path):
    baseline_file = tmp_path / "baseline.json"
    write_baseline(project, baseline_file)
    (project / "data.py").write_text("from torch.utils.data import DataLoader\n"
                                     "loader = DataLoader([], pin_memory=True)\n")
    report, process = scan_json(project, "--baseline", baseline_file)
    assert [f["severity"] for f in report["findings"] if f["baseline"] == "new"] == ["info"]
    assert process.returncode == 0
    assert run("scan", project, "--baseline", baseline_file, "--fail-on", "info").returncode == 1


def test_a_saved_report_is_a_baseline_and_can_be_gated(project, tmp_path):
    saved = tmp_path / "report.json"
    assert run("scan", project, "--format", "json", "-o", saved).returncode == 0
    assert run("scan", project, "--baseline", saved, "--fail-on", "info").returncode == 0
    assert run("report", saved, "--fail-on", "warning", "--format", "markdown").returncode == 1
    assert run("report", saved, "--fail-under", "0", "--format", "markdown").returncode == 0


OLD_DEFAULT = """import torch
import torch.nn.functional as F

def step(model, batch, a, b):
    batch = batch.cuda()
    return model(batch) + torch.logaddexp(a, b)
"""


def old_baseline_of(root, tmp_path, *extra):
    """A baseline as versions before TorchTPU became the default wrote it: for PyTorch/XLA, and
    with no "target" (the field did not exist)."""
    baseline = tmp_path / "old-baseline.json"
    assert run("scan", root, "--target", "xla", "--write-baseline", baseline, *extra).returncode == 0
    document = json.loads(baseline.read_text())
    assert document.pop("target") == "xla"
    baseline.write_text(json.dumps(document))
    return baseline


def test_an_old_baseline_still_suppresses_its_findings(tmp_path):
    """torch.logaddexp runs on the CPU on PyTorch/XLA (TPU900) and raises on TorchTPU (TPU901): a
    baseline from the XLA-default days would see a new blocker if the scan took the new default."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "train.py").write_text(OLD_DEFAULT)
    baseline = old_baseline_of(root, tmp_path)
    assert "TPU900" in baseline.read_text()

    process = run("scan", root, "--baseline", baseline, "--format", "json")
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    assert report["profile"] == "xla"  # the baseline's target, since none was chosen
    assert report["summary"]["baseline"]["new"] == 0
    assert report["summary"]["baseline"]["unchanged"] == len(report["findings"])
    assert "was written for PyTorch/XLA (--target xla); scanning for it" in process.stderr

    # Chosen explicitly, the new default finds what the old baseline never accepted, and says why.
    moved = run("scan", root, "--baseline", baseline, "--target", "torchtpu", "--format", "json")
    assert moved.returncode == 1
    assert any(f["rule"] == "TPU901" and f["baseline"] == "new" for f in json.loads(moved.stdout)["findings"])
    assert "findings that differ between the targets count as new" in moved.stderr

    # Rewritten for TorchTPU, the baseline records its target and the default scan uses it silently.
    current = tmp_path / "baseline.json"
    assert run("scan", root, "--write-baseline", current).returncode == 0
    assert json.loads(current.read_text())["target"] == "torchtpu"
    quiet = run("scan", root, "--baseline", current, "--format", "json")
    assert quiet.returncode == 0 and "note:" not in quiet.stderr
    assert json.loads(quiet.stdout)["profile"] == "torchtpu"


def test_an_old_json_report_as_baseline_keeps_its_target(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "train.py").write_text(OLD_DEFAULT)
    saved = tmp_path / "report.json"
    assert run("scan", root, "--target", "xla", "--format", "json", "-o", saved).returncode == 0
    process = run("scan", root, "--baseline", saved, "--format", "json")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["summary"]["baseline"]["new"] == 0


def test_github_annotations_only_for_new_findings(project, tmp_path):
    baseline_file = tmp_path / "baseline.json"
    write_baseline(project, baseline_file)
    (project / "train.py").write_text(TRAIN + "x = torch.zeros(1).cuda()\n")
    process = run("scan", project, "--baseline", baseline_file, "--format", "github")
    annotations = [line for line in process.stdout.splitlines() if "file=" in line]
    assert len(annotations) == 1 and ",line=7," in annotations[0]


def run_on_a_terminal(*args, env):
    """Runs the binary with stderr on a pseudo-terminal; returns (exit code, what it wrote there)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([str(BINARY), *map(str, args)], stdout=subprocess.DEVNULL, stderr=terminal,
                               env=dict(os.environ, **env))
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.wait(timeout=60), output.decode(errors="replace")


def test_progress_only_on_a_terminal_and_only_for_long_scans():
    # A delay of 0 ms stands in for a scan longer than a second.
    code, shown = run_on_a_terminal("scan", SAMPLE, "--jobs", "1", env={"TPU_MIGRATE_PROGRESS_DELAY_MS": "0"})
    assert code == 0
    assert re.search(r"tpu-migrate: scanning (\d+)/\1 files \(100%\)", shown), shown
    assert shown.endswith("\r\033[K")  # the line is cleared before the report
    code, shown = run_on_a_terminal("scan", SAMPLE, env={})
    assert code == 0 and "scanning" not in shown  # a quick scan stays quiet
    piped = run("scan", SAMPLE, env={"TPU_MIGRATE_PROGRESS_DELAY_MS": "0"})
    assert "scanning" not in piped.stderr  # not a terminal
