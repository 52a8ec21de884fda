# SPDX-License-Identifier: Apache-2.0
"""The real-stack tier: the built CLI driven as a user would, against the pinned Python
environments of scripts/venvs.sh (modern torch, PyTorch/XLA on the CPU). A test whose environment
is not built is reported skipped with the reason scripts/venvs.sh gives, never passed."""
import json
import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("TPU_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("TPU_MIGRATE", SOURCE_DIR / "build" / "tpu-migrate"))
SAMPLE = SOURCE_DIR / "samples" / "gpt_trainer"
VENVS = SOURCE_DIR / "scripts" / "venvs.sh"
# Answers come from the built-in op tables unless a test syncs into its own folder.
os.environ.setdefault("TPU_MIGRATE_DATA_DIR", str(SOURCE_DIR / "build" / "tests" / "no-user-tables"))
# One result cache in the build folder, not one in each scanned tree (the sample's included).
os.environ.setdefault("TPU_MIGRATE_CACHE_DIR", str(SOURCE_DIR / "build" / "tests" / "cli-cache"))


def venv_python(name):
    """The interpreter of environment `name`, or a skip that says why it is not there."""
    found = subprocess.run([str(VENVS), "--path", name], capture_output=True, text=True)
    if found.returncode != 0:
        pytest.skip(f"environment {name}: {found.stderr.strip()}")
    return Path(found.stdout.strip()) / "bin" / "python"


def run(*args, cwd=None, env=None, timeout=600):
    """Runs the binary; returns the CompletedProcess (text mode)."""
    merged = dict(os.environ, **(env or {}))
    return subprocess.run([str(BINARY), *map(str, args)], cwd=cwd, env=merged, capture_output=True,
                          text=True, timeout=timeout)


def index_of(trace):
    return json.loads((Path(trace) / "index.json").read_text())


def ops_of(trace):
    return {op["name"]: op for op in index_of(trace)["ops"]}


def pytest_sessionfinish(session, exitstatus):
    """Everything skipped (no environment): exit 77, which ctest shows as Skipped, not Passed."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus != 0:
        return
    outcomes = {key: len(reporter.stats.get(key, [])) for key in ("passed", "xfailed", "skipped")}
    if outcomes["skipped"] and not outcomes["passed"] and not outcomes["xfailed"]:
        session.exitstatus = 77
