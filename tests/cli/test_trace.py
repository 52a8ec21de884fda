# SPDX-License-Identifier: Apache-2.0
"""`tpu-migrate trace` end to end, with Debian's python3-torch: the sample trained on the CPU
with --cuda-as-cpu, exit codes, DataLoader workers, bounds, samples read back by Python."""
import json
import math
import textwrap
import time
from pathlib import Path

import pytest

from conftest import BINARY, SAMPLE, run, scan_json

PYTHON = "/usr/bin/python3"
torch = pytest.importorskip("torch")


def index_of(out):
    return json.loads((Path(out) / "index.json").read_text())


def op(index, name):
    return next((o for o in index["ops"] if o["name"] == name), None)


def line_of(path, text):
    """1-based line of the first line of `path` containing `text` (no hard-coded line numbers)."""
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def script(tmp_path, body, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


@pytest.fixture(scope="module")
def sample_trace(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "trace"
    # Default --device is cuda: only --cuda-as-cpu lets it run here.
    process = run("trace", "--cuda-as-cpu", "--out", out, "--", PYTHON, "train.py", "--steps", "3",
                  cwd=SAMPLE)
    return out, process


def test_sample_runs_on_cpu_as_if_on_cuda(sample_trace):
    out, process = sample_trace
    assert process.returncode == 0, process.stderr
    assert "device cuda" in process.stdout  # the program believed it had a GPU
    assert "step     3 | loss" in process.stdout  # its stdout passed through untouched
    assert "tpu-migrate trace:" in process.stderr and str(out / "index.json") in process.stderr
    index = index_of(out)
    assert index["schema"] == "tpu-migrate/trace@1"
    assert index["exit_code"] == 0 and index["stopped_by"] == "" and index["cuda_as_cpu"]
    assert index["steps"] == 3
    assert index["backend"] == "python-dispatch"


def test_sample_ops_counts_and_source_lines(sample_trace):
    index = index_of(sample_trace[0])
    train, model = str(SAMPLE / "train.py"), str(SAMPLE / "model.py")
    linear = op(index, "aten::addmm")
    assert linear and linear["count"] > 0
    assert any(loc["path"] == model for loc in linear["locations"])
    nonzero = op(index, "aten::nonzero")
    # token_accuracy runs once per eval batch: --eval-iters 10 at the final step.
    assert nonzero["count"] == 10
    assert nonzero["locations"] == [dict(nonzero["locations"][0], path=train,
                                         line=line_of(train, "torch.nonzero("))]
    item = op(index, "aten::_local_scalar_dense")
    item_lines = {(loc["path"], loc["line"]) for loc in item["locations"]}
    assert (train, line_of(train, "losses.append(loss.item())")) in item_lines
    # Signatures carry dtypes and power-of-two shape buckets.
    signature = linear["signatures"][0]
    assert signature["dtypes"] == ["float32"] * 3 and signature["device"] == "cpu"
    assert all(d & (d - 1) == 0 for shape in signature["shapes"] for d in shape if d)
    # The backward ran through the hook too (autograd dispatches below the mode).
    assert op(index, "aten::native_layer_norm_backward")["count"] > 0


def test_sample_hazards(sample_trace):
    index = index_of(sample_trace[0])
    train = str(SAMPLE / "train.py")
    kinds = {(h["kind"], h["path"], h["line"]) for h in index["hazards"]}
    assert ("dynamic-shape", train, line_of(train, "torch.nonzero(")) in kinds
    assert ("host-sync", train, line_of(train, "losses.append(loss.item())")) in kinds
    assert ("host-copy", train, line_of(train, "per_token.cpu().numpy()")) in kinds
    # generate() feeds ever longer sequences through the model: a recompilation per token on XLA.
    assert any(h["kind"] == "shape-churn" and h["path"].endswith("model.py") for h in index["hazards"])
    # A loop over parameters (many shapes, the same every step) is not churn.
    ops_py = str(SAMPLE / "ops.py")
    assert not any(h["kind"] == "shape-churn" and h["path"] == ops_py for h in index["hazards"])


def test_sample_worker_parts_are_merged(sample_trace):
    out = sample_trace[0]
    index = index_of(out)
    roles = [p["role"] for p in index["processes"]]
    assert roles.count("main") == 1 and roles.count("fork") >= 2  # --num-workers 2, train and val
    assert all(p["complete"] for p in index["processes"])
    assert len(list((out / "parts").glob("p*.json"))) == len(index["processes"])
    assert index["total_calls"] == sum(p["ops"] for p in index["processes"])


def test_sample_files_read_back_by_python(sample_trace):
    out = sample_trace[0]
    index = index_of(out)
    assert index["samples"]
    by_op = {}
    for entry in index["samples"]:
        by_op.setdefault(entry["op"], []).append(entry)
    assert "aten::addmm" in by_op
    entry = by_op["aten::addmm"][0]
    record = torch.load(out / entry["file"])
    assert record["format"] == "tpu-migrate/sample@1" and record["op"] == "aten::addmm"
    args = {a["name"]: a["value"] for a in record["args"]}
    # Rebuild the call from the schema's names and check it reproduces the recorded output.
    replay = torch.ops.aten.addmm.default(args["self"], args["mat1"], args["mat2"],
                                          **{k: args[k] for k in ("beta", "alpha") if k in args})
    assert torch.allclose(replay, record["outputs"][0])
    total = sum(e["bytes"] for e in index["samples"])
    assert total <= 64 << 20


def test_sample_files_read_back_by_libtorch(sample_trace):
    helper = BINARY.parent / "tpu-migrate-torchscript"
    if not helper.exists():
        pytest.skip("tpu-migrate-torchscript not built (no libtorch)")
    out = sample_trace[0]
    index = index_of(out)
    files = [str(out / e["file"]) for e in index["samples"][:40]]
    import subprocess
    process = subprocess.run([str(helper), "read-samples", *files], capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr
    lines = [json.loads(line) for line in process.stdout.splitlines()]
    assert len(lines) == len(files)
    for line in lines:
        record = torch.load(line["file"])
        described = line["sample"]
        assert described["op"] == record["op"]
        for arg, seen in zip(record["args"], described["args"]):
            value = arg["value"]
            if isinstance(value, torch.Tensor):
                assert seen["value"]["shape"] == list(value.shape)
                expected = value.double().sum().item()
                if math.isfinite(expected):  # aten::empty outputs hold whatever memory held
                    assert seen["value"]["sum"] == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_exit_code_and_streams_pass_through(tmp_path):
    prog = script(tmp_path, """
        import sys
        import torch
        print("to stdout", (torch.ones(2) + 1).tolist())
        print("to stderr", file=sys.stderr)
        sys.exit(3)
    """)
    process = run("trace", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 3
    assert "to stdout [2.0, 2.0]" in process.stdout
    assert "to stderr" in process.stderr
    index = index_of(tmp_path / "t")
    assert index["exit_code"] == 3
    assert op(index, "aten::add.Tensor")["locations"][0]["line"] == 4


def test_program_without_torch_and_missing_program(tmp_path):
    process = run("trace", "--out", tmp_path / "t", "--", PYTHON, "-c", "print('plain')")
    assert process.returncode == 0 and process.stdout == "plain\n"
    assert "no process wrote a trace part" in process.stderr
    assert run("trace", "--out", tmp_path / "u", "--", "/no/such/python").returncode == 2
    assert run("trace").returncode == 2


def test_existing_sitecustomize_still_runs(tmp_path):
    own = tmp_path / "site"
    own.mkdir()
    (own / "sitecustomize.py").write_text("import os\nos.environ['USER_SITECUSTOMIZE'] = 'ran'\n")
    prog = script(tmp_path, """
        import os, torch
        print(os.environ.get("USER_SITECUSTOMIZE"), torch.zeros(1).sum().item())
    """)
    process = run("trace", "--out", tmp_path / "t", "--", PYTHON, prog, env={"PYTHONPATH": str(own)})
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "ran 0.0"
    assert op(index_of(tmp_path / "t"), "aten::zeros")


def test_dataloader_workers_write_parts_that_merge(tmp_path):
    prog = script(tmp_path, """
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Squares(Dataset):
            def __len__(self):
                return 16

            def __getitem__(self, i):
                return torch.full((4,), float(i)) ** 2

        if __name__ == "__main__":
            loader = DataLoader(Squares(), batch_size=4, num_workers=2)
            total = sum(batch.sum() for batch in loader)
            print(int(total.item()))
    """)
    process = run("trace", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == str(4 * sum(i * i for i in range(16)))
    index = index_of(tmp_path / "t")
    workers = [p for p in index["processes"] if p["role"] == "fork"]
    assert len(workers) == 2 and all(p["complete"] and p["ops"] > 0 for p in workers)
    full = op(index, "aten::full")
    assert full["count"] == 16  # every item, made in the workers
    assert full["locations"][0]["path"] == str(prog)
    # The collate stacks into shared memory in the workers: aten::stack.out.
    assert any(o["name"].startswith("aten::stack") for o in index["ops"])


def test_max_seconds_stops_a_program_that_never_ends(tmp_path):
    prog = script(tmp_path, """
        import torch
        x = torch.zeros(8)
        while True:
            x = x + 1
    """)
    started = time.monotonic()
    process = run("trace", "--max-seconds", "4", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert time.monotonic() - started < 60
    assert process.returncode == 0, process.stderr
    assert "stopped by max-seconds" in process.stderr
    index = index_of(tmp_path / "t")
    assert index["stopped_by"] == "max-seconds"
    assert op(index, "aten::add.Tensor")["count"] > 100
    assert all(p["complete"] for p in index["processes"])  # flushed on KeyboardInterrupt


def test_max_seconds_escalates_when_sigint_is_swallowed(tmp_path):
    prog = script(tmp_path, """
        import signal
        import torch
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        x = torch.zeros(8)
        while True:
            x = x + 1
    """)
    process = run("trace", "--max-seconds", "3", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 0
    index = index_of(tmp_path / "t")
    assert index["exit_code"] == 128 + 15  # SIGTERM, after the ignored SIGINT
    assert op(index, "aten::add.Tensor")["count"] > 100
    assert index["processes"][0]["complete"]  # the SIGTERM handler wrote the part


def test_limit_ops_stops_the_program(tmp_path):
    prog = script(tmp_path, """
        import torch
        x = torch.zeros(8)
        while True:
            x = x * 1.0001
    """)
    process = run("trace", "--limit-ops", "500", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 0, process.stderr
    index = index_of(tmp_path / "t")
    assert index["stopped_by"] == "limit-ops"
    assert index["total_calls"] == 500
    assert op(index, "aten::mul.Tensor")["count"] == 499


def test_torchscript_module_traced_by_libtorch(tmp_path):
    helper = BINARY.parent / "tpu-migrate-torchscript"
    if not helper.exists():
        pytest.skip("tpu-migrate-torchscript not built (no libtorch)")
    source = script(tmp_path, """
        import sys
        import torch

        class Tiny(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(8, 4)

            def forward(self, x, ids):
                y = torch.relu(self.fc(x))
                picked = torch.nonzero(ids > 2)
                return y.softmax(-1).double(), picked

        torch.jit.save(torch.jit.script(Tiny()), sys.argv[1])
    """, name="tiny.py")
    import subprocess
    subprocess.run([PYTHON, str(source), str(tmp_path / "tiny.pt")], check=True, timeout=120)
    out = tmp_path / "t"
    process = run("trace", "--torchscript", tmp_path / "tiny.pt", "--input", "float32[2,8]",
                  "--input", "int64[16]:0:5", "--out", out)
    assert process.returncode == 0, process.stderr
    index = index_of(out)
    assert index["backend"] == "torchscript" and index["torch_version"].startswith("1.13")
    linear = op(index, "aten::linear")
    assert linear["count"] == 1
    assert linear["signatures"][0]["shapes"] == [[2, 8], [4, 8], [4]]
    # Lines come from the archive's debug info: the scripted source, not code/__torch__.py.
    assert linear["locations"][0]["path"] == str(source)
    assert linear["locations"][0]["line"] == line_of(source, "y = torch.relu(")
    kinds = {(h["kind"], h["op"]) for h in index["hazards"]}
    assert ("float64", "aten::to.dtype") in kinds
    assert ("dynamic-shape", "aten::nonzero") in kinds
    # Samples written by torch::pickle_save read back in Python, dtype arguments tagged.
    to_dtype = next(s for s in index["samples"] if s["op"] == "aten::to")
    record = torch.load(out / to_dtype["file"])
    args = {a["name"]: a["value"] for a in record["args"]}
    assert args["dtype"] == {"dtype": "float64"}
    assert record["outputs"][0].dtype == torch.float64
    linear_sample = next(s for s in index["samples"] if s["op"] == "aten::linear")
    record = torch.load(out / linear_sample["file"])
    args = {a["name"]: a["value"] for a in record["args"]}
    assert torch.allclose(torch.nn.functional.linear(args["input"], args["weight"], args["bias"]),
                          record["outputs"][0])


def test_torchscript_bad_input_spec(tmp_path):
    if not (BINARY.parent / "tpu-migrate-torchscript").exists():
        pytest.skip("tpu-migrate-torchscript not built (no libtorch)")
    process = run("trace", "--torchscript", tmp_path / "missing.pt", "--input", "float32[2,8]",
                  "--out", tmp_path / "t")
    assert process.returncode == 2
    assert "cannot load" in process.stderr
    assert run("trace", "--torchscript", tmp_path / "m.pt", "--out", tmp_path / "t").returncode == 2


def test_cuda_as_cpu_distributed_ranks(tmp_path):
    # Spawned ranks (fresh interpreters: the hook reaches them through PYTHONPATH), NCCL turned
    # into gloo, DDP device_ids dropped, GradScaler and CUDA autocast (float16) as on a GPU.
    prog = script(tmp_path, """
        import os
        import torch
        import torch.distributed as dist
        import torch.multiprocessing as mp
        from torch.nn.parallel import DistributedDataParallel as DDP

        def worker(rank, world_size):
            dist.init_process_group(backend="nccl", rank=rank, world_size=world_size)
            torch.cuda.set_device(rank)
            device = torch.device("cuda", rank)
            model = DDP(torch.nn.Linear(4, 2).to(device), device_ids=[rank])
            scaler = torch.cuda.amp.GradScaler()
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            with torch.cuda.amp.autocast():
                out = model(torch.randn(3, 4, device=device))
            scaler.scale(out.float().sum()).backward()
            scaler.step(opt)
            scaler.update()
            t = torch.ones(1, device="cuda") * rank
            dist.all_reduce(t)
            print(f"rank {rank} sum {t.item():.0f} {out.dtype}", flush=True)
            dist.destroy_process_group()

        if __name__ == "__main__":
            os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(20000 + os.getpid() % 20000))
            mp.spawn(worker, args=(2,), nprocs=2)
    """)
    process = run("trace", "--cuda-as-cpu", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 0, process.stderr
    assert "rank 0 sum 1 torch.float16" in process.stdout
    assert "rank 1 sum 1 torch.float16" in process.stdout
    index = index_of(tmp_path / "t")
    ranks = sorted(p["rank"] for p in index["processes"] if p["role"] == "spawned")
    assert ranks == [0, 1]
    assert op(index, "c10d::allreduce_")["count"] >= 2  # DDP's gradient bucket and ours


def test_scan_with_trace_merges_ops_findings_and_hazards(sample_trace):
    out = sample_trace[0]
    # PyTorch/XLA, whose CPU fallback the sample's ops reach (TPU900); TorchTPU has kernels for them.
    static, _ = scan_json(SAMPLE, "--target", "xla")
    process = run("scan", SAMPLE, "--trace", out, "--format", "json", "--target", "xla")
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    assert report["errors"] == []
    index = index_of(out)
    ops = {o["name"]: o for o in report["ops"]}
    # Ops the program ran carry source "trace" and the exact call count the trace saw.
    addmm = ops["aten::addmm"]
    assert "trace" in addmm["sources"] and addmm["count"] == op(index, "aten::addmm")["count"]
    assert any(loc["path"] == "model.py" for loc in addmm["locations"])
    # Ops only the trace knows (the backward) are now in the report, the static ones stay.
    assert "aten::native_layer_norm_backward" in ops
    assert set(o["name"] for o in static["ops"]) <= set(ops)
    train = str(SAMPLE / "train.py")
    findings = {(f["rule"], f["path"], f["line"]) for f in report["findings"]}
    # The `.item()` the static rule already found is confirmed with the trace's count, not repeated;
    # host syncs it could not see become runtime findings (paths relative to the root).
    item_line = line_of(train, "losses.append(loss.item())")
    at_item = [f for f in report["findings"] if f["path"] == "train.py" and f["line"] == item_line]
    assert [f["rule"] for f in at_item] == ["TPU600"] and "(trace: ran" in at_item[0]["message"]
    assert any(rule == "TPU650" for rule, _, _ in findings)
    assert any(rule == "TPU900" for rule, _, _ in findings)
    assert any(rule == "TPU654" and path == "model.py" for rule, path, _ in findings)
    # --ignore applies to runtime findings as to static ones.
    quiet = json.loads(run("scan", SAMPLE, "--trace", out, "--ignore", "TPU650,TPU654",
                           "--format", "json", "--target", "xla").stdout)
    assert not any(f["rule"] in ("TPU650", "TPU654") for f in quiet["findings"])
    # On the default target, TorchTPU, no op falls back to the CPU silently: TPU900 is XLA's.
    default = json.loads(run("scan", SAMPLE, "--trace", out, "--format", "json").stdout)
    assert default["profile"] == "torchtpu"
    assert not any(f["rule"] == "TPU900" for f in default["findings"])


def test_scan_with_a_missing_or_broken_trace(tmp_path):
    missing = run("scan", SAMPLE, "--trace", tmp_path / "nope")
    assert missing.returncode == 2 and "nope" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.json").write_text("{not json")
    process = run("scan", SAMPLE, "--trace", broken, "--format", "json")
    report = json.loads(process.stdout)
    assert any(str(broken) in e["path"] for e in report["errors"]), report["errors"]
    assert report["findings"]  # the static scan still ran


def test_scan_with_trace_honours_suppression_comments(tmp_path):
    program = script(tmp_path, """\
        import torch
        kept = torch.ones(3, dtype=torch.float64).sum()
        quiet = torch.ones(3, dtype=torch.float64).sum()  # tpu-migrate: ignore[TPU653]
        """)
    out = tmp_path / "trace"
    traced = run("trace", "--out", out, "--", PYTHON, program, cwd=tmp_path)
    assert traced.returncode == 0, traced.stderr
    report = json.loads(run("scan", tmp_path, "--trace", out, "--format", "json").stdout)
    lines = {f["line"] for f in report["findings"] if f["rule"] == "TPU653"}
    assert lines == {line_of(program, "kept =")}
    # The trace folder sits inside the scanned tree: the hook it injected is not the user's code.
    assert not any(f["path"].startswith("trace/") for f in report["findings"]), report["findings"]


def test_cuda_only_code_is_named_and_the_programs_error_passes_through(tmp_path):
    # An op with a CUDA kernel only (what a compiled extension registers) and a CUDA extension
    # build: the trace names both at their lines; the program fails as it would on a CPU.
    prog = script(tmp_path, """
        import torch
        import torch.utils.cpp_extension

        lib = torch.library.Library("trace_ext", "DEF")
        lib.define("fused_gelu(Tensor x) -> Tensor")
        lib.impl("fused_gelu", lambda x: torch.nn.functional.gelu(x), "CUDA")
        try:
            torch.utils.cpp_extension.load(name="fused_cuda", sources=["fused_kernel.cu"])
        except OSError as error:
            print("build failed:", type(error).__name__)
        x = torch.randn(4, device="cuda")
        y = torch.ops.trace_ext.fused_gelu(x)
        print("not reached")
    """)
    process = run("trace", "--cuda-as-cpu", "--out", tmp_path / "t", "--", PYTHON, prog)
    assert process.returncode == 1, process.stderr  # the program's own exit code
    assert "NotImplementedError: Could not run 'trace_ext::fused_gelu'" in process.stderr
    assert "build failed:" in process.stdout and "not reached" not in process.stdout
    op_line, build_line = line_of(prog, "fused_gelu(x)"), line_of(prog, "cpp_extension.load(")
    index = index_of(tmp_path / "t")
    assert index["exit_code"] == 1
    cuda_only = {(h["op"], h["line"]) for h in index["hazards"] if h["kind"] == "cuda-only"}
    assert cuda_only == {("custom op trace_ext::fused_gelu", op_line),
                         ("CUDA extension fused_cuda (torch.utils.cpp_extension.load)", build_line)}
    assert f"cannot follow: custom op trace_ext::fused_gelu at {prog}:{op_line}" in process.stderr
    report, _ = scan_json(tmp_path, "--trace", tmp_path / "t")
    assert {f["line"] for f in report["findings"] if f["rule"] == "TPU655"} == {op_line, build_line}


def test_triton_kernel_launch_is_named(tmp_path):
    pytest.importorskip("triton", reason="Triton is not installed here: a launch cannot be traced")
    prog = script(tmp_path, """
        import torch
        import triton
        import triton.language as tl

        @triton.jit
        def add_one_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
            offsets = tl.arange(0, BLOCK)
            mask = offsets < n
            tl.store(out_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + 1, mask=mask)

        x = torch.randn(8, device="cuda")
        out = torch.empty_like(x)
        add_one_kernel[(1,)](x, out, 8, BLOCK=8)
    """)
    process = run("trace", "--cuda-as-cpu", "--out", tmp_path / "t", "--", PYTHON, prog)
    line = line_of(prog, "add_one_kernel[(1,)]")
    assert f"cannot follow: Triton kernel add_one_kernel at {prog}:{line}" in process.stderr
    index = index_of(tmp_path / "t")
    assert index["exit_code"] == process.returncode


def test_cuda_extension_that_cannot_load_is_named(tmp_path):
    # A compiled extension linked against the CUDA runtime, on a machine without it: built here
    # against a stand-in libcudart.so.12 that is then removed, so its import fails as it does on
    # any CPU machine.
    import shutil
    import subprocess
    import sysconfig
    compiler = shutil.which("cc")
    include = Path(sysconfig.get_paths()["include"])
    if compiler is None or not (include / "Python.h").exists():
        pytest.skip("no C compiler or Python headers to build the extension")
    (tmp_path / "stub.c").write_text("int cudaGetDeviceCount(int* n) { *n = 0; return 0; }\n")
    (tmp_path / "ext.c").write_text(textwrap.dedent("""
        #include <Python.h>
        extern int cudaGetDeviceCount(int*);
        static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fused_cuda", 0, -1, 0};
        PyMODINIT_FUNC PyInit_fused_cuda(void) { int n; cudaGetDeviceCount(&n); return PyModule_Create(&module); }
    """))
    subprocess.run([compiler, "-shared", "-fPIC", "stub.c", "-o", "libcudart.so.12",
                    "-Wl,-soname,libcudart.so.12"], cwd=tmp_path, check=True)
    subprocess.run([compiler, "-shared", "-fPIC", f"-I{include}", "ext.c", "-o",
                    "fused_cuda" + sysconfig.get_config_var("EXT_SUFFIX"), "-L.", "-l:libcudart.so.12"],
                   cwd=tmp_path, check=True)
    (tmp_path / "libcudart.so.12").unlink()
    prog = script(tmp_path, """
        import torch
        import fused_cuda
    """)
    process = run("trace", "--cuda-as-cpu", "--out", tmp_path / "t", "--", PYTHON, prog, cwd=tmp_path)
    assert process.returncode == 1
    assert "ImportError: libcudart.so.12: cannot open shared object file" in process.stderr
    line = line_of(prog, "import fused_cuda")
    assert f"cannot follow: CUDA extension fused_cuda (needs libcudart.so.12) at {prog}:{line}" in process.stderr
