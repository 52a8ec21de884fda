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
        # The scan answers for its target (xla): the matrix's xla column must agree.
        assert row["status"]["xla"] == scanned[row["name"]]["status"], row
        assert row["uses"] == scanned[row["name"]]["count"]
        assert row["status"]["torchtpu"] == "unknown"  # TorchTPU publishes no op list
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


def test_matrix_of_a_folder_without_torch_calls(tmp_path, env):
    (tmp_path / "plain.py").write_text("print('no torch here')\n")
    matrix = matrix_json(tmp_path, env=env)
    assert matrix["ops"] == []
    process = run("ops", "--matrix", tmp_path, env=env)
    assert process.returncode == 0 and "no aten ops found" in process.stdout
