# SPDX-License-Identifier: Apache-2.0
"""`trace` on current torch (the torch-modern environment, torch 2.13), as tests/cli/test_trace.py
does on Debian's 1.13: the bundled sample traced for a few steps."""
import json
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


def test_scan_trace_judges_cpu_attention_as_the_call_the_program_made(python, tmp_path):
    """On the CPU, scaled_dot_product_attention runs a CPU-only flash kernel; on XLA the same call
    takes the math decomposition. `scan --trace` reports the attention the program called, not a
    CPU fallback that XLA never runs."""
    (tmp_path / "attend.py").write_text(
        "import torch\n"
        "import torch.nn.functional as F\n"
        "q = torch.randn(2, 4, 8, 16, requires_grad=True)\n"
        "out = F.scaled_dot_product_attention(q, q, q, is_causal=True)\n"
        "out.sum().backward()\n")
    out = tmp_path / "trace"
    traced = run("trace", "--out", out, "--", python, "attend.py", cwd=tmp_path)
    assert traced.returncode == 0, traced.stderr[-3000:]
    assert "aten::_scaled_dot_product_flash_attention_for_cpu" in ops_of(out)  # what the CPU ran
    scan = run("scan", tmp_path, "--trace", out, "--target", "xla", "--format", "json", "--no-cache")
    report = json.loads(scan.stdout)
    ops = {use["name"]: use for use in report["ops"]}
    assert "aten::_scaled_dot_product_flash_attention_for_cpu" not in ops
    assert ops["aten::scaled_dot_product_attention"]["status"] == "decomposed"
    assert not [f for f in report["findings"] if f["rule"] == "TPU900"], report["findings"]
