# SPDX-License-Identifier: Apache-2.0
"""The CLI against the real PyTorch/XLA 2.9 on the CPU (the torch-xla environment, PJRT_DEVICE=CPU):
`opdb sync` asks the real dispatcher, `check --device xla` replays a trace on XLA:CPU through the
Python worker, and the sample rewritten for XLA trains there."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import SAMPLE, SOURCE_DIR, index_of, run, venv_python

XLA_RUN = SOURCE_DIR / "bench" / "realstack" / "xla_run.py"
XLA_ENV = {"PJRT_DEVICE": "CPU"}
# Short enough for CI; eval only at the last step; the DataLoader in the main process.
SAMPLE_ARGS = ["--steps", "5", "--num-workers", "0", "--eval-interval", "5", "--eval-iters", "2"]


@pytest.fixture(scope="module")
def python():
    return venv_python("torch-xla")


def versions(python):
    done = subprocess.run([str(python), "-c", "import torch, torch_xla; print(torch.__version__, torch_xla.__version__)"],
                          capture_output=True, text=True, check=True, env=XLA_ENV)
    return done.stdout.split()


def test_opdb_sync_asks_the_real_torch_xla(python, tmp_path):
    process = run("opdb", "sync", "--python", python, "--data-dir", tmp_path, "--target", "xla", env=XLA_ENV)
    assert process.returncode == 0, process.stderr
    torch_version, xla_version = versions(python)
    table = (tmp_path / "status_xla.tsv").read_text()
    assert f"#synced\ttorch\t{torch_version}\n" in table
    assert f"#synced\tmodule\ttorch_xla {xla_version}\n" in table
    assert "#synced\tdispatch_key\tXLA\n" in table
    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    answers = {}
    for name in ("aten::mm", "aten::convolution_overrideable", "aten::_cudnn_rnn"):
        answer = run("ops", name, "--target", "xla", "--format", "json", env=env)
        assert answer.returncode == 0, answer.stderr
        answers[name] = json.loads(answer.stdout)["ops"][0]
    # A real XLA kernel, read from the dispatcher, not from the generated table.
    assert answers["aten::mm"]["status"] == "lowered" and answers["aten::mm"]["kind"] == "synced_kernel"
    assert f"torch_xla {xla_version}" in answers["aten::mm"]["provenance"]
    assert answers["aten::convolution_overrideable"]["status"] == "lowered"
    assert answers["aten::_cudnn_rnn"]["status"] != "lowered"  # cuDNN only: no XLA kernel


def test_check_replays_a_trace_on_xla_cpu(python, tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(
        "import torch\n"
        "torch.manual_seed(0)\n"
        "x = torch.randn(16, 32)\n"
        "w = torch.randn(64, 32, requires_grad=True)\n"
        "y = torch.nn.functional.linear(x, w).relu().softmax(-1)\n"
        "y.log().mean().backward()\n"
        "print(torch.nonzero(x > 1).shape)\n")
    trace = tmp_path / "trace"
    traced = run("trace", "--out", trace, "--", python, program, cwd=tmp_path)
    assert traced.returncode == 0, traced.stderr
    assert index_of(trace)["torch_version"] == versions(python)[0]
    process = run("check", trace, "--device", "xla", "--python", python, "--format", "json", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    assert report["candidate"]["executor"] == "python-worker"
    assert "torch_xla " + versions(python)[1] in report["candidate"]["description"]
    statuses = {op["name"]: op["status"] for op in report["ops"]}
    for name in ("aten::mm", "aten::_softmax", "aten::nonzero", "aten::_softmax_backward_data"):
        assert statuses.get(name) == "pass", (name, statuses)
    assert report["summary"]["fail"] == 0 and report["summary"]["error"] == 0


def losses(text):
    return [float(v) for v in re.findall(r"^step +\d+ \| loss (\d+\.\d+)", text, re.M)]


@pytest.fixture(scope="module")
def sample_on_xla(python, tmp_path_factory):
    """The sample rewritten for XLA (direct style), five steps on XLA:CPU, and the original on the CPU
    (same torch 2.9)."""
    root = tmp_path_factory.mktemp("xla")
    repo = root / "gpt_trainer"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    rewrite = run("rewrite", repo, "--apply", "--style", "direct", "--target", "xla", "--unsafe-fixes")
    assert rewrite.returncode == 0, rewrite.stderr
    metrics = root / "metrics.json"
    on_xla = subprocess.run([str(python), str(XLA_RUN), str(metrics), "train.py", "--device", "xla",
                             *SAMPLE_ARGS], cwd=repo, capture_output=True, text=True, timeout=900,
                            env=dict(os.environ, **XLA_ENV))
    on_cpu = subprocess.run([str(python), "train.py", "--device", "cpu", *SAMPLE_ARGS], cwd=SAMPLE,
                            capture_output=True, text=True, timeout=600)
    assert on_cpu.returncode == 0, on_cpu.stderr[-3000:]
    return on_xla, on_cpu, json.loads(metrics.read_text())


def test_rewritten_sample_trains_on_xla_like_the_original_on_the_cpu(sample_on_xla):
    on_xla, on_cpu, metrics = sample_on_xla
    xla, cpu = losses(on_xla.stdout), losses(on_cpu.stdout)
    assert len(xla) == 5 and len(cpu) == 5, on_xla.stderr[-3000:]
    # Same seed, same weights, same first batch: the first loss agrees to 1e-4 relative. Later
    # steps drift apart through AdamW (XLA fuses and orders float32 sums its own way): measured
    # 0.2% after five steps, so 1% is the stated bound.
    assert xla[0] == pytest.approx(cpu[0], rel=1e-4)
    assert xla == pytest.approx(cpu, rel=1e-2)
    # Steps 1-2 compile (forward/backward, then the optimizer's state); afterwards no step recompiles.
    series = metrics["compiles_after_each_step"]
    assert len(series) >= 5 and series[0] > 0
    assert series[2] == series[3] == series[4], series
    # What fell back to the CPU: the eval's nonzero and the .item() calls.
    assert "aten::nonzero" in metrics["executed_fallback_ops"]


@pytest.mark.xfail(strict=True, reason=(
    "the sample's generate() (model.py: idx[:, -block_size:] with a 7-token prompt, block size 32) "
    "raises on XLA 'RuntimeError: Value out of range (expected to be in range of [-7, 6], but got "
    "-32)': eager CPU clamps a slice start before the beginning, XLA does not; neither scan nor "
    "rewrite says so"))
def test_rewritten_sample_runs_to_the_end_on_xla(sample_on_xla):
    on_xla, _, metrics = sample_on_xla
    assert on_xla.returncode == 0 and metrics["exit"] == 0, on_xla.stderr[-2000:]

