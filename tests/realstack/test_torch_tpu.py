# SPDX-License-Identifier: Apache-2.0
"""TorchTPU from PyPI (the torch-tpu environment: torch_tpu 0.2.0 on torch 2.13) on a machine with
no TPU. It imports (torch loads it through its `torch.backends` entry point), its dispatcher lists
the PrivateUse1 kernels, and its public API carries a stage on each function; no tensor can be
made on device "tpu". So: `opdb sync --target torchtpu` asks the real dispatcher, and every
TorchTPU name a rewrite emits is checked against the real module, then run."""
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR, run, venv_python

sys.path.insert(0, str(SOURCE_DIR / "tests"))
from opdb_api_surface_test import helper_blocks  # noqa: E402  (the helpers as the rewriter compiles them)

REWRITE_MAP = SOURCE_DIR / "opdb" / "data" / "rewrite_map.tsv"
# Keep torch_tpu's start-up chatter (absl logs, the tcmalloc hint) out of the outputs compared.
QUIET = {"PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3", "GLOG_minloglevel": "3"}


@pytest.fixture(scope="module")
def python():
    return venv_python("torch-tpu")


def ask(python, code, *args):
    """Runs `code` (with `args` as sys.argv[1:]) in the environment; returns what it printed last,
    parsed as JSON."""
    done = subprocess.run([str(python), "-c", code, *args], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **QUIET))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def emitted_torchtpu_names():
    """Every torch.tpu / torch_tpu / torch.accelerator name that a TorchTPU rewrite emits: in the
    TorchTPU rows of the rewrite map and in the portable style's TorchTPU helpers (read as
    tests/opdb_api_surface_test.py reads them; comments left out)."""
    texts = []
    for line in REWRITE_MAP.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, target, style, replacement, imports, *_ = line.split("\t")
        if target in ("torchtpu", "*"):
            texts.append(replacement + " " + imports)
    texts += [re.sub(r"#.*", "", code) for code in helper_blocks()["torchtpu"].values()]
    pattern = r"\b(?:torch\.tpu|torch_tpu|torch\.accelerator)(?:\.\w+)+"
    return sorted({name for text in texts for name in re.findall(pattern, text)})


RESOLVE = """
import importlib, json, sys, torch
def resolve(name):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part)
        return value
    raise ImportError(name)
answers = {}
for name in json.loads(sys.argv[1]):
    try:
        value = resolve(name)
        answers[name] = {"exists": True, "stage": getattr(value, "__tt_api_stage__", None),
                         "prefer": getattr(value, "__tt_api_prefer__", None)}
    except (ImportError, AttributeError) as error:
        answers[name] = {"exists": False, "error": str(error)}
print(json.dumps(answers))
"""


def resolve(python, names):
    return ask(python, RESOLVE, json.dumps(names))


def rewritten(tmp_path, style, source):
    """`source` as `rewrite --target torchtpu --style STYLE --unsafe-fixes --apply` leaves it."""
    program = tmp_path / "probe.py"
    program.write_text(source)
    done = run("rewrite", tmp_path, "--target", "torchtpu", "--style", style, "--unsafe-fixes", "--apply",
               "--allow-dirty", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return program.read_text()


def test_torch_tpu_imports_without_a_tpu(python):
    answer = ask(python, "import json, torch, torch_tpu; print(json.dumps({"
                         "'tpu': hasattr(torch, 'tpu'), 'version': torch_tpu.__version__ if hasattr(torch_tpu, '__version__') else None,"
                         "'accelerator': torch.accelerator.is_available(), 'count': torch.accelerator.device_count(),"
                         "'kernels': len(torch._C._dispatch_get_registrations_for_dispatch_key('PrivateUse1'))}))")
    assert answer["tpu"], "torch.tpu is missing after import torch_tpu"
    assert answer["accelerator"] is False and answer["count"] == 0  # this machine has no TPU
    assert answer["kernels"] > 500  # the dispatcher knows TorchTPU's kernels all the same


def test_the_stage_check_sees_internal_functions(python):
    """torch.tpu.is_available is Internal in 0.2.0 (it raises when user code calls it): the check
    below would catch a rewrite that emitted it."""
    answer = resolve(python, ["torch.tpu.is_available", "torch.tpu.no_such_function"])
    assert answer["torch.tpu.is_available"]["stage"] == "Internal"
    assert answer["torch.tpu.is_available"]["prefer"] == "torch.accelerator.is_available"
    assert answer["torch.tpu.no_such_function"]["exists"] is False


def test_every_torchtpu_name_a_rewrite_emits_exists_and_is_public(python):
    names = emitted_torchtpu_names()
    assert "torch.accelerator.device_count" in names  # the map was read
    assert "torch.accelerator.current_accelerator" in names  # and the helpers
    answers = resolve(python, names)
    missing = [name for name, a in answers.items() if not a["exists"]]
    internal = {name: a["prefer"] for name, a in answers.items()
                if a.get("stage") in ("Internal", "Deprecated")}
    assert missing == [] and internal == {}, (missing, internal)


def test_rewritten_calls_run_on_the_real_module(python, tmp_path):
    text = rewritten(tmp_path, "direct",
        "import json\n"
        "import torch\n"
        "torch.cuda.manual_seed(0)\n"
        "torch.cuda.manual_seed_all(0)\n"
        "found = torch.cuda.is_available()\n"
        "count = torch.cuda.device_count()\n"
        "print(json.dumps({'found': found, 'count': count}))\n")
    assert "torch.cuda" not in text, text
    assert ask(python, text) == {"found": False, "count": 0}  # no TPU here; no call raised


def test_portable_helpers_run_on_the_real_module(python, tmp_path):
    """The portable style's TorchTPU helpers are defined when the module loads: on a machine with
    torch_tpu installed they must not call an Internal function (which raises)."""
    text = rewritten(tmp_path, "portable",
        "import json\n"
        "import torch\n"
        "torch.cuda.manual_seed_all(0)\n"
        "count = torch.cuda.device_count()\n"
        "if torch.cuda.is_available():\n"
        "    torch.cuda.synchronize()\n"
        "print(json.dumps({'count': count, 'device': str(torch.zeros(1).cuda().device)}))\n")
    assert "_torch_tpu" in text, text
    assert ask(python, text) == {"count": 0, "device": "cpu"}  # no TPU, no CUDA: the CPU, as before


def test_opdb_sync_asks_the_real_torch_tpu(python, tmp_path):
    process = run("opdb", "sync", "--python", python, "--target", "torchtpu", "--data-dir", tmp_path, env=QUIET)
    assert process.returncode == 0, process.stderr[-3000:]
    table = (tmp_path / "status_torchtpu.tsv").read_text()
    assert "#synced\tdispatch_key\tPrivateUse1\n" in table
    assert re.search(r"^#synced\tmodule\ttorch_tpu \d", table, re.M)
    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    answers = {}
    for name in ("aten::native_layer_norm", "aten::_cudnn_rnn"):
        answer = run("ops", name, "--target", "torchtpu", "--format", "json", env=env)
        assert answer.returncode == 0, answer.stderr
        answers[name] = json.loads(answer.stdout)["ops"][0]
    # A real TorchTPU kernel, read from the dispatcher, not from the generated table.
    norm = answers["aten::native_layer_norm"]
    assert norm["status"] == "lowered" and norm["kind"] == "synced_kernel"
    assert "torch_tpu" in norm["provenance"]
    assert answers["aten::_cudnn_rnn"]["status"] == "unsupported"  # cuDNN only: raises on TorchTPU


def test_check_on_device_tpu_says_why_it_cannot_run_without_a_tpu(python, tmp_path):
    """`check --device tpu` goes through the Python worker with torch_tpu, as `--device xla` does
    with torch_xla. Here there is no TPU, so no tensor can be made on "tpu": the worker says so,
    naming torch_tpu and the missing chip, instead of a bare "unknown device"."""
    program = tmp_path / "prog.py"
    program.write_text("import torch\nx = torch.randn(4, 8)\nprint((x @ x.T).relu().sum())\n")
    trace = tmp_path / "trace"
    traced = run("trace", "--out", trace, "--", python, program, cwd=tmp_path, env=QUIET)
    assert traced.returncode == 0, traced.stderr[-3000:]
    process = run("check", trace, "--device", "tpu", "--python", python, cwd=tmp_path, env=QUIET)
    assert process.returncode == 2, (process.stdout, process.stderr[-3000:])
    assert "torch_tpu is installed but no TPU is attached" in process.stderr, process.stderr[-3000:]
