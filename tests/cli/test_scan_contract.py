# SPDX-License-Identifier: Apache-2.0
"""The JSON report contract (ARCHITECTURE.md) on the bundled sample, through the real CLI."""
from collections import Counter

from conftest import SAMPLE, run, scan_json

CATEGORIES = {
    "device-placement", "cuda-api", "amp", "backend-flags", "distributed", "dataloading",
    "third-party-cuda-lib", "custom-extension", "cuda-kernel", "cuda-runtime-cpp", "cuda-libs-cpp",
    "dynamic-shape-hazard", "torch-compile", "unsupported-op",
}
PYTHON_CATEGORIES = {
    "device-placement", "cuda-api", "amp", "backend-flags", "distributed", "dataloading",
    "third-party-cuda-lib", "custom-extension", "dynamic-shape-hazard", "torch-compile",
}


def test_top_level_shape(sample_report):
    report = sample_report
    assert report["schema"] == "tpu-migrate/report@1"
    assert report["tool"]["name"] == "tpu-migrate" and report["tool"]["version"]
    assert report["target"] == "tpu"
    assert report["root"] == str(SAMPLE)
    for key in ("summary", "findings", "ops", "errors"):
        assert key in report
    summary = report["summary"]
    assert 0 <= summary["readiness"] <= 100
    assert summary["files_scanned"] == summary["files"]["python"] + summary["files"]["cpp"]
    assert set(summary["findings"]) == {"blocker", "warning", "info"}
    assert set(summary["ops"]) == {"total", "lowered", "decomposed", "fallback", "unsupported", "unknown"}
    assert report["errors"] == []


def test_findings_fields_and_counts(sample_report):
    findings = sample_report["findings"]
    for finding in findings:
        for key in ("rule", "category", "severity", "path", "line", "column", "end_line",
                    "end_column", "symbol", "message"):
            assert key in finding, (key, finding)
        assert finding["category"] in CATEGORIES
        assert finding["severity"] in {"blocker", "warning", "info"}
        assert finding["rule"].startswith("TPU")
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert not finding["path"].startswith("/") and "\\" not in finding["path"]
        if "fix" in finding:
            assert finding["fix"]["applicability"] in {"safe", "unsafe", "manual"}
            assert finding["fix"]["description"]
    by_severity = Counter(f["severity"] for f in findings)
    assert sample_report["summary"]["findings"] == {
        "blocker": by_severity["blocker"], "warning": by_severity["warning"], "info": by_severity["info"]}
    assert sample_report["summary"]["autofixable"] == sum(
        1 for f in findings if f.get("fix", {}).get("applicability") in {"safe", "unsafe"})
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in findings]
    assert keys == sorted(keys)


def test_every_python_category_fires_on_the_sample(sample_report):
    assert PYTHON_CATEGORIES <= {f["category"] for f in sample_report["findings"]}


def test_known_ties_in_the_sample(sample_report):
    found = {(f["path"], f["line"], f["rule"]) for f in sample_report["findings"]}
    for expected in [
        ("train.py", 27, "TPU102"),               # --device default "cuda"
        ("train.py", 60, "TPU200"),               # NCCL
        ("train.py", 61, "TPU202"),               # LOCAL_RANK
        ("train.py", 170, "TPU201"),              # DDP device_ids
        ("train.py", 173, "TPU121"),              # GradScaler
        ("train.py", 176, "TPU120"),              # CUDA autocast
        ("train.py", 143, "TPU130"),              # cudnn.benchmark
        ("train.py", 144, "TPU131"),              # TF32
        ("train.py", 166, "TPU701"),              # max-autotune
        ("train.py", 215, "TPU604"),              # if on a tensor
        ("data.py", 84, "TPU800"),                # pin_memory
        ("kernels/triton_ops.py", 25, "TPU502"),  # @triton.jit
        ("kernels/triton_ops.py", 51, "TPU504"),  # kernel[grid](...)
        ("setup.py", 36, "TPU400"),               # CUDAExtension
        ("ops.py", 9, "TPU403"),                  # import of the compiled extension
        ("utils/profiling.py", 24, "TPU110"),     # torch.cuda.nvtx: a torch.cuda call (cuda-api)
    ]:
        assert expected in found, expected
    # Each tl.* call inside the Triton kernel is its own reference.
    assert sum(1 for f in sample_report["findings"] if f["rule"] == "TPU503") >= 6


def test_no_false_alarms_on_text_in_the_sample(sample_report):
    lines = {(f["path"], f["line"]) for f in sample_report["findings"]}
    assert not any(path == "utils/misc.py" for path, _ in lines)  # a user function named cuda
    for quiet in [("train.py", 66), ("train.py", 68), ("train.py", 133), ("train.py", 134),
                  ("utils/profiling.py", 12), ("utils/profiling.py", 13), ("utils/profiling.py", 20)]:
        assert quiet not in lines, quiet


def test_output_is_identical_whatever_the_job_count():
    one = run("scan", SAMPLE, "--format", "json", "--jobs", "1")
    many = run("scan", SAMPLE, "--format", "json", "--jobs", "8")
    assert one.returncode == many.returncode == 0
    assert one.stdout == many.stdout


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    process = run("scan", SAMPLE, "--format", "json", "--output", out)
    assert process.returncode == 0 and process.stdout == ""
    assert out.read_text().startswith("{")


def test_select_and_ignore_from_the_command_line():
    report, _ = scan_json(SAMPLE, "--select", "amp,TPU2")
    assert {f["category"] for f in report["findings"]} == {"amp", "distributed"}
    report, _ = scan_json(SAMPLE, "--ignore", "third-party-cuda-lib", "--ignore", "TPU403")
    assert "third-party-cuda-lib" not in {f["category"] for f in report["findings"]}
    assert "TPU403" not in {f["rule"] for f in report["findings"]}
