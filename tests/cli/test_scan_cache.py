# SPDX-License-Identifier: Apache-2.0
"""The result cache end to end: a scan or rewrite from the cache prints byte for byte what one
without it prints (JSON, SARIF, Markdown), also when a file that another file's findings depend
on changes; a corrupt cache is rebuilt silently; --no-cache writes nothing."""
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, run

# The harness points every other test at one cache folder (TPU_MIGRATE_CACHE_DIR); these tests
# use the default place, in the scanned folder.
DEFAULT_PLACE = {"TPU_MIGRATE_CACHE_DIR": "", "TPU_MIGRATE_NO_CACHE": ""}
FORMATS = ("json", "sarif", "markdown")


def reports(root, *extra):
    """{format: stdout} of a scan of `root`; the scan must succeed and print nothing on stderr
    but its input errors."""
    out = {}
    for fmt in FORMATS:
        process = run("scan", root, "--format", fmt, *extra, env=DEFAULT_PLACE)
        assert process.returncode == 0, process.stderr
        assert "warning" not in process.stderr, process.stderr
        out[fmt] = process.stdout
    return out


def entries(cache):
    return sorted(p for p in cache.rglob("*") if p.is_file() and p.name != ".gitignore")


def write_helper_tree(root):
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("from .amp_utils import autocast_ctx\n")
    (root / "pkg" / "amp_utils.py").write_text(
        "import torch\n\ndef autocast_ctx():\n    return torch.autocast('cuda', dtype=torch.float16)\n\n"
        "def sync_all():\n    torch.cuda.synchronize()\n")
    (root / "train.py").write_text(
        "from pkg import autocast_ctx\nfrom pkg.amp_utils import sync_all\n\n"
        "def step(model, x):\n    with autocast_ctx():\n        y = model(x)\n    sync_all()\n    return y\n")


@pytest.fixture
def sample(tmp_path):
    target = tmp_path / "gpt_trainer"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", ".tpu-migrate-cache"))
    return target


def test_sample_reports_are_identical_with_and_without_the_cache(sample):
    uncached = reports(sample, "--no-cache")
    assert not (sample / ".tpu-migrate-cache").exists()  # --no-cache writes nothing
    first = reports(sample)  # fills the cache
    cache = sample / ".tpu-migrate-cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert entries(cache)
    assert reports(sample) == first == uncached  # from the cache


def test_cross_file_helper_follows_the_file_it_depends_on(tmp_path):
    write_helper_tree(tmp_path)
    before = reports(tmp_path)
    assert "train.py" in before["json"] and '"TPU150"' in before["json"]
    assert reports(tmp_path) == before == reports(tmp_path, "--no-cache")
    # train.py is unchanged, but what it calls is no tie any more.
    helpers = tmp_path / "pkg" / "amp_utils.py"
    helpers.write_text(helpers.read_text().replace("torch.cuda.synchronize()", "pass"))
    after = reports(tmp_path)
    assert '"TPU150"' in before["json"] and after != before
    assert after == reports(tmp_path, "--no-cache")
    assert before["json"].count('"TPU150"') == after["json"].count('"TPU150"') + 1


def test_corrupt_and_truncated_entries_are_rebuilt_silently(tmp_path):
    write_helper_tree(tmp_path)
    expected = reports(tmp_path)
    cache = tmp_path / ".tpu-migrate-cache"
    stored = {p: p.read_bytes() for p in entries(cache)}
    for i, path in enumerate(stored):
        path.write_bytes(b"garbage" if i % 2 else stored[path][: len(stored[path]) // 2])
    assert reports(tmp_path) == expected
    assert {p: p.read_bytes() for p in entries(cache)} == stored


def test_cache_dir_option_and_the_cache_folder_is_no_source(tmp_path):
    root = tmp_path / "repo"
    write_helper_tree(root)
    elsewhere = tmp_path / "elsewhere"
    expected = reports(root, "--no-cache")
    assert reports(root, "--cache-dir", elsewhere) == expected
    assert entries(elsewhere) and not (root / ".tpu-migrate-cache").exists()
    # Python files in the cache folder are never read as the repository's.
    (root / ".tpu-migrate-cache").mkdir()
    (root / ".tpu-migrate-cache" / "stray.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    assert reports(root) == expected
    assert reports(root, "--no-ignore") == reports(root, "--no-ignore", "--no-cache")
    assert "stray.py" not in reports(root, "--no-ignore")["json"]


def test_a_cache_that_cannot_be_written_is_one_warning(tmp_path):
    write_helper_tree(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    expected = run("scan", tmp_path, "--format", "json", "--no-cache", env=DEFAULT_PLACE)
    process = run("scan", tmp_path, "--format", "json", "--cache-dir", blocked / "cache", env=DEFAULT_PLACE)
    assert process.returncode == 0 and process.stdout == expected.stdout
    warnings = [line for line in process.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cannot write the cache" in warnings[0], process.stderr


def test_rewrite_uses_the_cache(sample):
    uncached = run("rewrite", sample, "--no-cache", env=DEFAULT_PLACE)
    assert not (sample / ".tpu-migrate-cache").exists()
    first = run("rewrite", sample, env=DEFAULT_PLACE)
    assert any(p.parent.name.startswith("rewrite-") for p in entries(sample / ".tpu-migrate-cache"))
    second = run("rewrite", sample, env=DEFAULT_PLACE)
    assert uncached.stdout  # the sample has fixes
    for process in (first, second):
        assert (process.returncode, process.stdout, process.stderr) == (
            uncached.returncode, uncached.stdout, uncached.stderr)
    # --apply from a cached plan writes what an uncached one would.
    applied = sample.parent / "applied"
    shutil.copytree(sample, applied)
    assert run("rewrite", sample, "--apply", "--allow-dirty", env=DEFAULT_PLACE).returncode == 0
    assert run("rewrite", applied, "--apply", "--allow-dirty", "--no-cache", env=DEFAULT_PLACE).returncode == 0
    for path in applied.rglob("*.py"):
        assert path.read_bytes() == (sample / path.relative_to(applied)).read_bytes(), path
