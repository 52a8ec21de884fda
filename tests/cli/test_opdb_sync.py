# SPDX-License-Identifier: Apache-2.0
"""`tpu-migrate opdb sync`, run for real against Debian's python3-torch. That install has no
torch_xla, so the CPU dispatch key stands in for XLA: the same probe, the same dispatcher calls."""
import json
import os
import subprocess

import pytest

from conftest import SAMPLE, SOURCE_DIR, run, scan_json

PYTHON = "/usr/bin/python3"


def python_has(module):
    return subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def torch_version():
    done = subprocess.run([PYTHON, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return done.stdout.strip()


needs_torch = pytest.mark.skipif(not python_has("torch"), reason="Debian's python3-torch is not installed")


def sync(data_dir, *args, env=None):
    return run("opdb", "sync", "--python", PYTHON, "--data-dir", data_dir, *args, env=env)


@needs_torch
def test_sync_with_cpu_key_then_ops_answers_from_the_synced_table(tmp_path):
    process = sync(tmp_path, "--dispatch-key", "CPU", "--target", "cpu-check")
    assert process.returncode == 0, process.stderr
    table = tmp_path / "status_cpu-check.tsv"
    assert table.is_file()
    assert f"#synced\ttorch\t{torch_version()}\n" in table.read_text()
    assert "cpu-check" in process.stdout and str(table) in process.stdout

    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    answer = run("ops", "aten::mm", "--target", "cpu-check", "--format", "json", env=env)
    assert answer.returncode == 0, answer.stderr
    mm = json.loads(answer.stdout)["ops"][0]
    assert mm["status"] == "lowered"  # aten::mm has a CPU kernel
    assert mm["kind"] == "synced_kernel"
    assert f"torch {torch_version()}" in mm["provenance"]

    text = run("ops", "aten::mm", "--target", "cpu-check", env=env)
    assert "lowered" in text.stdout and f"torch {torch_version()}" in text.stdout

    # The synced target is a column of the matrix, and `opdb show` names its versions.
    matrix = json.loads(run("ops", "--matrix", "mm", "--format", "json", env=env).stdout)
    assert matrix["targets"][-1] == "cpu-check"
    assert matrix["ops"][0]["status"]["cpu-check"] == "lowered"
    show = json.loads(run("opdb", "show", "--data-dir", tmp_path, "--format", "json").stdout)
    assert show["tables"][0]["target"] == "cpu-check"
    assert show["tables"][0]["synced"]["torch"] == torch_version()
    assert show["tables"][0]["synced"]["dispatch_key"] == "CPU"

    removed = run("opdb", "remove", "--target", "cpu-check", "--data-dir", tmp_path)
    assert removed.returncode == 0 and not table.exists()
    assert run("ops", "aten::mm", "--target", "cpu-check", env=env).returncode == 2


@needs_torch
def test_a_synced_table_takes_precedence_in_scan(tmp_path):
    """Synced as target xla (the CPU key standing in for XLA), the table answers `scan` too, except
    where the built-in data knows better than a kernel registry (nonzero's kernel always falls back)."""
    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    builtin, _ = scan_json(SAMPLE, "--target", "xla", env=env)
    assert sync(tmp_path, "--dispatch-key", "CPU", "--target", "xla").returncode == 0
    synced, _ = scan_json(SAMPLE, "--target", "xla", env=env)
    before = {op["name"]: op for op in builtin["ops"]}
    after = {op["name"]: op for op in synced["ops"]}
    assert before.keys() == after.keys()
    # aten::cat has a CPU kernel in torch 1.13: its answer now comes from the synced table.
    assert "xla_native_functions.yaml" in before["aten::cat"]["reason"]
    assert after["aten::cat"] == dict(after["aten::cat"], status="lowered",
                                      reason="CPU kernel registered in the synced install")
    # nonzero: a registered kernel, but the built-in data says it always hands off to the CPU.
    assert after["aten::nonzero"]["status"] == "fallback"
    assert synced["summary"]["ops"]["total"] == builtin["summary"]["ops"]["total"]


@needs_torch
def test_sync_uses_the_data_dir_from_the_environment(tmp_path):
    process = run("opdb", "sync", "--python", PYTHON, "--dispatch-key", "CPU", "--target", "envcheck",
                  env={"TPU_MIGRATE_DATA_DIR": str(tmp_path)})
    assert process.returncode == 0, process.stderr
    assert (tmp_path / "status_envcheck.tsv").is_file()


@pytest.mark.skipif(python_has("torch_xla"), reason="torch_xla is installed here")
def test_sync_without_torch_xla_says_so(tmp_path):
    process = sync(tmp_path, "--target", "xla")  # dispatch key XLA
    assert process.returncode == 2
    assert "torch_xla is not installed for /usr/bin/python3" in process.stderr
    assert "--python" in process.stderr
    assert not list(tmp_path.iterdir()), "nothing written"


def test_sync_usage_errors(tmp_path):
    missing = sync(tmp_path, "--dispatch-key", "CPU")
    assert missing.returncode == 2 and "--target" in missing.stderr
    bad = run("opdb", "sync", "--python", "/nonexistent/python", "--data-dir", tmp_path)
    assert bad.returncode == 2 and "cannot run /nonexistent/python" in bad.stderr


# A PrivateUse1 backend registered with torch.library: what torch_tpu registers, in a few lines.
FAKE_BACKEND = SOURCE_DIR / "tests" / "opdb_fixtures" / "privateuse1"
# An interpreter with torch_tpu installed (pip install torch_tpu), for the one test that needs it.
TORCH_TPU_PYTHON = os.environ.get("TPU_MIGRATE_TORCH_TPU_PYTHON")


@needs_torch
def test_sync_torchtpu_from_a_privateuse1_backend(tmp_path):
    env = {"PYTHONPATH": str(FAKE_BACKEND), "TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    process = run("opdb", "sync", "--python", PYTHON, "--target", "torchtpu", "--import", "fake_privateuse1_backend",
                  env=env)
    assert process.returncode == 0, process.stderr
    text = (tmp_path / "status_torchtpu.tsv").read_text()
    assert "#synced\tdispatch_key\tPrivateUse1\n" in text
    assert "#synced\tmodule\tfake_privateuse1_backend 0.0-fixture\n" in text
    answer = json.loads(run("ops", "aten::index_select", "--target", "torchtpu", "--format", "json", env=env).stdout)
    assert answer["ops"][0]["status"] == "lowered" and answer["ops"][0]["kind"] == "synced_kernel"
    # torchtpu is a built-in target: the synced table replaces its answers, it adds no column.
    matrix = json.loads(run("ops", "--matrix", "index_select", "--format", "json", env=env).stdout)
    assert matrix["targets"] == ["xla", "torchtpu", "xpu", "mps", "ascend"]


@pytest.mark.skipif(python_has("torch_tpu"), reason="torch_tpu is installed here")
def test_sync_torchtpu_without_torch_tpu_says_so(tmp_path):
    process = sync(tmp_path, "--target", "torchtpu")  # dispatch key PrivateUse1, imports torch_tpu
    assert process.returncode == 2
    assert "torch_tpu is not installed for /usr/bin/python3" in process.stderr
    # The default target is TorchTPU: a plain `opdb sync` asks torch_tpu too.
    process = sync(tmp_path)
    assert process.returncode == 2
    assert "torch_tpu is not installed for /usr/bin/python3" in process.stderr
    assert "pip install torch_tpu" in process.stderr
    assert not list(tmp_path.iterdir()), "nothing written"


@pytest.mark.skipif(not TORCH_TPU_PYTHON, reason="set TPU_MIGRATE_TORCH_TPU_PYTHON to a Python with torch_tpu installed")
def test_sync_against_a_real_torch_tpu(tmp_path):
    """torch_tpu registers its kernels on import, with or without a TPU (checked with 0.2.0)."""
    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path)}
    process = run("opdb", "sync", "--python", TORCH_TPU_PYTHON, "--target", "torchtpu", "--format", "json", env=env)
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)
    assert "torch_tpu" in result["modules"] and result["dispatch_key"] == "PrivateUse1"
    assert result["counts"]["lowered"] > 500
    assert result["counts"]["fallback"] == 0  # its boxed fallback raises unless the program enables it
    mode = json.loads(run("ops", "aten::mode", "--target", "torchtpu", "--format", "json", env=env).stdout)["ops"][0]
    assert mode["status"] == "unsupported" and mode["kind"] == "cpu_fallback_opt_in"
