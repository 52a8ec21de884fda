# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures for the end-to-end tests: the real tpu-migrate binary, run as a user would."""
import json
import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("TPU_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("TPU_MIGRATE", SOURCE_DIR / "build" / "tpu-migrate"))
SAMPLE = SOURCE_DIR / "samples" / "gpt_trainer"
# The op database also loads the user's synced tables (`opdb sync`); the tests answer from the
# built-in ones, whatever the machine's user has synced (ctest sets this too). A test that
# syncs passes its own folder.
os.environ.setdefault("TPU_MIGRATE_DATA_DIR", str(SOURCE_DIR / "build" / "tests" / "no-user-tables"))
# Scans share one result cache in the build folder rather than leaving one in each scanned tree
# (ctest sets this too; test_scan_cache.py tests the default place).
os.environ.setdefault("TPU_MIGRATE_CACHE_DIR", str(SOURCE_DIR / "build" / "tests" / "cli-cache"))



def pytest_configure(config):
    # ../shared lies beside the repository, not in it. The tests that read it run as their own
    # ctest test (cli_shared_data, tests/CMakeLists.txt), which shows as skipped where it is absent.
    config.addinivalue_line("markers", "needs_shared: reads ../shared beside the repository")


def run(*args, cwd=None, env=None, user=None):
    """Runs the binary; returns the CompletedProcess (text mode)."""
    command = [str(BINARY), *map(str, args)]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    merged = dict(os.environ, **(env or {}))
    return subprocess.run(command, cwd=cwd, env=merged, capture_output=True, text=True, timeout=120)


def scan_json(*args, **kwargs):
    """Runs `scan --format json` and returns (report, process)."""
    process = run("scan", *args, "--format", "json", **kwargs)
    assert process.stdout, process.stderr
    return json.loads(process.stdout), process


@pytest.fixture(scope="session")
def sample_report():
    report, process = scan_json(SAMPLE)
    assert process.returncode == 0, process.stderr
    return report
