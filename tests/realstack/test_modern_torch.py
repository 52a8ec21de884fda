# SPDX-License-Identifier: Apache-2.0
"""`trace` on current torch (the torch-modern environment, torch 2.13), as tests/cli/test_trace.py
does on Debian's 1.13: the bundled sample traced for a few steps."""
import subprocess

import pytest

from conftest import SAMPLE, index_of, ops_of, run, venv_python

STEPS = ["--steps", "3", "--num-workers", "0"]


@pytest.fixture(scope="module")
def python():
    return venv_python("torch-modern")


def torch_version(python):
    done = subprocess.run([str(python), "-c", "import torch; print(torch.__version__)"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_trace_of_the_sample_on_the_cpu(python, tmp_path):
    out = tmp_path / "trace"
    process = run("trace", "--out", out, "--", python, "train.py", "--device", "cpu", *STEPS, cwd=SAMPLE)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "step     3 | loss" in process.stdout
    index = index_of(out)
    assert index["torch_version"] == torch_version(python)
    assert index["exit_code"] == 0 and index["steps"] == 3 and not index["cuda_as_cpu"]
    ops = ops_of(out)
    # Linear layers, the loss, the optimizer and the eval's nonzero all went through the hook.
    for name in ("aten::addmm", "aten::mm", "aten::_local_scalar_dense", "aten::nonzero"):
        assert name in ops and ops[name]["count"] > 0, name
    assert ops["aten::nonzero"]["count"] == 10  # once per eval batch, --eval-iters 10
    assert any(loc["path"] == str(SAMPLE / "model.py") for loc in ops["aten::addmm"]["locations"])


# torch 2.x's dynamo files each torch.cuda function under a trace rule: the hook's stand-ins must be
# one function object per name, or the program dies at its first torch.tensor (a regression guard).
def test_trace_cuda_as_cpu_of_the_sample(python, tmp_path):
    out = tmp_path / "trace"
    process = run("trace", "--cuda-as-cpu", "--out", out, "--", python, "train.py", *STEPS, cwd=SAMPLE)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "device cuda" in process.stdout
    index = index_of(out)
    assert index["cuda_as_cpu"] and index["steps"] == 3
    assert ops_of(out)["aten::addmm"]["count"] > 0
