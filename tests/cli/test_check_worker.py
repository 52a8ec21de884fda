# SPDX-License-Identifier: Apache-2.0
"""The device worker's line protocol, spoken directly to checker/worker/check_worker.py running
in Debian's python3-torch on the CPU: hello, replay, skip, error, exit."""
import json
import subprocess

import pytest

from conftest import SOURCE_DIR

torch = pytest.importorskip("torch")
from test_check import write_trace  # noqa: E402

WORKER = SOURCE_DIR / "checker" / "worker" / "check_worker.py"


class Worker:
    def __init__(self, device="cpu"):
        self.process = subprocess.Popen(["/usr/bin/python3", str(WORKER), "--device", device],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.hello = json.loads(self.process.stdout.readline())

    def ask(self, request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.write(json.dumps({"id": 0, "cmd": "exit"}) + "\n")
        self.process.stdin.flush()
        return self.process.wait(timeout=60)


def test_worker_protocol_round_trip(tmp_path):
    aten = torch.ops.aten
    x = torch.randn(4, 8)
    trace = write_trace(tmp_path / "trace", [
        (aten.addmm.default, (torch.randn(3), x, torch.randn(8, 3)), {}),
        (aten.topk.default, (x, 2), {}),
        (aten.embedding.default, (torch.randn(5, 2), torch.tensor([9])), {}) if False else
        (aten.mul.Tensor, (x, 2.0), {}),
    ])
    samples = sorted((trace / "samples").iterdir())
    worker = Worker()
    try:
        assert worker.hello["protocol"] == "tpu-migrate/check-worker@1"
        assert worker.hello["ok"] and worker.hello["device"] == "cpu"
        assert worker.hello["torch"] == torch.__version__

        out = tmp_path / "out-1.pt"
        reply = worker.ask({"id": 1, "cmd": "replay", "sample": str(samples[0]), "device": "cpu",
                            "precision": "default", "out": str(out)})
        assert reply["id"] == 1 and reply["ok"], reply
        assert reply["seconds"] >= 0
        saved = torch.load(out)
        record = torch.load(samples[0])
        assert torch.equal(saved["outputs"][0], record["outputs"][0])  # the same CPU kernel

        out2 = tmp_path / "out-2.pt"
        reply = worker.ask({"id": 2, "cmd": "replay", "sample": str(samples[1]), "device": "cpu",
                            "precision": "default", "out": str(out2)})
        assert reply["ok"]
        values, indices = torch.load(out2)["outputs"]
        assert indices.dtype == torch.int64 and values.shape == (4, 2)

        # an input the trace did not save: the worker says "skip", not "error"
        record = torch.load(samples[2])
        record["args"][0]["value"] = {"omitted": "too-large", "dtype": "float32", "shape": [4, 8], "device": "cpu"}
        torch.save(record, tmp_path / "omitted.pt")
        reply = worker.ask({"id": 3, "cmd": "replay", "sample": str(tmp_path / "omitted.pt"), "device": "cpu",
                            "precision": "default", "out": str(tmp_path / "out-3.pt")})
        assert not reply["ok"] and reply["kind"] == "skip" and "self" in reply["error"]

        # an op this torch does not have: skip; a kernel that raises: error
        record["op"], record["overload"] = "aten::no_such_op", "default"
        torch.save(record, tmp_path / "unknown.pt")
        reply = worker.ask({"id": 4, "cmd": "replay", "sample": str(tmp_path / "unknown.pt"), "device": "cpu",
                            "precision": "default", "out": str(tmp_path / "out-4.pt")})
        assert reply["kind"] == "skip"
        record = torch.load(samples[0])
        record["args"][1]["value"] = torch.randn(4, 5)  # mat1 no longer fits mat2
        torch.save(record, tmp_path / "bad.pt")
        reply = worker.ask({"id": 5, "cmd": "replay", "sample": str(tmp_path / "bad.pt"), "device": "cpu",
                            "precision": "default", "out": str(tmp_path / "out-5.pt")})
        assert not reply["ok"] and reply["kind"] == "error" and "RuntimeError" in reply["error"]

        reply = worker.ask({"id": 6, "cmd": "dance"})
        assert reply["id"] == 6 and not reply["ok"]
    finally:
        assert worker.close() == 0


def test_worker_says_when_the_device_is_missing():
    worker = Worker("xla")
    assert worker.hello["protocol"] == "tpu-migrate/check-worker@1"
    assert not worker.hello["ok"]
    assert "torch_xla" in worker.hello["error"]
    assert worker.process.wait(timeout=60) == 0


def test_user_prints_do_not_corrupt_the_protocol(tmp_path):
    (tmp_path / "noisy.py").write_text(
        "import torch\nprint('hello from user code')\n"
        "def build():\n    print('building')\n    return torch.nn.Linear(4, 2), (torch.randn(3, 4),)\n")
    worker = Worker()
    try:
        reply = worker.ask({"id": 1, "cmd": "model", "model": "noisy:build", "inputs": [], "device": "cpu",
                            "emulate": "", "precision": "default", "seed": 0, "cwd": str(tmp_path),
                            "out": str(tmp_path / "run.pt")})
        assert reply["ok"], reply
        run = torch.load(tmp_path / "run.pt")
        assert run["format"] == "tpu-migrate/model-run@1"
        kinds = [layer["kind"] for layer in run["layers"]]
        assert "output" in kinds and "loss" in kinds and "grad" in kinds
        assert run["layers"][0]["reference"].dtype == torch.float64
    finally:
        worker.close()


FAKE_WORKER = r'''#!/usr/bin/python3
import json, os, sys, time
mode = os.environ["FAKE_WORKER_MODE"]
print(json.dumps({"protocol": "tpu-migrate/check-worker@1", "ok": True, "torch": "0",
                  "device": "fake:0", "description": "a fake worker"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if request["cmd"] == "exit":
        break
    if mode == "crash":
        sys.stderr.write("imitating a crash in the device runtime\n")
        os._exit(3)
    if mode == "hang":
        time.sleep(120)
    if mode == "garble":
        print("this is not json", flush=True)
'''


@pytest.fixture()
def fake_worker(tmp_path):
    path = tmp_path / "fake-python"
    path.write_text(FAKE_WORKER)
    path.chmod(0o755)
    return path


def test_a_worker_that_crashes_fails_the_call_and_is_restarted(tmp_path, fake_worker):
    from conftest import run
    from test_check import ill_conditioned_mm
    trace = write_trace(tmp_path / "trace", ill_conditioned_mm() * 5)
    process = run("check", trace, "--device", "fake", "--python", fake_worker, "--format", "json",
                  env={"FAKE_WORKER_MODE": "crash"})
    assert process.returncode == 1, process.stderr
    samples = json.loads(process.stdout)["ops"][0]["samples"]
    reasons = [sample["reason"] for sample in samples]
    # three restarts, each crashing on its first request; then the engine gives up (errors)
    assert sum("exited with status 3" in r and "imitating a crash" in r for r in reasons) == 4
    assert sum("died too often" in r for r in reasons) == 1
    assert sorted(sample["status"] for sample in samples) == ["error"] + ["fail"] * 4


def test_a_hung_worker_is_killed_after_the_timeout(tmp_path, fake_worker):
    from conftest import run
    from test_check import ill_conditioned_mm
    trace = write_trace(tmp_path / "trace", ill_conditioned_mm())
    process = run("check", trace, "--device", "fake", "--python", fake_worker, "--worker-timeout", "2",
                  "--format", "json", env={"FAKE_WORKER_MODE": "hang"})
    assert process.returncode == 1, process.stderr
    sample = json.loads(process.stdout)["ops"][0]["samples"][0]
    assert "no reply within 2 s (killed)" in sample["reason"]

    process = run("check", trace, "--device", "fake", "--python", fake_worker, "--format", "json",
                  env={"FAKE_WORKER_MODE": "garble"})
    sample = json.loads(process.stdout)["ops"][0]["samples"][0]
    assert "not a JSON object: this is not json" in sample["reason"]
