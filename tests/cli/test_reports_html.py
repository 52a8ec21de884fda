# SPDX-License-Identifier: Apache-2.0
"""The HTML report in a real browser (Debian's headless chromium): it renders its charts and
table, its script runs without errors, sorting and filtering work, nothing is fetched, and a
screenshot is taken (kept under the build folder as tests-artifacts/report.png)."""
import html
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from conftest import BINARY, SAMPLE, run

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package: chromium)")

# Records every script error into the DOM, before the page's own script runs.
ERROR_RECORDER = """<script>
window.__errors = [];
function __record(message) {
  window.__errors.push(String(message));
  document.documentElement.setAttribute('data-js-errors', JSON.stringify(window.__errors));
}
window.addEventListener('error', function (event) { __record(event.message); });
window.addEventListener('unhandledrejection', function (event) { __record(event.reason); });
</script>"""

# Drives the page as a user would and writes what it saw into the DOM.
PROBE = """<script>
(function () {
  var out = {};
  function visible() {
    return Array.prototype.filter.call(document.querySelectorAll('#findings tbody tr'),
                                       function (row) { return !row.hidden; });
  }
  try {
    out.ready = document.body.dataset.ready === 'true';
    out.rows = document.querySelectorAll('#findings tbody tr').length;
    out.svgs = document.querySelectorAll('svg').length;
    out.gauge_arc = document.querySelectorAll('svg.gauge path.gauge-value').length;
    out.bars = document.querySelectorAll('svg.bars g.bar').length;
    out.bar_rects = document.querySelectorAll('svg.bars rect').length;
    out.donut_segments = document.querySelectorAll('svg.donut circle').length - 1;
    out.excerpts = document.querySelectorAll('pre.excerpt').length;
    var text = document.getElementById('filter-text');
    text.value = 'tpu200';
    text.dispatchEvent(new Event('input'));
    out.filtered_text = visible().map(function (row) { return row.cells[1].dataset.sort; });
    out.shown_text = document.getElementById('shown').textContent;
    text.value = '';
    text.dispatchEvent(new Event('input'));
    var severity = document.getElementById('filter-severity');
    severity.value = 'blocker';
    severity.dispatchEvent(new Event('input'));
    out.filtered_blockers = visible().map(function (row) { return row.dataset.severity; });
    severity.value = '';
    severity.dispatchEvent(new Event('input'));
    var header = document.querySelector('#findings thead th');  // Severity
    header.querySelector('button').click();
    out.sorted_first = visible().slice(0, 3).map(function (row) { return row.dataset.severity; });
    out.sorted_last = visible().slice(-1)[0].dataset.severity;
    out.sort_state = header.getAttribute('aria-sort');
    header.querySelector('button').click();
    out.sorted_first_again = visible()[0].dataset.severity;
    var bar = document.querySelector('svg.bars g.bar');
    bar.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    out.clicked_category = bar.dataset.key;
    out.filtered_category = visible().map(function (row) { return row.dataset.category; });
  } catch (error) {
    out.error = String(error);
  }
  document.documentElement.setAttribute('data-probe', JSON.stringify(out));
})();
</script>"""


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_problems(stderr):
    # Script errors are "Uncaught ..."; a blocked fetch is a CSP "Refused to ..." message.
    return [line for line in stderr.splitlines() if "Uncaught" in line or "Refused to" in line]


def png_size_and_colours(path):
    """Width, height and a rough count of distinct byte values in the pixel data (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pixels, at = b"", 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            pixels += data[at + 8:at + 8 + length]
        at += 12 + length
    return width, height, len(set(zlib.decompress(pixels)))


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    page = folder / "report.html"
    process = run("scan", SAMPLE, "--format", "html", "-o", page)
    assert process.returncode == 0, process.stderr
    return page


def test_page_renders_and_its_script_works(html_report, tmp_path):
    report = json.loads(run("scan", SAMPLE, "--format", "json").stdout)
    text = html_report.read_text()
    probed = tmp_path / "probed.html"
    probed.write_text(text.replace("<head>", "<head>" + ERROR_RECORDER, 1)
                      .replace("</body>", PROBE + "</body>", 1))
    process = chromium("--dump-dom", probed.as_uri())
    assert process.returncode == 0, process.stderr[-2000:]
    dom = process.stdout
    errors = re.search(r'<html[^>]*\sdata-js-errors="([^"]*)"', dom)
    assert errors is None, html.unescape(errors.group(1))
    assert not console_problems(process.stderr), console_problems(process.stderr)
    found = re.search(r'<html[^>]*\sdata-probe="([^"]*)"', dom)
    assert found, "the probe script did not run"
    probe = json.loads(html.unescape(found.group(1)))
    assert "error" not in probe, probe["error"]

    findings = report["findings"]
    assert probe["ready"] is True
    assert probe["rows"] == probe["excerpts"] == len(findings)
    assert probe["svgs"] == 3 and probe["gauge_arc"] == 1
    assert probe["bars"] == len(report["summary"]["categories"])
    assert probe["bar_rects"] >= probe["bars"]
    assert probe["donut_segments"] == sum(1 for k, v in report["summary"]["ops"].items() if k != "total" and v)
    searchable = ("rule", "name", "category", "path", "symbol", "message")
    expected = [f["rule"] for f in findings if "tpu200" in " ".join(str(f.get(k, "")) for k in searchable).lower()]
    assert probe["filtered_text"] == expected and expected
    assert probe["shown_text"] == str(len(expected))
    blockers = report["summary"]["findings"]["blocker"]
    assert probe["filtered_blockers"] == ["blocker"] * blockers
    assert probe["sorted_first"] == ["blocker"] * 3 and probe["sorted_last"] == "info"
    assert probe["sort_state"] == "descending"
    assert probe["sorted_first_again"] == "info"
    assert set(probe["filtered_category"]) == {probe["clicked_category"]}
    assert len(probe["filtered_category"]) == report["summary"]["categories"][probe["clicked_category"]]


def test_screenshot_shows_the_page(html_report):
    artifacts = Path(BINARY).parent / "tests-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "report.png"
    if shot.exists():
        shot.unlink()
    process = chromium(f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars", html_report.as_uri())
    assert process.returncode == 0, process.stderr[-2000:]
    assert not console_problems(process.stderr), console_problems(process.stderr)
    width, height, colours = png_size_and_colours(shot)
    assert (width, height) == (1280, 2000)
    assert colours > 50  # a blank or single-colour page has a handful


def test_page_is_self_contained(html_report):
    text = html_report.read_text()
    assert not re.search(r'\s(src|href)\s*=', text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")


NUMERICS_PROBE = """<script>
document.documentElement.setAttribute('data-numerics', JSON.stringify(
  Array.prototype.map.call(document.querySelectorAll('#numerics tbody tr'), function (row) {
    return [row.cells[0].textContent, row.cells[1].textContent, row.cells[3].textContent];
  })));
</script>"""


def test_numerics_section_from_a_real_check(tmp_path):
    pytest.importorskip("torch")
    trace = tmp_path / "trace"
    traced = run("trace", "--cuda-as-cpu", "--out", trace, "--", "/usr/bin/python3", "train.py", "--steps", "1",
                 cwd=SAMPLE)
    assert traced.returncode == 0, traced.stderr[-2000:]
    results = tmp_path / "check.json"
    checked = run("check", trace, "--emulate", "tpu", "--format", "json", "-o", results)
    assert checked.returncode in (0, 1), checked.stderr
    check = json.loads(results.read_text())
    flagged = [op for op in check["ops"] if op["status"] not in ("pass", "skipped")]
    assert flagged, "TPU emulation flags the bfloat16 matmuls of the sample"

    page = tmp_path / "page.html"
    process = run("scan", SAMPLE, "--format", "html", "-o", page, "--check-results", results)
    assert process.returncode == 0, process.stderr
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text().replace("<head>", "<head>" + ERROR_RECORDER, 1)
                      .replace("</body>", NUMERICS_PROBE + "</body>", 1))
    browser = chromium("--dump-dom", probed.as_uri())
    assert browser.returncode == 0, browser.stderr[-2000:]
    assert not console_problems(browser.stderr), console_problems(browser.stderr)
    rows = json.loads(html.unescape(re.search(r'\sdata-numerics="([^"]*)"', browser.stdout).group(1)))
    # One row per op that did not pass, worst first as check wrote them, with the lines that ran it.
    assert [(name, status) for name, status, _ in rows] == [(op["name"], op["status"]) for op in flagged]
    for (_, _, where), op in zip(rows, flagged):
        first = op["locations"][0]
        assert f'{first["path"]}:{first["line"]}' in where

    # `report` renders the same section from a saved scan; other formats are unchanged by it.
    saved = tmp_path / "report.json"
    run("scan", SAMPLE, "--format", "json", "-o", saved)
    again = run("report", saved, "--format", "html", "--check-results", results)
    assert again.returncode == 0 and 'id="numerics"' in again.stdout
    plain = run("report", saved, "--format", "json", "--check-results", results)
    assert plain.stdout == saved.read_text()


def test_check_results_that_are_not_a_check(tmp_path):
    saved = tmp_path / "report.json"
    run("scan", SAMPLE, "--format", "json", "-o", saved)
    process = run("scan", SAMPLE, "--format", "html", "--check-results", saved)
    assert process.returncode == 2
    assert str(saved) in process.stderr and "tpu-migrate/check@1" in process.stderr
    missing = run("report", saved, "--format", "html", "--check-results", tmp_path / "none.json")
    assert missing.returncode == 2 and "none.json" in missing.stderr
