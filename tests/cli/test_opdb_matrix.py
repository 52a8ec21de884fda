# SPDX-License-Identifier: Apache-2.0
"""`tpu-migrate ops --matrix`: status per target of named ops, or of the ops a repository uses."""
import json

import pytest

from conftest import SAMPLE, run, scan_json

TARGETS = ["xla", "torchtpu", "xpu", "mps", "ascend"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """No user tables: answers come from the built-in tables only."""
    return {"TPU_MIGRATE_DATA_DIR": str(tmp_path_factory.mktemp("no-user-tables"))}


def matrix_json(*args, env):
    process = run("ops", "--matrix", *args, "--format", "json", env=env)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_matrix_of_a_repository_lists_the_ops_its_scan_finds(env):
    matrix = matrix_json(SAMPLE, env=env)
    report, _ = scan_json(SAMPLE, env=env)
    assert matrix["targets"] == TARGETS
    assert [op["name"] for op in matrix["ops"]] == [op["name"] for op in report["ops"]]
    scanned = {op["name"]: op for op in report["ops"]}
    for row in matrix["ops"]:
        assert set(row["status"]) == set(TARGETS)
        # The scan answers for its target (TorchTPU, the default): the matrix's torchtpu column must agree.
        assert row["status"]["torchtpu"] == scanned[row["name"]]["status"], row
        assert row["uses"] == scanned[row["name"]]["count"]
        assert row["status"]["torchtpu"] != "unknown"  # generated from TorchTPU's registrations
        assert row["status"]["torchtpu"] != "fallback"  # TorchTPU raises where XLA falls back
    for target in TARGETS:
        assert sum(matrix["summary"][target].values()) == len(matrix["ops"])


def test_matrix_of_a_repository_as_text(env):
    process = run("ops", "--matrix", SAMPLE, env=env)
    assert process.returncode == 0, process.stderr
    header = process.stdout.splitlines()[0].split()
    assert header == ["op", "uses", *TARGETS]
    assert "aten::" in process.stdout
    assert "ops\n" in process.stdout  # the per-target summary follows the table


def test_matrix_of_named_ops_still_works(env):
    matrix = matrix_json("nonzero", "torch.nn.functional.softmax", env=env)
    names = [op["name"] for op in matrix["ops"]]
    assert names == ["aten::nonzero", "aten::softmax.int"]
    assert matrix["ops"][0]["status"]["xla"] == "fallback"
    assert "uses" not in matrix["ops"][0]


def test_the_two_tpu_targets_differ_where_their_op_coverage_does(env):
    """An op XLA runs on the CPU raises on TorchTPU unless the program enables its CPU fallback."""
    matrix = matrix_json("nonzero", "unique_consecutive", env=env)
    status = {op["name"]: op["status"] for op in matrix["ops"]}
    assert status["aten::nonzero"]["xla"] == "fallback" and status["aten::nonzero"]["torchtpu"] == "lowered"
    assert status["aten::unique_consecutive"]["xla"] == "fallback"
    assert status["aten::unique_consecutive"]["torchtpu"] == "unsupported"
    explained = run("ops", "unique_consecutive", "--target", "torchtpu", env=env)
    assert explained.returncode == 0, explained.stderr
    assert "only when the program enables TorchTPU's CPU fallback" in explained.stdout
    assert "4438ac1cec8ba9ea52bdf54f219492c8309fdf2a" in explained.stdout  # provenance: the source commit


def test_matrix_of_a_folder_without_torch_calls(tmp_path, env):
    (tmp_path / "plain.py").write_text("print('no torch here')\n")
    matrix = matrix_json(tmp_path, env=env)
    assert matrix["ops"] == []
    process = run("ops", "--matrix", tmp_path, env=env)
    assert process.returncode == 0 and "no aten ops found" in process.stdout
