# SPDX-License-Identifier: Apache-2.0
"""`tpu-migrate check` end to end: sample files written here with Debian's python3-torch (in the
trace's sample layout, docs/trace-format.md), replayed by the real binary on the CPU, under TPU
emulation, through the perturbing test executor, and in a Python device worker."""
import json
import os
import subprocess
import sys

import pytest

from conftest import BINARY, SAMPLE, SOURCE_DIR, run

torch = pytest.importorskip("torch")


def check_available():
    probe = run("check", "--help")
    return probe.returncode == 0


def check_json(*args, **kwargs):
    process = run("check", *args, "--format", "json", **kwargs)
    assert process.stdout, process.stderr
    return json.loads(process.stdout), process


# -- writing traces -----------------------------------------------------------------------------
def _encode(value):
    """A value as the trace hook saves it (trace/hook/tpu_migrate_trace/samples.py)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone(memory_format=torch.contiguous_format)
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, torch.dtype):
        return {"dtype": str(value).rsplit(".", 1)[-1]}
    if isinstance(value, torch.device):
        return {"device": str(value)}
    if isinstance(value, torch.memory_format):
        return {"memory_format": str(value).rsplit(".", 1)[-1]}
    return value


def _dtypes(values):
    out = []
    for value in values:
        if isinstance(value, torch.Tensor):
            out.append(str(value.dtype).rsplit(".", 1)[-1])
        elif isinstance(value, (list, tuple)):
            out += _dtypes(value)
    return out


def write_trace(folder, calls):
    """calls: [(op overload, args, kwargs)]. Runs each op (so in-place ops really mutate), saves
    inputs before and outputs after, and writes index.json. Returns the folder."""
    samples = folder / "samples"
    samples.mkdir(parents=True, exist_ok=True)
    entries = []
    for index, (func, args, kwargs) in enumerate(calls):
        schema = func._schema
        positional = [a for a in schema.arguments if not a.kwarg_only]
        named = [(positional[i].name, value) for i, value in enumerate(args)] + list(kwargs.items())
        inputs = [{"name": name, "value": _encode(value)} for name, value in named]
        out = func(*args, **kwargs)
        tags = getattr(func, "tags", ()) or ()
        record = {
            "format": "tpu-migrate/sample@1", "op": schema.name, "overload": schema.overload_name or "default",
            "schema": str(schema), "args": inputs,
            "outputs": _encode(list(out) if isinstance(out, tuple) else [out]), "omitted": [],
            "nondeterministic": any("nondeterministic_seeded" in str(tag) for tag in tags),
            "path": str(folder / "model.py"), "line": 10 + index,
        }
        name = "p1-%05d.pt" % index
        torch.save(record, samples / name)
        entries.append({"file": "samples/" + name, "op": schema.name, "overload": record["overload"],
                        "dtypes": _dtypes(list(args) + list(kwargs.values())), "path": record["path"],
                        "line": record["line"], "bytes": 0, "omitted": []})
    index = {"schema": "tpu-migrate/trace@1", "backend": "python-dispatch", "torch_version": torch.__version__,
             "command": ["python", "model.py"], "cwd": str(folder), "cuda_as_cpu": False, "exit_code": 0,
             "stopped_by": "", "wall_seconds": 0.0, "total_calls": len(calls), "steps": 0, "processes": [],
             "ops": [], "hazards": [], "samples": entries, "errors": []}
    (folder / "index.json").write_text(json.dumps(index))
    return folder


def op_table():
    """The ops the issue names, with realistic inputs (seeded)."""
    aten = torch.ops.aten
    g = torch.Generator().manual_seed(1)

    def randn(*shape):
        return torch.randn(*shape, generator=g)

    x, w, b = randn(8, 16), randn(32, 16), randn(32)
    image, kernel = randn(2, 3, 10, 10), randn(4, 3, 3, 3)
    table = randn(50, 16)
    idx = torch.tensor([3, 7, 7, 0, 49, 12], dtype=torch.int64)
    scores = randn(4, 20)
    return [
        (aten.mm.default, (x, w.t().contiguous()), {}),
        (aten.addmm.default, (b, x, w.t().contiguous()), {}),
        (aten.bmm.default, (randn(3, 5, 16), randn(3, 16, 7)), {}),
        (aten.convolution.default, (image, kernel, randn(4), [1, 1], [1, 1], [1, 1], False, [0, 0], 1), {}),
        (aten._softmax.default, (scores, -1, False), {}),
        (aten._log_softmax.default, (scores, 1, False), {}),
        (aten.native_layer_norm.default, (x, [16], randn(16), randn(16), 1e-5), {}),
        (aten.embedding.default, (table, idx), {}),
        (aten.index.Tensor, (table, [idx]), {}),
        (aten.index_select.default, (table, 0, idx), {}),
        (aten.gather.default, (scores, 1, torch.randint(0, 20, (4, 5), generator=g)), {}),
        (aten.index_put_.default, (table.clone(), [idx[:2]], randn(2, 16), True), {}),
        (aten.sum.dim_IntList, (scores, [1], False), {}),
        (aten.mean.dim, (x, [0], True), {}),
        (aten.amax.default, (scores, [1]), {}),
        (aten.argmax.default, (scores, 1), {}),
        (aten.topk.default, (scores, 3), {}),
        (aten.add_.Tensor, (x.clone(), randn(8, 16)), {}),
        (aten.mul_.Scalar, (x.clone(), 0.5), {}),
        (aten.mul.Tensor, (x, 0.25), {}),  # Python passes the number for a Tensor argument
        (aten.split.Tensor, (x, 4), {}),
        (aten._to_copy.default, (x,), {"dtype": torch.bfloat16}),
        (aten.zeros.default, ([3, 4],), {"dtype": torch.float32, "device": torch.device("cpu")}),
        (aten.gelu.default, (x,), {}),
        (aten.empty.memory_format, ([4],), {"dtype": torch.float32}),  # uninitialised: skipped
        (aten.bernoulli.p, (x, 0.5), {}),                             # random: skipped
    ]


SKIPPED = {"aten::empty.memory_format", "aten::bernoulli.p"}


def ill_conditioned_mm():
    """A matmul whose result cancels to ~1e-4 of the size of its terms: one bfloat16 pass
    (XLA's DEFAULT on a TPU) loses it; float32 keeps it."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(32, 256, generator=g)
    b = torch.randn(256, 32, generator=g)
    b = (b.double() - torch.linalg.pinv(a.double()) @ (a.double() @ b.double()) * 0.999).float()
    return [(torch.ops.aten.mm.default, (a, b), {})]


@pytest.fixture(scope="module")
def table_trace(tmp_path_factory):
    if not check_available():
        pytest.skip("check is not built")
    return write_trace(tmp_path_factory.mktemp("table"), op_table())


@pytest.fixture(scope="module")
def ill_trace(tmp_path_factory):
    return write_trace(tmp_path_factory.mktemp("ill"), ill_conditioned_mm())


def strided_views():
    """Views of non-contiguous tensors, as a training step makes them. The trace saves every
    input contiguous (without its storage, strides or offset), so ops that name strides into
    the storage cannot be replayed on the saved copy as they were called."""
    aten = torch.ops.aten
    g = torch.Generator().manual_seed(2)
    base = torch.randn(8, 12, generator=g)
    every_other = base[:, ::2]                      # strides (12, 2)
    target = torch.zeros(6, 8)
    return [
        # reshape's view of every_other: _reshape_alias with its source's strides (12, 6, 2)
        (aten._reshape_alias.default, (every_other, [8, 2, 3], [12, 6, 2]), {}),
        (aten.as_strided.default, (base, [4, 3], [12, 1], 5), {}),  # 5 elements into the storage
        (aten.view.default, (base.t().contiguous(), [4, 24]), {}),
        (aten.expand.default, (base[:1], [5, 12]), {}),
        (aten.transpose.int, (every_other, 0, 1), {}),
        (aten.slice.Tensor, (every_other, 1, 1, 5, 2), {}),
        (aten.select.int, (base.t(), 0, 3), {}),
        (aten.add_.Tensor, (target[1:4, ::2], torch.ones(3, 4)), {}),  # in place on a view
    ]


def statuses(report):
    return {op["name"]: op["status"] for op in report["ops"]}


# -- tests --------------------------------------------------------------------------------------
def test_cpu_replay_of_the_op_table(table_trace):
    report, process = check_json(table_trace, "--device", "cpu")
    assert process.returncode == 0, process.stderr
    got = statuses(report)
    for func, _, _ in op_table():
        name = func._schema.name + ("." + func._schema.overload_name if func._schema.overload_name else "")
        expected = "skipped" if name in SKIPPED else "pass"
        assert got[name] == expected, (name, report)
    # every replayed op names its source line, and in-place/int64/list outputs were compared
    by_name = {op["name"]: op for op in report["ops"]}
    assert by_name["aten::mm"]["locations"] == [{"path": "model.py", "line": 10, "samples": 1}]
    argmax = by_name["aten::argmax"]["samples"][0]["outputs"][0]
    assert argmax["exact"] and argmax["dtype"] == "int64"
    assert len(by_name["aten::split.Tensor"]["samples"][0]["outputs"]) == 2
    assert len(by_name["aten::topk"]["samples"][0]["outputs"]) == 2
    assert by_name["aten::add_.Tensor"]["samples"][0]["baseline"] == "source (recorded)"
    assert report["summary"]["fail"] == 0 and report["summary"]["error"] == 0


def test_emulate_tpu_passes_the_table_with_at_most_warnings(table_trace):
    report, process = check_json(table_trace, "--emulate", "tpu")
    assert process.returncode == 0, process.stderr
    got = statuses(report)
    # matmul and convolution round their float32 operands to bfloat16: drift, not failure
    for name in ("aten::mm", "aten::addmm", "aten::bmm", "aten::convolution"):
        assert got[name] == "warn", (name, report)
        assert "bfloat16" in report["ops"][[op["name"] for op in report["ops"]].index(name)]["samples"][0]["reason"]
    assert got["aten::_softmax"] == "pass"
    assert report["candidate"]["executor"] == "emulate-tpu"
    # It names whose precision defaults it follows: TorchTPU's, the default target.
    assert report["candidate"]["target"] == "torchtpu"
    assert report["candidate"]["precision_defaults"].startswith("TorchTPU's torch.tpu.Precision.DEFAULT (one bfloat16 pass")


def test_emulate_tpu_names_the_target_whose_precision_defaults_it_follows(table_trace):
    table = run("check", table_trace, "--emulate", "tpu", "--precision", "high")
    assert "emulating: TorchTPU's torch.tpu.Precision.HIGH (three bfloat16 passes) (--target torchtpu)" in table.stdout
    xla, process = check_json(table_trace, "--emulate", "tpu", "--target", "xla")
    assert process.returncode == 0, process.stderr
    assert xla["candidate"]["target"] == "xla"
    assert xla["candidate"]["precision_defaults"] == (
        "PyTorch/XLA's torch_xla.backends.set_mat_mul_precision('default') (one bfloat16 pass, the default)")
    # The same arithmetic either way: only the words differ.
    default, _ = check_json(table_trace, "--emulate", "tpu")
    assert statuses(default) == statuses(xla)
    # Other executors follow no target's precision defaults and name none.
    cpu, _ = check_json(table_trace)
    assert "target" not in cpu["candidate"]


def test_emulate_tpu_flags_an_ill_conditioned_matmul(ill_trace):
    report, process = check_json(ill_trace, "--emulate", "tpu")
    assert process.returncode == 1, process.stderr
    op = report["ops"][0]
    assert op["name"] == "aten::mm" and op["status"] == "fail"
    metrics = op["samples"][0]["outputs"][0]["metrics"]
    assert metrics["cosine"] < 0.99

    highest, process = check_json(ill_trace, "--emulate", "tpu", "--precision", "highest")
    assert process.returncode == 0, process.stderr
    assert highest["ops"][0]["status"] == "pass"
    assert highest["candidate"]["precision"] == "highest"

    high, process = check_json(ill_trace, "--emulate", "tpu", "--precision", "high")
    assert high["ops"][0]["status"] in ("pass", "warn")  # bf16x3 recovers most of it
    high_err = high["ops"][0]["samples"][0]["outputs"][0]["metrics"]["max_abs_err"]
    assert high_err < metrics["max_abs_err"] / 100


def test_terminal_table_names_the_failing_op_and_its_line(ill_trace):
    process = run("check", ill_trace, "--emulate", "tpu", "--color", "never")
    assert process.returncode == 1
    assert "fail    aten::mm" in process.stdout
    assert "model.py:10" in process.stdout
    assert "verdict: fail" in process.stdout


def test_the_perturbing_test_executor_is_caught(table_trace):
    report, process = check_json(table_trace, "--device", "perturb-test")
    assert process.returncode == 1
    got = statuses(report)
    for name in ("aten::mm", "aten::_softmax", "aten::native_layer_norm", "aten::argmax", "aten::embedding"):
        assert got[name] == "fail", (name, got)
    assert report["candidate"]["executor"] == "perturb-test"
    assert report["ops"][0]["status"] == "fail"  # sorted worst first


def test_python_worker_on_cpu_agrees_with_libtorch(table_trace):
    report, process = check_json(table_trace, "--device", "cpu", "--worker", "--python", "/usr/bin/python3")
    assert process.returncode == 0, process.stderr
    assert report["candidate"]["executor"] == "python-worker"
    assert "via /usr/bin/python3" in report["candidate"]["description"]
    libtorch, _ = check_json(table_trace, "--device", "cpu")
    assert statuses(report) == statuses(libtorch)


def test_an_op_that_raises_on_the_device_fails(ill_trace):
    # torch's meta device has no data: copying a result back raises, as an op unsupported on a
    # device would. The call fails (exit 1), it is not a tool error.
    report, process = check_json(ill_trace, "--device", "meta", "--python", "/usr/bin/python3")
    assert process.returncode == 1, process.stderr
    sample = report["ops"][0]["samples"][0]
    assert sample["status"] == "fail"
    assert sample["reason"].startswith("the candidate raised: on meta:")
    assert report["ops"][0]["score"] is None  # infinitely bad: sorts first


def test_worker_that_cannot_start_or_lacks_the_device(table_trace):
    missing = run("check", table_trace, "--worker", "--python", "/nonexistent/python")
    assert missing.returncode == 2
    assert "cannot run /nonexistent/python" in missing.stderr
    xla = run("check", table_trace, "--device", "xla", "--python", "/usr/bin/python3")
    assert xla.returncode == 2
    assert "torch_xla" in xla.stderr
    cuda = run("check", table_trace, "--device", "cuda", "--python", "/usr/bin/python3")
    assert cuda.returncode == 2
    assert "without CUDA" in cuda.stderr and "cuda.is_available() is False" in cuda.stderr


def test_configuration_overrides_and_skips(ill_trace, tmp_path):
    config = tmp_path / "tpu-migrate.toml"
    config.write_text('[check.ops."aten::mm"]\nwarn-rtol = 1e6\nwarn-atol = 1.0\ncosine-min = 0.0\n')
    report, process = check_json(ill_trace, "--emulate", "tpu", "--config", config)
    assert process.returncode == 0, process.stderr
    assert report["ops"][0]["status"] == "warn"
    assert report["config"] == str(config)
    assert report["ops"][0]["samples"][0]["outputs"][0]["tolerance"]["warn_rtol"] == 1e6

    config.write_text('[check.ops."aten::mm"]\nskip = true\n')
    report, process = check_json(ill_trace, "--emulate", "tpu", "--config", config)
    assert process.returncode == 0
    assert report["ops"][0]["status"] == "skipped"

    config.write_text("[check]\nrtoll = 1\n")
    bad = run("check", ill_trace, "--config", config)
    assert bad.returncode == 2
    assert "unknown key check.rtoll" in bad.stderr


def test_the_configurations_target_chooses_the_emulated_precision_defaults(table_trace, tmp_path):
    """`target` in the configuration is the one scan and rewrite read; check follows it when no
    --target is given, and --target still wins."""
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.tpu-migrate]\ntarget = "xla"\n')
    report, process = check_json(table_trace, "--emulate", "tpu", "--config", config)
    assert process.returncode == 0, process.stderr
    assert report["candidate"]["target"] == "xla"
    assert report["candidate"]["precision_defaults"].startswith("PyTorch/XLA's")
    chosen, _ = check_json(table_trace, "--emulate", "tpu", "--target", "torchtpu", "--config", config)
    assert chosen["candidate"]["target"] == "torchtpu"
    config.write_text('[tool.tpu-migrate]\ntarget = "tpuu"\n')
    bad = run("check", table_trace, "--emulate", "tpu", "--config", config)
    assert bad.returncode == 2
    assert f"{config}:2: 'target' must be" in bad.stderr


def test_configuration_is_found_beside_the_traced_program(tmp_path):
    folder = write_trace(tmp_path, ill_conditioned_mm())
    (folder / "pyproject.toml").write_text('[tool.tpu-migrate.check.ops."aten::mm"]\nskip = true\n')
    report, process = check_json(folder, "--emulate", "tpu")
    assert process.returncode == 0, process.stderr
    assert report["ops"][0]["status"] == "skipped"
    assert report["config"].endswith("pyproject.toml")


def test_json_contract(table_trace, tmp_path):
    out = tmp_path / "check.json"
    process = run("check", table_trace, "--emulate", "tpu", "--format", "json", "-o", out)
    assert process.returncode == 0, process.stderr
    report = json.loads(out.read_text())
    assert report["schema"] == "tpu-migrate/check@1"
    assert set(report) >= {"tool", "trace", "source", "reference", "candidate", "config", "summary", "ops",
                           "model", "errors"}
    assert report["reference"] == {"device": "cpu", "dtype": "float64"}
    summary = report["summary"]
    assert summary["ops"] == len(report["ops"])
    assert summary["verdict"] == "warn"
    assert summary["pass"] + summary["warn"] + summary["fail"] + summary["skipped"] + summary["error"] == summary["ops"]
    ranks = {"fail": 4, "error": 3, "warn": 2, "pass": 1, "skipped": 0}
    order = [ranks[op["status"]] for op in report["ops"]]
    assert order == sorted(order, reverse=True)
    output = report["ops"][0]["samples"][0]["outputs"][0]
    assert set(output["metrics"]) >= {"max_abs_err", "max_rel_err", "mean_rel_err", "cosine", "max_ulp", "rmse"}
    assert set(output["ratio"]) == {"rmse", "max_abs"}
    assert output["level"] in ("L0", "L1", "L2")


def test_op_filter_and_sample_cap(table_trace):
    # `--op NAME TRACE`: the trace is not taken for a second op name
    report, process = check_json("--op", "aten::mm", "--op", "aten::add_.Tensor", table_trace, "--max-samples", "1")
    assert process.returncode == 0, process.stderr
    assert sorted(op["name"] for op in report["ops"]) == ["aten::add_.Tensor", "aten::mm"]
    report, _ = check_json(table_trace, "--op", "aten::nothing")
    assert report["ops"] == [] and "no sampled call matches --op aten::nothing" in report["errors"]


def test_usage_errors(table_trace, tmp_path):
    assert run("check", tmp_path / "nothing-here").returncode == 2
    bad = run("check", table_trace, "--precision", "extreme")
    assert bad.returncode == 2 and "--precision" in bad.stderr
    bad = run("check", table_trace, "--emulate", "tpu", "--device", "xla")
    assert bad.returncode == 2 and "--emulate tpu runs on the CPU" in bad.stderr
    bad = run("check", table_trace, "--device", "perturb-test", "--worker")
    assert bad.returncode == 2
    bad = run("check", table_trace, "--target", "xla")
    assert bad.returncode == 2 and "add --emulate tpu" in bad.stderr


def test_real_trace_of_the_sample_project(tmp_path):
    if not check_available():
        pytest.skip("check is not built")
    out = tmp_path / "trace"
    traced = run("trace", "--cuda-as-cpu", "--out", out, "--", "/usr/bin/python3", SAMPLE / "train.py", "--steps", "1",
                 cwd=SAMPLE)
    if traced.returncode != 0 or not (out / "index.json").exists():
        pytest.skip("trace did not produce a trace: " + traced.stderr[-500:])
    cpu, process = check_json(out, "--device", "cpu")
    assert process.returncode == 0, process.stderr
    assert cpu["summary"]["fail"] == 0 and cpu["summary"]["error"] == 0
    names = statuses(cpu)
    assert names.get("aten::addmm") == "pass"
    emulated, process = check_json(out, "--emulate", "tpu")
    assert process.returncode in (0, 1), process.stderr
    by_name = {op["name"]: op for op in emulated["ops"]}
    assert by_name["aten::addmm"]["status"] == "warn"
    assert any(loc["path"].endswith("model.py") for loc in by_name["aten::addmm"]["locations"])


def test_views_compare_their_values_never_foreign_memory(tmp_path):
    # Issue 19: `_reshape_alias` replayed with its recorded strides on the saved (contiguous)
    # input read memory that was never its input and failed with max abs 2.3e+38.
    if not check_available():
        pytest.skip("check is not built")
    folder = write_trace(tmp_path, strided_views())
    for executor in (["--device", "cpu"], ["--emulate", "tpu"]):
        report, process = check_json(folder, *executor)
        assert process.returncode == 0, (executor, report)
        got = statuses(report)
        assert got.pop("aten::as_strided") == "skipped"
        assert set(got.values()) == {"pass"}, (executor, got)
    as_strided = next(op for op in report["ops"] if op["name"] == "aten::as_strided")
    assert "storage" in as_strided["samples"][0]["reason"]
    reshape = next(op for op in report["ops"] if op["name"] == "aten::_reshape_alias")
    assert reshape["samples"][0]["outputs"][0]["metrics"]["max_abs_err"] == 0


def test_perturbing_one_op_fails_that_op_only(table_trace):
    report, process = check_json(table_trace, "--device", "perturb-test", "--perturb", "aten::_softmax")
    assert process.returncode == 1
    got = statuses(report)
    assert got.pop("aten::_softmax") == "fail"
    assert set(got.values()) <= {"pass", "skipped"}, got
    assert "test damage: aten::_softmax" in report["candidate"]["description"]
    # on top of the emulator: the damaged op fails, the rest at most warn
    emulated, process = check_json(table_trace, "--emulate", "tpu", "--perturb", "aten::addmm")
    assert process.returncode == 1
    got = statuses(emulated)
    assert got.pop("aten::addmm") == "fail"
    assert set(got.values()) <= {"pass", "warn", "skipped"}, got
    assert emulated["ops"][0]["name"] == "aten::addmm"


def test_float16_replay_of_a_float32_op_warns_or_fails(tmp_path):
    if not check_available():
        pytest.skip("check is not built")
    g = torch.Generator().manual_seed(3)
    a, b = torch.randn(16, 64, generator=g), torch.randn(64, 8, generator=g)
    big = torch.randn(16, 64, generator=g) * 300  # products beyond float16's 65504
    folder = write_trace(tmp_path, [(torch.ops.aten.mm.default, (a, b), {}),
                                    (torch.ops.aten.addmm.default, (torch.zeros(8), big, b * 300), {}),
                                    (torch.ops.aten.relu.default, (a,), {})])
    report, process = check_json(folder, "--device", "cpu", "--perturb", "aten::mm=float16",
                                 "--perturb", "aten::addmm=float16")
    assert process.returncode == 1
    got = statuses(report)
    assert got["aten::mm"] in ("warn", "fail")
    assert got["aten::addmm"] == "fail"  # overflows to inf in float16
    assert got["aten::relu"] == "pass"
    mm = next(op for op in report["ops"] if op["name"] == "aten::mm")
    assert "computed in float16 where the program used float32" in mm["samples"][0]["reason"]
    bad = run("check", folder, "--perturb", "aten::mm=int8")
    assert bad.returncode == 2 and "float16" in bad.stderr


VIEWS_PROGRAM = """
import torch
torch.manual_seed(0)
w = torch.randn(12, 12, device="cuda", requires_grad=True)
for step in range(2):
    base = torch.randn(8, 12, device="cuda")
    y = (base @ w)[:, ::2].reshape(8, 2, 3)           # _reshape_alias, strides (12, 6, 2)
    z = torch.as_strided(base, (4, 3), (12, 1), 5)    # into the storage at an offset
    t = base.clone().t()[2:5]
    t.mul_(2)                                         # in place on a view
    (y.sum() + z.sum() + t.sum() + base.expand(2, 8, 12).sum()).backward()
"""


def test_views_of_a_real_trace_never_fail(tmp_path):
    if not check_available():
        pytest.skip("check is not built")
    (tmp_path / "views.py").write_text(VIEWS_PROGRAM)
    traced = run("trace", "--cuda-as-cpu", "--out", tmp_path / "trace", "--", "/usr/bin/python3", "views.py",
                 cwd=tmp_path)
    if traced.returncode != 0 or not (tmp_path / "trace" / "index.json").exists():
        pytest.skip("trace did not produce a trace: " + traced.stderr[-500:])
    report, process = check_json(tmp_path / "trace", "--emulate", "tpu")
    assert process.returncode == 0, report
    got = statuses(report)
    assert got["aten::_reshape_alias"] == "pass"
    assert got["aten::as_strided"] == "skipped"
    assert "fail" not in got.values()


def test_a_float64_matmul_is_judged_by_what_the_tpu_computes_it_in(tmp_path):
    # A TPU at XLA's DEFAULT precision computes a float64 matmul as one bfloat16 pass, like a
    # float32 one: the drift warns within bfloat16's band instead of failing float32's (found on
    # pytorch/examples time_sequence_prediction, a float64 LSTM). A configuration can still ask
    # for more, and HIGHEST is judged by float64's own band.
    if not check_available():
        pytest.skip("check is not built")
    g = torch.Generator().manual_seed(4)
    a, b = torch.randn(9, 51, generator=g, dtype=torch.float64), torch.randn(51, 204, generator=g, dtype=torch.float64)
    folder = write_trace(tmp_path, [(torch.ops.aten.addmm.default, (torch.zeros(204, dtype=torch.float64), a, b), {})])
    report, process = check_json(folder, "--emulate", "tpu")
    assert process.returncode == 0, report
    output = report["ops"][0]["samples"][0]["outputs"][0]
    assert report["ops"][0]["status"] == "warn"
    assert output["tolerance"]["warn_rtol"] == pytest.approx(1.6e-2)
    assert "computed in float32 where the program used float64" in output["reason"]

    highest, _ = check_json(folder, "--emulate", "tpu", "--precision", "highest")
    assert highest["ops"][0]["samples"][0]["outputs"][0]["tolerance"]["warn_rtol"] == pytest.approx(1.3e-6)

    config = tmp_path / "strict.toml"
    config.write_text('[check.ops."aten::addmm".float64]\nwarn-rtol = 1.3e-6\n')
    strict, process = check_json(folder, "--emulate", "tpu", "--config", config)
    assert process.returncode == 1 and strict["ops"][0]["status"] == "fail"
