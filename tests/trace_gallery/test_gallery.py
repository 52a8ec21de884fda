# SPDX-License-Identifier: Apache-2.0
"""The gallery of CUDA programs (programs/*.py), each traced end to end with
`tpu-migrate trace --cuda-as-cpu` on Debian's torch: exit code 0, and the ops and dtypes CUDA
would run, read from the trace's index.json at the program's own source lines."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# The interpreter that runs the programs: Debian's torch by default; TPU_GALLERY_PYTHON runs the same
# gallery on another torch (ctests realstack_trace_gallery_modern and _cuda_build:
# tests/realstack/trace_gallery_on.sh).
PYTHON = os.environ.get("TPU_GALLERY_PYTHON", "/usr/bin/python3")
HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
SOURCE_DIR = Path(os.environ.get("TPU_SOURCE_DIR", HERE.parents[1]))
BINARY = Path(os.environ.get("TPU_MIGRATE", SOURCE_DIR / "build" / "tpu-migrate"))
NAMES = sorted(p.stem for p in PROGRAMS.glob("*.py"))

torch = pytest.importorskip("torch")
sys.path.insert(0, str(SOURCE_DIR / "trace" / "hook"))


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """Every program traced once (a few at a time: the whole gallery stays well under a minute)."""
    root = tmp_path_factory.mktemp("gallery")

    def trace(name):
        out = root / name
        process = subprocess.run(
            [str(BINARY), "trace", "--cuda-as-cpu", "--samples-per-op", "0", "--out", str(out), "--",
             PYTHON, str(PROGRAMS / f"{name}.py")],
            cwd=root, capture_output=True, text=True, timeout=120)
        index_path = out / "index.json"
        index = json.loads(index_path.read_text()) if index_path.exists() else None
        return name, (process, index)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(trace, NAMES))


def line_of(name, text):
    """1-based line of the first line of the program containing `text`."""
    for number, line in enumerate((PROGRAMS / f"{name}.py").read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {name}.py")


def at_line(index, name, text, op):
    """The traced calls of `op` at the program line containing `text`: (input dtype lists,
    output dtypes) over every call there."""
    path, line = str(PROGRAMS / f"{name}.py"), line_of(name, text)
    for entry in index["ops"]:
        if entry["name"] == op:
            for location in entry["locations"]:
                if location["path"] == path and location["line"] == line:
                    return location["input_dtypes"], location["out_dtypes"], location["count"]
    raise AssertionError(f"{op} not traced at {name}.py:{line} ({text!r})")


def ops_of(index):
    return {entry["name"]: entry["count"] for entry in index["ops"]}


@pytest.mark.parametrize("name", NAMES)
def test_program_traces_with_exit_code_0(traces, name):
    process, index = traces[name]
    assert process.returncode == 0, process.stdout + process.stderr
    assert index is not None and index["exit_code"] == 0 and index["cuda_as_cpu"]
    assert index["errors"] == [], index["errors"]
    assert "Traceback" not in process.stderr, process.stderr
    assert "hook disabled" not in process.stderr


def test_issue_15_amp_loop_runs_every_step_with_cuda_dtypes(traces):
    name = "amp_embedding_conv_norm"
    process, index = traces[name]
    assert "done 4 steps" in process.stdout and index["steps"] == 4  # as many steps as on a GPU
    # LayerNorm runs in float32 under CUDA autocast: its input is cast up from the float16 conv.
    inputs, outputs, count = at_line(index, name, "x = self.norm(x)", "aten::native_layer_norm")
    assert inputs == [["float32", "float32", "float32"]] and outputs == ["float32"] and count == 4
    inputs, outputs, _ = at_line(index, name, "x = self.norm(x)", "aten::_to_copy")
    assert ["float16"] in inputs
    # Conv1d and Linear run in float16, the embedding (no autocast policy) in float32.
    assert at_line(index, name, "F.gelu(self.conv(x))", "aten::convolution")[:2] == (
        [["float16", "float16", "float16"]], ["float16"])
    assert at_line(index, name, "return self.head(x)", "aten::addmm")[:2] == (
        [["float16", "float16", "float16"]], ["float16"])
    assert at_line(index, name, "self.embed(tokens)", "aten::embedding")[1] == ["float32"]
    # The scaler ran its CUDA ops: unscale + inf check, then the scale update, once per step.
    ops = ops_of(index)
    assert ops["aten::_amp_foreach_non_finite_check_and_unscale_"] == 4
    assert ops["aten::_amp_update_scale_"] == 4


def test_grad_scaler_skips_an_overflowing_step(traces):
    name = "amp_vision_attention"
    process, index = traces[name]
    assert "step 1 scale" in process.stdout and "-> " in process.stdout
    # attention: the projections and the score matmuls in float16, the softmax in float32.
    ops = ops_of(index)
    assert ops["aten::_amp_update_scale_"] == 3
    if installed_torch("int(torch.__version__.split('.')[0])") < 2:
        # torch 1.x attends with bmm and a softmax, which autocast runs in float32.
        attention = [e for e in index["ops"] if e["name"] == "aten::_softmax"][0]
        assert all(s["out_dtypes"] == ["float32"] for s in attention["signatures"])
    else:
        # torch 2.x (need_weights=False): one fused attention kernel, on CUDA's lower-precision
        # list: float16 out (its logsumexp stays float32).
        attention = [e for e in index["ops"] if e["name"].startswith("aten::_scaled_dot_product")
                     and not e["name"].endswith("_backward")]
        assert attention, sorted(ops)
        assert all(s["out_dtypes"][0] == "float16" for e in attention for s in e["signatures"])
    conv = at_line(index, name, "x = self.stem(images)", "aten::convolution")
    assert conv[:2] == ([["float16", "float16", "float16"]], ["float16"])
    batch_norm = at_line(index, name, "x = self.stem(images)", "aten::native_batch_norm")
    assert batch_norm[0] == [["float16", "float32", "float32", "float32", "float32"]]
    assert batch_norm[1][0] == "float16"  # as CUDA: float16 activations, float32 statistics


def test_bfloat16_region(traces):
    name = "bf16_autocast"
    index = traces[name][1]
    assert at_line(index, name, "logits = block(features)", "aten::addmm")[:2] == (
        [["bfloat16", "bfloat16", "bfloat16"]], ["bfloat16"])
    assert at_line(index, name, "logits = block(features)", "aten::native_layer_norm")[1] == ["float32"]
    softmax = at_line(index, name, "torch.softmax(logits", "aten::_softmax")
    assert softmax[1] == ["float32"]
    assert '"float16"' not in json.dumps(index["ops"])  # bfloat16 everywhere the region casts


def test_nested_disabled_and_cached_regions(traces):
    name = "autocast_regions"
    index = traces[name][1]
    dtypes = lambda text: at_line(index, name, text, "aten::mm")[:2]  # noqa: E731
    assert dtypes("half = torch.mm(") == ([["float16", "float16"]], ["float16"])
    assert dtypes("full = torch.mm(") == ([["float32", "float32"]], ["float32"])
    assert dtypes("brain = torch.mm(") == ([["bfloat16", "bfloat16"]], ["bfloat16"])
    assert dtypes("after = torch.mm(") == ([["float16", "float16"]], ["float16"])
    assert dtypes("outside = torch.mm(") == ([["float32", "float32"]], ["float32"])
    assert at_line(index, name, "total = torch.sum(half)", "aten::sum")[1] == ["float32"]
    # CUDA's weight cache: the parameter is cast once per region, the activation every call.
    assert at_line(index, name, "half = torch.mm(", "aten::_to_copy")[2] == 2
    assert at_line(index, name, "again = torch.mm(", "aten::_to_copy")[2] == 1
    assert at_line(index, name, "brain = torch.mm(", "aten::_to_copy")[2] == 2  # cache_enabled=False


def test_custom_fwd_and_custom_bwd(traces):
    name = "custom_fwd_function"
    index = traces[name][1]
    assert at_line(index, name, "return torch.mm(a, b) * 0.5", "aten::mm")[1] == ["float16"]
    # cast_inputs=torch.float32: the float16 product comes in as float32, autocast off inside.
    squared = at_line(index, name, "return (x * x).sum(dim=-1)", "aten::mul.Tensor")
    assert squared[0] == [["float32", "float32"]]
    # custom_bwd runs the backward in the forward's autocast state: float16 matmuls.
    assert at_line(index, name, "return torch.mm(grad, b.t()) * 0.5", "aten::mm")[1] == ["float16"]


def test_ddp_on_one_process(traces):
    name = "ddp_one_process"
    process, index = traces[name]
    assert "rank 0 step 2" in process.stdout and index["steps"] == 3
    assert ops_of(index)["aten::addmm"] >= 6


def test_kv_cache_generation_grows_shapes(traces):
    name = "kv_cache_generate"
    index = traces[name][1]
    inputs, outputs, count = at_line(index, name, "k = torch.cat([cache[0], k], dim=2)", "aten::cat")
    assert outputs == ["float16"] and count == 8  # 3 prompt tokens + 6 new, minus the first
    cat = [e for e in index["ops"] if e["name"] == "aten::cat"][0]
    shapes = [loc for loc in cat["locations"] if loc["line"] == line_of(name, "k = torch.cat([cache[0]")]
    assert shapes[0]["distinct_shapes"] == count  # one new cache length per call
    assert at_line(index, name, "scores.softmax(dim=-1)", "aten::_softmax")[1] == ["float32"]
    assert ops_of(index)["aten::multinomial"] == 6


@pytest.mark.parametrize("name,ops", [
    ("channels_last_amp", ["aten::convolution", "aten::_amp_update_scale_"]),
    ("checkpoint_map_location", ["aten::addmm"]),
    ("compile_model", ["aten::silu"]),
    ("cuda_events_timing", ["aten::tanh"]),
    ("cuda_rank_model", ["aten::addmm"]),
    ("cuda_streams", ["aten::addmm"]),
    ("cudnn_flags", ["aten::convolution", "aten::convolution_backward"]),
    ("pinned_loader_workers", ["aten::addmm"]),
    ("seeded_determinism", ["aten::bernoulli_.float"]),
])
def test_program_ops(traces, name, ops):
    index = traces[name][1]
    traced = ops_of(index)
    for op in ops:
        assert traced.get(op, 0) > 0, (name, op, sorted(traced))


def test_pinned_loader_workers_are_traced(traces):
    index = traces["pinned_loader_workers"][1]
    assert [p["role"] for p in index["processes"]].count("fork") == 2


def installed_torch(expression):
    """`expression` evaluated by the torch the programs run on (PYTHON's, not this process's)."""
    code = f"import json, torch; print(json.dumps({expression}))"
    return json.loads(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True,
                                     timeout=120).stdout)


def test_policy_table_covers_the_installed_torchs_cuda_autocast_list():
    """The table names every op the installed torch registers at AutocastCUDA (the hook looks up
    only those, so entries of a newer torch are never used on an older one)."""
    from tpu_migrate_trace import cuda_autocast_policy
    registered = {name.split("::", 1)[1] for name in installed_torch(
        "torch._C._dispatch_get_registrations_for_dispatch_key('AutocastCUDA')")
        if name.startswith("aten::")}
    assert registered, "the installed torch registers no AutocastCUDA kernel"
    assert sorted(registered - set(cuda_autocast_policy.POLICY)) == []
