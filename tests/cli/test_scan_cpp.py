# SPDX-License-Identifier: Apache-2.0
"""The C++/CUDA front end through `scan`: findings in the report, the custom-op inventory in the
JSON, the --cpp-fast/--cpp-deep/-p options, and bad C++ input."""
import json
import textwrap

from conftest import SAMPLE, run, scan_json

CPP_SUFFIXES = {".cpp", ".cc", ".cu", ".cuh", ".h", ".hpp"}


def test_sample_counts_python_and_cpp_files(sample_report):
    on_disk = [p for p in SAMPLE.rglob("*") if p.is_file()]
    python = sum(p.suffix == ".py" for p in on_disk)
    cpp = sum(p.suffix in CPP_SUFFIXES for p in on_disk)
    summary = sample_report["summary"]
    assert summary["files"] == {"python": python, "cpp": cpp}
    assert summary["files_scanned"] == python + cpp


def test_sample_cpp_findings_and_inventory(sample_report):
    cpp_findings = [f for f in sample_report["findings"] if f["path"].startswith("csrc/")]
    assert {f["category"] for f in cpp_findings} >= {"cuda-kernel", "cuda-runtime-cpp", "cuda-libs-cpp"}
    kernel_source = (SAMPLE / "csrc" / "fused_ops.cu").read_text().splitlines()
    for finding in cpp_findings:
        if finding["path"] == "csrc/fused_ops.cu" and finding["category"] == "cuda-kernel":
            assert finding["line"] <= len(kernel_source)
    inventory = sample_report["inventory"]
    assert inventory["mode"] == "fast"  # no compile_commands.json in the sample
    ops = {op["name"]: op for op in inventory["ops"]}
    # Every m.def of the extension is an op of the inventory, called from ops.py.
    bound = {line.split('"')[1] for line in (SAMPLE / "csrc" / "fused_ops.cpp").read_text().splitlines()
             if 'm.def("' in line}
    assert bound and set(ops) == bound
    for op in ops.values():
        assert op["verdict"] in {"cuda-only", "accelerator-only", "cpu-fallback", "composite", "xla", "unknown"}
        assert any(call["path"] == "ops.py" for call in op["python_calls"])
    # fused_ops_cpu.cpp implements rms_norm for the CPU: not a CUDA-only op.
    assert ops["rms_norm"]["verdict"] == "cpu-fallback"
    assert {k["name"] for k in inventory["kernels"]} >= {"rms_norm_kernel"}


def test_python_only_scan_has_no_inventory(tmp_path):
    (tmp_path / "a.py").write_text("import torch\nx = torch.zeros(2).cuda()\n")
    report, _ = scan_json(tmp_path)
    assert "inventory" not in report


def test_deep_and_fast_modes_and_compile_commands(tmp_path):
    source = tmp_path / "k.cu"
    source.write_text(textwrap.dedent("""\
        #include <cuda_runtime.h>
        __global__ void scale(float* x, float a) { x[threadIdx.x] *= a; }
        void launch(float* x, cudaStream_t s) {
          scale<<<1, 32, 0, s>>>(x, 2.0f);
          cudaStreamSynchronize(s);
        }
        """))
    fast, process = scan_json(tmp_path, "--cpp-fast")
    assert process.returncode == 0, process.stderr
    assert fast["inventory"]["mode"] == "fast"
    rules = {f["rule"] for f in fast["findings"]}
    assert rules, fast
    deep, process = scan_json(tmp_path, "--cpp-deep")
    assert deep["inventory"]["mode"] == "deep", process.stderr
    # The same kernel, launch and runtime call are found whichever way the file was parsed.
    assert {f["rule"] for f in deep["findings"]} == rules
    # A compile database in -p DIR switches the default to deep.
    build = tmp_path / "out"
    build.mkdir()
    (build / "compile_commands.json").write_text(json.dumps([{
        "directory": str(tmp_path), "file": str(source),
        "arguments": ["clang++", "-x", "cuda", "--cuda-host-only", "-nocudainc", "-c", str(source)]}]))
    auto, process = scan_json(tmp_path, "-p", build)
    assert auto["inventory"]["mode"] == "deep", process.stderr
    both = run("scan", tmp_path, "--cpp-fast", "--cpp-deep")
    assert both.returncode == 2 and "excludes" in both.stderr
    missing = run("scan", tmp_path, "-p", tmp_path / "nowhere")
    assert missing.returncode == 2 and "nowhere" in missing.stderr


def test_broken_cpp_is_reported_and_the_scan_goes_on(tmp_path):
    (tmp_path / "bad.cu").write_bytes(b"__global__ void k(float* x) { x[0] = \xff\xfe; }\n")
    (tmp_path / "ok.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    report, process = scan_json(tmp_path)
    assert process.returncode == 0
    assert any(e["path"] == "bad.cu" and e.get("line") == 1 for e in report["errors"]), report["errors"]
    assert "bad.cu:1:" in process.stderr
    assert any(f["path"] == "ok.py" for f in report["findings"])


def test_html_report_lists_the_inventory_fresh_and_re_rendered(sample_report, tmp_path):
    import re

    def inventory_rows(page):
        section = re.search(r'<section class="panel" id="inventory".*?</section>', page, re.S)
        assert section, "no inventory panel"
        return re.findall(r"<tr><td><code>([^<]+)</code>.*?<span class=\"badge [a-z]+\">([a-z-]+)</span>",
                          section.group(0), re.S)

    expected = [(f'{op["module"]}.{op["name"]}', op["verdict"]) for op in sample_report["inventory"]["ops"]]
    fresh = run("scan", SAMPLE, "--format", "html")
    assert fresh.returncode == 0, fresh.stderr
    assert inventory_rows(fresh.stdout) == expected
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(sample_report))
    again = run("report", saved, "--format", "html")
    assert again.returncode == 0, again.stderr
    assert inventory_rows(again.stdout) == expected
    # A Python-only scan has no panel.
    (tmp_path / "only.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    assert 'id="inventory"' not in run("scan", tmp_path / "only.py", "--format", "html").stdout


def test_inventory_of_several_paths_is_relative_to_the_working_directory():
    # Two roots: every path in the report, the inventory's included, names a file from the cwd.
    report, process = scan_json("csrc", "ops.py", cwd=SAMPLE)
    assert process.returncode == 0, process.stderr
    inventory = report["inventory"]
    places = [op["path"] for op in inventory["ops"]] + [m["path"] for m in inventory["modules"]]
    places += [k["path"] for k in inventory["kernels"]]
    assert places and all(path.startswith("csrc/") and (SAMPLE / path).is_file() for path in places)
    assert report["summary"]["files"] == {"python": 1, "cpp": len(list((SAMPLE / "csrc").iterdir()))}
    assert all((SAMPLE / f["path"]).is_file() for f in report["findings"])
