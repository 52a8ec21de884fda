# SPDX-License-Identifier: Apache-2.0
"""The Debian packages (issue 18, item 2): `cpack -G DEB` in the build folder, extracted with
`dpkg -x` into a scratch root, and the installed tool run from there: scan, rewrite, trace,
explain, and check's engine found relative to the installed binary. The packages' Depends
and Recommends are the ones docs/ci.md promises."""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import BINARY, SAMPLE

BUILD_DIR = BINARY.parent


def tool(*names):
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian's dpkg-dev and cmake)")


@pytest.fixture(scope="module")
def packages():
    """Builds the packages once into a scratch folder; yields {package name: .deb path}."""
    tool("cpack", "dpkg-deb", "dpkg-shlibdeps")
    if not (BUILD_DIR / "CPackConfig.cmake").is_file():
        pytest.skip(f"{BUILD_DIR} has no CPackConfig.cmake (configure the build first)")
    out = Path(tempfile.mkdtemp(prefix="tpu-migrate-deb-"))
    try:
        process = subprocess.run(["cpack", "-G", "DEB", "-B", str(out), "--config",
                                  str(BUILD_DIR / "CPackConfig.cmake")],
                                 cwd=BUILD_DIR, capture_output=True, text=True, timeout=600)
        assert process.returncode == 0, process.stdout + process.stderr
        debs = {}
        for deb in out.glob("*.deb"):
            name = subprocess.run(["dpkg-deb", "-f", str(deb), "Package"], capture_output=True,
                                  text=True, check=True).stdout.strip()
            debs[name] = deb
        assert "tpu-migrate" in debs, sorted(out.iterdir())
        yield debs
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(packages):
    """A scratch root holding every package, extracted as dpkg would install them."""
    root = Path(tempfile.mkdtemp(prefix="tpu-migrate-root-"))
    for deb in packages.values():
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True).stdout.strip()


def run_installed(root, *args, cwd=None):
    # A clean environment: nothing points back at the build folder.
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "TPU_MIGRATE_DATA_DIR": str(root / "no-user-tables")}
    return subprocess.run([str(root / "usr" / "bin" / "tpu-migrate"), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_dependencies(packages):
    depends = field(packages["tpu-migrate"], "Depends")
    for library in ("libclang1-19", "libtree-sitter0", "libxxhash0"):
        assert library in depends, depends
    assert "libtorch" not in depends and "python3-torch" not in depends, depends
    recommends = field(packages["tpu-migrate"], "Recommends")
    assert "python3-torch" in recommends, recommends
    if "tpu-migrate-torch" in packages:
        assert "tpu-migrate-torch" in recommends, recommends
        assert "libtorch" in field(packages["tpu-migrate-torch"], "Depends")


def test_layout(packages, installed):
    files = {str(path.relative_to(installed)) for path in installed.rglob("*") if path.is_file()}
    assert "usr/bin/tpu-migrate" in files, files
    if "tpu-migrate-torch" in packages:
        assert "usr/lib/tpu-migrate/libtpu_checker_torch.so" in files, files
        assert "usr/bin/tpu-migrate-torchscript" in files, files
    # Nothing from the build tree: no test binaries, no benchmarks.
    assert not any("test" in Path(f).name or "bench" in Path(f).name for f in files), files


def test_scan_and_explain(installed):
    process = run_installed(installed, "scan", SAMPLE, "--format", "json")
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    assert report["findings"], report
    built = subprocess.run([str(BINARY), "scan", str(SAMPLE), "--format", "json"], capture_output=True, text=True)
    assert len(report["findings"]) == len(json.loads(built.stdout)["findings"])
    explain = run_installed(installed, "explain", "TPU101")
    assert explain.returncode == 0 and "TPU101" in explain.stdout, explain.stderr


def test_rewrite(installed, tmp_path):
    (tmp_path / "train.py").write_text("import torch\nmodel = torch.nn.Linear(2, 2).cuda()\n")
    process = run_installed(installed, "rewrite", tmp_path)
    assert process.returncode == 0, process.stderr
    assert "+++" in process.stdout and ".cuda()" in process.stdout


PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch (the installed tool runs on PATH=/usr/bin:/bin)


def needs_python_torch():
    if not Path(PYTHON).exists() or subprocess.run([PYTHON, "-c", "import torch"],
                                                   capture_output=True).returncode != 0:
        pytest.skip("needs Debian's python3-torch (trace runs a real torch program)")


@pytest.fixture(scope="module")
def trace_dir(installed):
    needs_python_torch()
    work = Path(tempfile.mkdtemp(prefix="tpu-migrate-pkg-trace-"))
    (work / "prog.py").write_text("import torch\nx = torch.ones(3, 4)\nprint((x @ x.T).relu().sum().item())\n")
    process = run_installed(installed, "trace", "--out", work / "trace", "--", PYTHON, "prog.py", cwd=work)
    assert process.returncode == 0, process.stderr
    yield work / "trace"
    shutil.rmtree(work, ignore_errors=True)


def test_trace(trace_dir):
    assert any(trace_dir.iterdir())


def test_check_loads_the_engine_installed_beside_the_binary(packages, installed, trace_dir):
    if "tpu-migrate-torch" not in packages:
        pytest.skip("this build has no libtorch engine (libtorch-dev not installed)")
    process = run_installed(installed, "check", trace_dir, "--device", "cpu", "--format", "json")
    assert process.returncode in (0, 1), process.stderr
    assert json.loads(process.stdout)["ops"], process.stdout


def test_check_without_the_engine_package_says_where_it_looked(installed, trace_dir, tmp_path):
    bare = tmp_path / "root"
    shutil.copytree(installed, bare, symlinks=True)
    shutil.rmtree(bare / "usr" / "lib" / "tpu-migrate", ignore_errors=True)
    process = run_installed(bare, "check", trace_dir, "--device", "cpu")
    assert process.returncode == 2
    assert str(bare / "usr" / "lib" / "tpu-migrate" / "libtpu_checker_torch.so") in process.stderr, process.stderr
    assert "tpu-migrate-torch package" in process.stderr, process.stderr


def test_trace_torchscript_without_the_torch_package_names_it(installed, tmp_path):
    bare = tmp_path / "root"
    shutil.copytree(installed, bare, symlinks=True)
    (bare / "usr" / "bin" / "tpu-migrate-torchscript").unlink(missing_ok=True)
    model = tmp_path / "model.pt"
    model.write_bytes(b"not read: the tracer is missing")
    process = run_installed(bare, "trace", "--torchscript", model, "--input", "float32[1,2]",
                            "--out", tmp_path / "out")
    assert process.returncode == 2, process.stdout + process.stderr
    assert "tpu-migrate-torch package" in process.stderr, process.stderr
