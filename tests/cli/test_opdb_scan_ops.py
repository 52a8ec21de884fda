# SPDX-License-Identifier: Apache-2.0
"""`scan` reports the aten ops the sample uses, each with its status from the op database, and
`summary.ops` counts them consistently."""
import collections

import pytest

from conftest import SAMPLE, scan_json

STATUSES = ("lowered", "decomposed", "fallback", "unsupported", "unknown")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    # An empty data folder: the built-in tables answer, whatever the machine's user has synced.
    env = {"TPU_MIGRATE_DATA_DIR": str(tmp_path_factory.mktemp("no-user-tables"))}
    report, process = scan_json(SAMPLE, env=env)
    assert process.returncode in (0, 1), process.stderr
    return report


def test_sample_reports_its_ops(report):
    ops = report["ops"]
    assert ops, "the sample calls torch ops; scan found none"
    names = [op["name"] for op in ops]
    assert names == sorted(names), "one entry per op, sorted by name"
    assert len(set(names)) == len(names)
    for op in ops:
        assert op["name"].startswith("aten::") or "::" in op["name"], op
        assert op["status"] in STATUSES, op
        assert op["reason"], op
        assert op["count"] >= 1, op
        assert op["locations"], op
        for at in op["locations"]:
            assert at["line"] >= 1 and at["path"].endswith(".py"), op


def test_summary_ops_counts_match_the_ops(report):
    counts = collections.Counter(op["status"] for op in report["ops"])
    summary = report["summary"]["ops"]
    assert summary["total"] == len(report["ops"])
    for status in STATUSES:
        assert summary[status] == counts.get(status, 0), status
    assert sum(summary[s] for s in STATUSES) == summary["total"]


def test_op_findings_name_ops_of_the_report(report):
    """TPU900 (CPU fallback) and TPU901 (unsupported) findings point at uses listed in `ops`."""
    ops = {op["name"]: op for op in report["ops"]}
    flagged = [f for f in report["findings"] if f["rule"] in ("TPU900", "TPU901")]
    for finding in flagged:
        op = ops[finding["symbol"]]
        assert op["status"] == ("fallback" if finding["rule"] == "TPU900" else "unsupported"), finding
        assert {"path": finding["path"], "line": finding["line"]} in op["locations"], finding
