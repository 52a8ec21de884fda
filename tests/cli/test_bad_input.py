# SPDX-License-Identifier: Apache-2.0
"""Every bad input is an entry in `errors` and one stderr line; the scan goes on."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import run, scan_json


@pytest.fixture
def tree():
    # World-readable, so the unreadable-file case can run as an unprivileged user.
    root = Path(tempfile.mkdtemp(prefix="tpu-migrate-bad-"))
    root.chmod(0o755)
    (root / "good.py").write_text("x.cuda()\n")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def check_error(tree, path, words, *, user=None, exit_code=0):
    report, process = scan_json(tree, user=user)
    assert process.returncode == exit_code, process.stderr
    errors = [e for e in report["errors"] if e["path"] == path]
    assert len(errors) == 1 and words in errors[0]["message"], report["errors"]
    assert sum(1 for line in process.stderr.splitlines() if path in line) == 1, process.stderr
    assert ("good.py", "TPU101") in {(f["path"], f["rule"]) for f in report["findings"]}
    return report, errors[0]


def test_unreadable_file(tree):
    secret = tree / "secret.py"
    secret.write_text("x.cuda()\n")
    secret.chmod(0)
    user = None
    if os.geteuid() == 0:  # root reads anything: scan as an unprivileged user instead
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is needed to drop root privileges")
        user = 65534
    check_error(tree, "secret.py", "cannot read", user=user)


def test_binary_file(tree):
    (tree / "blob.py").write_bytes(b"\x7fELF\x00\x00binary")
    check_error(tree, "blob.py", "binary")


def test_invalid_utf8(tree):
    (tree / "latin.py").write_bytes(b"x = 1\ns = 'caf\xe9'\n")
    _, error = check_error(tree, "latin.py", "invalid UTF-8")
    assert error["line"] == 2


def test_syntax_error_keeps_the_rest_of_the_file(tree):
    (tree / "broken.py").write_text("def f(:\n    pass\n\nmodel.cuda()\n")
    report, error = check_error(tree, "broken.py", "syntax error")
    assert error["line"] == 1
    assert ("broken.py", 4, "TPU101") in {(f["path"], f["line"], f["rule"]) for f in report["findings"]}


def test_twenty_megabyte_file(tree):
    with open(tree / "huge.py", "w") as out:
        line = "x = 1  # padding padding padding padding padding padding\n"
        out.write(line * (20 * 1024 * 1024 // len(line) + 1))
    check_error(tree, "huge.py", "MiB limit")


def test_deep_nesting(tree):
    depth = 5000
    (tree / "deep.py").write_text("x = " + "[" * depth + "]" * depth + "\nmodel.cuda()\n")
    report, _ = check_error(tree, "deep.py", "nesting")
    assert ("deep.py", 2, "TPU101") in {(f["path"], f["line"], f["rule"]) for f in report["findings"]}


def test_symlink_loop(tree):
    os.symlink(tree / "loop_b.py", tree / "loop_a.py")
    os.symlink(tree / "loop_a.py", tree / "loop_b.py")
    report, process = scan_json(tree)
    assert process.returncode == 0
    assert {e["path"] for e in report["errors"]} == {"loop_a.py", "loop_b.py"}
    assert all("symlink loop" in e["message"] for e in report["errors"])


def test_directory_symlink_loop(tree):
    (tree / "pkg").mkdir()
    os.symlink(tree, tree / "pkg" / "back")
    check_error(tree, "pkg/back", "symlink loop")


def test_path_that_does_not_exist(tree):
    report, process = scan_json(tree / "nope")
    assert process.returncode == 2
    assert report["errors"] == [{"path": str(tree / "nope"), "message": "no such file or directory"}]
    assert len(process.stderr.strip().splitlines()) == 1


def test_unterminated_cuda_constructs_keep_the_rest_of_the_file(tree):
    (tree / "kernel.cu").write_text(
        "#include <cuda_runtime.h>\n"
        "void f(float** p) {\n"
        "  cudaMalloc(p, 4);\n"
        "  const char* s = \"open;\n"
        "}\n"
        "#ifdef WITH_EXTRA\n"
        "int extra;\n"
    )
    report, process = scan_json(tree)
    assert process.returncode == 0, process.stderr
    errors = {(e["path"], e.get("line"), e["message"]) for e in report["errors"]}
    assert errors == {
        ("kernel.cu", 4, "unterminated string literal"),
        ("kernel.cu", 6, "#ifdef with no matching #endif"),
    }, report["errors"]
    assert sum(1 for line in process.stderr.splitlines() if "kernel.cu:4" in line) == 1, process.stderr
    assert any(f["path"] == "kernel.cu" and f["line"] == 3 for f in report["findings"]), report["findings"]
    assert ("good.py", "TPU101") in {(f["path"], f["rule"]) for f in report["findings"]}
