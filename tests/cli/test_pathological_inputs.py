# SPDX-License-Identifier: Apache-2.0
"""Files of odd shape cost time and memory linear in their size, and the last bad inputs
(paths past PATH_MAX, UTF-16, names that are not UTF-8, symlinks to files inside the root)
are each an entry in `errors` or scanned once, with the run going on (issue 18, items 5 and 6)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import BINARY, scan_json

# A 256 KiB line of calls took 59 s and 7.7 GB when each finding cost the whole line; linear,
# it takes well under 2 s. The bound is generous (slow CI machines) but far below quadratic.
LONG_LINE_SECONDS = 60
CALL = "x.cuda(); "


@pytest.fixture
def tree():
    root = Path(tempfile.mkdtemp(prefix="tpu-migrate-odd-"))
    (root / "good.py").write_text("x.cuda()\n")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def run_bounded(*args):
    """Runs the binary under LONG_LINE_SECONDS: a quadratic cost returning fails the test."""
    return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                          timeout=LONG_LINE_SECONDS)


def long_line_file(tree, size=256 * 1024):
    calls = size // len(CALL)
    (tree / "generated.py").write_text("import torch\n" + CALL * calls + "\n")
    return calls


def findings_in(report, path, rule="TPU101"):
    return [f for f in report["findings"] if f["path"] == path and f["rule"] == rule]


def test_long_line_of_calls_scans_in_linear_time(tree):
    calls = long_line_file(tree)
    process = run_bounded("scan", tree, "--format", "json")
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    found = findings_in(report, "generated.py")
    assert len(found) == calls
    # Columns stay exact far along the line (they are counted in blocks, not from the line start):
    # each finding is on `cuda`, two columns into its call.
    assert found[0]["column"] == 3
    assert [f["column"] for f in found[-3:]] == [3 + len(CALL) * k for k in range(calls - 3, calls)]
    assert all(f["line"] == 2 for f in found)
    assert all(len(f["fingerprint"]) == 16 for f in found)
    # Findings at different places of the line have different fingerprints (the text around them
    # differs near the line's start and end; identical stretches share one, as identical lines do).
    assert found[0]["fingerprint"] != found[len(found) // 2]["fingerprint"]


def test_long_line_baseline_text_is_bounded(tree):
    long_line_file(tree, size=64 * 1024)
    (tree / "normal.py").write_text("model = model.cuda()   # a line of ordinary length\n")
    baseline = tree / "baseline.json"
    process = run_bounded("scan", tree, "--write-baseline", baseline)
    assert process.returncode in (0, 1), process.stderr
    entries = json.loads(baseline.read_text())["findings"]
    long_texts = [e["text"] for e in entries if e["path"].endswith("generated.py")]
    assert long_texts and max(len(text.encode()) for text in long_texts) < 400
    assert all(CALL.strip() in text for text in long_texts)
    # An ordinary line is kept whole (whitespace collapsed): its fingerprint did not change.
    normal = [e["text"] for e in entries if e["path"].endswith("normal.py")]
    assert normal == ["model = model.cuda() # a line of ordinary length"]


def test_long_line_html_excerpt_shows_the_finding(tree):
    calls = long_line_file(tree, size=16 * 1024)
    out = tree / "report.html"
    process = run_bounded("scan", tree, "--format", "html", "-o", out)
    assert process.returncode in (0, 1), process.stderr
    hits = re.findall(r'class="hit">(.*?)</span>', out.read_text())
    hits = [hit for hit in hits if CALL * 2 in hit]  # the long line's (not good.py's)
    assert len(hits) == calls
    # Each excerpt line is cut to a window of about 300 bytes, not the whole 16 KiB line, and a
    # finding far along the line is shown with its surroundings, not the line's start.
    assert max(len(hit.encode()) for hit in hits) < 310
    starts = [(hit.startswith("…"), hit.endswith("…")) for hit in hits]
    assert starts[0] == (False, True)      # the line's start
    assert starts[calls // 2] == (True, True)  # a window in the middle
    assert starts[-1] == (True, False)     # the line's end


def error_for(report, path):
    errors = [e for e in report["errors"] if e["path"] == path]
    assert len(errors) == 1, report["errors"]
    return errors[0]


def assert_run_went_on(report, process):
    assert process.returncode == 0, process.stderr
    assert findings_in(report, "good.py"), report["findings"]


def test_path_longer_than_path_max(tree):
    # Built with directory descriptors: the system refuses the whole path in one call.
    name = "d" * 200
    depth = 4400 // (len(name) + 1)
    fd = os.open(tree, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as out:
            out.write("x.cuda()\n")
    finally:
        os.close(fd)
    report, process = scan_json(tree)
    assert_run_went_on(report, process)
    errors = [e for e in report["errors"] if "PATH_MAX" in e["message"]]
    assert len(errors) == 1, report["errors"]
    assert errors[0]["path"].startswith(name + "/") and len(str(tree) + errors[0]["path"]) >= 4096


@pytest.mark.parametrize("encoding, bom, name", [("utf-16-le", b"\xff\xfe", "UTF-16LE"),
                                                 ("utf-16-be", b"\xfe\xff", "UTF-16BE"),
                                                 ("utf-16-le", b"", "UTF-16LE")])
def test_utf16_file(tree, encoding, bom, name):
    (tree / "wide.py").write_bytes(bom + "import torch\nx = x.cuda()\n".encode(encoding))
    report, process = scan_json(tree)
    assert_run_went_on(report, process)
    assert error_for(report, "wide.py")["message"].startswith(name + " text; not analysed")


def test_binary_file_is_still_called_binary(tree):
    (tree / "blob.py").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00")
    report, process = scan_json(tree)
    assert_run_went_on(report, process)
    assert "binary" in error_for(report, "blob.py")["message"]


def test_file_name_that_is_not_utf8(tree):
    raw = b"caf\xe9.py"
    with open(os.path.join(os.fsencode(tree), raw), "w") as out:
        out.write("x = x.cuda()\n")
    report, process = scan_json(tree)
    assert_run_went_on(report, process)
    reported = "caf\\xe9.py"  # the byte, recoverable, not a replacement character
    assert findings_in(report, reported), report["findings"]
    assert "not UTF-8" in error_for(report, reported)["message"]
    assert "\ufffd" not in json.dumps(report)


def test_symlink_to_a_file_inside_the_root_is_scanned_once(tree):
    (tree / "pkg").mkdir()
    (tree / "pkg" / "real.py").write_text("x = x.cuda()\n")
    os.symlink(tree / "pkg" / "real.py", tree / "alias.py")         # sorts before the real file
    os.symlink(tree / "good.py", tree / "pkg" / "zz_link.py")       # sorts after it
    report, process = scan_json(tree)
    assert_run_went_on(report, process)
    paths = sorted({f["path"] for f in report["findings"]})
    assert paths == ["good.py", "pkg/real.py"]
    assert report["summary"]["files"]["python"] == 2
