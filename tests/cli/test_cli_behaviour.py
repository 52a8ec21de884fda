# SPDX-License-Identifier: Apache-2.0
"""Exit codes, help, explain/rules, config, suppressions and colour, through the real CLI."""
import json

from conftest import SAMPLE, SOURCE_DIR, run, scan_json


def test_exit_codes():
    assert run("scan", SAMPLE).returncode == 0
    assert run("scan", "/no/such/path").returncode == 2
    assert run("scan", SAMPLE, "--no-such-flag").returncode == 2
    assert run("scan", SAMPLE, "--select", "no-such-rule").returncode == 2
    assert run("scan", SAMPLE, "--format", "yaml").returncode == 2
    assert run().returncode == 2
    assert run("explain", "TPU999").returncode == 2


def test_help_and_version():
    process = run("--help")
    assert process.returncode == 0 and "Examples" in process.stdout and "Exit codes" in process.stdout
    assert "tpu-migrate scan" in run("scan", "--help").stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("tpu-migrate ")


def test_rules_and_explain_cover_every_rule():
    rules = json.loads(run("rules", "--format", "json").stdout)
    codes = [rule["code"] for rule in rules]
    assert len(codes) == len(set(codes)) >= 30
    assert len({rule["name"] for rule in rules}) == len(rules)
    for rule in rules:
        for key in (rule["code"], rule["name"]):
            process = run("explain", key)
            assert process.returncode == 0, key
            for heading in ("Why it matters on a TPU", "The TPU way", "Before", "After"):
                assert heading in process.stdout, (key, heading)
    assert "capacity" in run("explain", "readiness").stdout


def test_terminal_report_groups_by_file_and_ends_with_readiness():
    process = run("scan", SAMPLE)
    out = process.stdout
    assert "train.py\n" in out and "kernels/triton_ops.py\n" in out
    assert "… and" in out  # repeated references folded
    assert "Readiness: " in out and "Top blockers:" in out
    assert "\x1b[" not in out  # not a TTY: no colour
    assert "\x1b[" in run("scan", SAMPLE, "--color", "always").stdout


def test_config_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tpu-migrate]\nignore = ["cuda-api"]\nexclude = ["skip/**"]\n')
    (tmp_path / "a.py").write_text("import torch\ntorch.cuda.synchronize()\nx.cuda()\n")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "b.py").write_text("y.cuda()\n")
    report, process = scan_json(tmp_path)
    assert process.returncode == 0
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("a.py", "TPU101")]


def test_bad_config_is_a_usage_error(tmp_path):
    (tmp_path / "tpu-migrate.toml").write_text('target = "cuda"\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    process = run("scan", tmp_path)
    assert process.returncode == 2
    assert "tpu-migrate.toml:1" in process.stderr


def test_suppression_comments(tmp_path):
    (tmp_path / "a.py").write_text(
        "x.cuda()  # tpu-migrate: ignore\n"
        "y.cuda(non_blocking=True)  # tpu-migrate: ignore[TPU101]\n"
        "z.cuda()\n")
    report, _ = scan_json(tmp_path)
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [(2, "TPU801"), (3, "TPU101")]


def test_gitignore_is_honoured(tmp_path):
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "g.py").write_text("x.cuda()\n")
    (tmp_path / "a.py").write_text("x.cuda()\n")
    report, _ = scan_json(tmp_path)
    assert [f["path"] for f in report["findings"]] == ["a.py"]
    report, _ = scan_json(tmp_path, "--no-ignore")
    assert sorted(f["path"] for f in report["findings"]) == ["a.py", "generated/g.py"]


def test_several_paths_and_a_single_file(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "a.py").write_text("x.cuda()\n")
    (tmp_path / "two" / "b.py").write_text("y.cuda()\n")
    report, process = scan_json("one", "two", "missing", cwd=tmp_path)
    assert process.returncode == 0
    assert [f["path"] for f in report["findings"]] == ["one/a.py", "two/b.py"]
    # A fix's edits name their file as the finding does.
    assert [{e["path"] for e in f["fix"]["edits"]} for f in report["findings"]] == [{"one/a.py"}, {"two/b.py"}]
    assert report["errors"] == [{"path": "missing", "message": "no such file or directory"}]
    report, _ = scan_json(tmp_path / "one" / "a.py")
    assert [f["path"] for f in report["findings"]] == ["a.py"]


def test_the_readme_quick_start_shows_the_default_targets_report():
    """The README's excerpt of the demo's report is what `scan samples/gpt_trainer` prints now, on
    the default target, TorchTPU (the line with the scan's time is compared without it)."""
    readme = (SOURCE_DIR / "README.md").read_text(encoding="utf-8")
    command = "$ build/tpu-migrate scan samples/gpt_trainer\n"
    start = readme.index(command) + len(command)
    excerpt = readme[start:readme.index("```", start)].splitlines()
    process = run("scan", SAMPLE)
    assert process.returncode == 0, process.stderr
    printed = process.stdout.splitlines()
    assert "target TorchTPU" in excerpt[[line.startswith("Scanned") for line in excerpt].index(True)]
    for line in excerpt:
        if line.strip() == "…":
            continue
        if line.startswith("Scanned"):
            line = line.split(" in ")[0]
            assert any(out.startswith(line) and out.endswith("target TorchTPU") for out in printed), line
        else:
            assert line in printed, line
