#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Predicted against executed CPU fallbacks on the real PyTorch/XLA (XLA:CPU).

For each program: rewrite a copy for XLA (direct style), run it on XLA:CPU under xla_run.py, and
read the ops torch_xla.debug.metrics says it executed through the CPU fallback. Compare them with
what tpu-migrate predicted before anything ran:
  static  `scan --target xla`: the fallback ops the source names;
  trace   `scan --target xla --trace T`, T a `trace` of the original program on the CPU with the
          torch-modern environment (torch 2.9's CUDA wheel crashes under the trace hook on the CPU).
A composite op (aten::item) is compared through what it decomposes into (aten::_local_scalar_dense),
as the op database says (`ops --format json`). Prints per program and prediction: predicted and
seen, predicted and not seen, seen and not predicted.

    python3 bench/realstack/fallback_agreement.py [--python XLA_PYTHON] [--json OUT]

Needs the torch-xla and torch-modern environments of scripts/venvs.sh (or --python and
--trace-python); without them it prints why and measures nothing."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
XLA_RUN = Path(__file__).resolve().parent / "xla_run.py"
# Each program: its folder, its entry script, and arguments that keep it to a few seconds of work.
PROGRAMS = {
    "gpt_trainer (sample)": dict(
        folder=ROOT / "samples" / "gpt_trainer", script="train.py",
        xla_args=["--device", "xla", "--steps", "5", "--num-workers", "0", "--eval-interval", "5",
                  "--eval-iters", "2"],
        cpu_args=["--device", "cpu", "--steps", "5", "--num-workers", "0", "--eval-interval", "5",
                  "--eval-iters", "2"]),
}


def tool(binary, *args, **kwargs):
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, **kwargs)


def runtime_ops(binary, names):
    """aten op names as the CPU fallback counts them: composites through their decomposition."""
    if not names:
        return set()
    answer = json.loads(tool(binary, "ops", *sorted(names), "--target", "xla", "--format", "json").stdout)
    result = set()
    for op in answer["ops"]:
        parts = [d["name"] for d in op.get("decomposes_into", []) if d["status"] == "fallback"]
        result.update(parts or [op["name"]])
    return result


def predicted_fallbacks(binary, folder, trace=None):
    args = ["scan", folder, "--target", "xla", "--format", "json"]
    if trace:
        args += ["--trace", trace]
    report = json.loads(tool(binary, *args).stdout)
    ops = report["ops"]
    if trace:  # what the trace saw running, not what the source merely names
        ops = [op for op in ops if "trace" in op.get("sources", [])]
    return runtime_ops(binary, {op["name"] for op in ops if op["status"] == "fallback"})


def measure(name, spec, python, trace_python, binary, work):
    copy = work / "xla"
    shutil.copytree(spec["folder"], copy, ignore=shutil.ignore_patterns("__pycache__"))
    rewrite = tool(binary, "rewrite", copy, "--apply", "--style", "direct", "--target", "xla", "--unsafe-fixes")
    if rewrite.returncode != 0:
        raise RuntimeError(f"{name}: rewrite failed: {rewrite.stderr[-500:]}")
    metrics = work / "metrics.json"
    ran = subprocess.run([str(python), str(XLA_RUN), str(metrics), spec["script"], *spec["xla_args"]],
                         cwd=copy, capture_output=True, text=True, env=dict(os.environ, PJRT_DEVICE="CPU"))
    seen_report = json.loads(metrics.read_text())
    trace = work / "trace"
    traced = tool(binary, "trace", "--out", trace, "--", trace_python, spec["script"], *spec["cpu_args"],
                  cwd=spec["folder"])
    result = {"program": name, "xla_exit": ran.returncode, "trace_exit": traced.returncode,
              "seen": seen_report["executed_fallback_ops"], "counters": seen_report["fallback_counters"],
              "compiles_after_each_step": seen_report["compiles_after_each_step"],
              "xla_error": ran.stderr.strip().splitlines()[-1] if ran.returncode else ""}
    seen = set(result["seen"])
    for kind, predicted in (("static", predicted_fallbacks(binary, spec["folder"])),
                            ("trace", predicted_fallbacks(binary, spec["folder"], trace)
                             if traced.returncode == 0 else None)):
        if predicted is None:
            result[kind] = {"error": f"trace exited {traced.returncode}"}
            continue
        result[kind] = {"predicted_and_seen": sorted(predicted & seen),
                        "predicted_not_seen": sorted(predicted - seen),
                        "seen_not_predicted": sorted(seen - predicted)}
    return result


def print_table(results):
    for r in results:
        print(f"{r['program']}: XLA:CPU exit {r['xla_exit']}" + (f" ({r['xla_error']})" if r["xla_error"] else ""))
        print(f"  executed CPU fallbacks: " + ", ".join(f"{op} x{r['counters'].get(op, '?')}" for op in r["seen"]))
        print(f"  compiles after each step: {r['compiles_after_each_step']}")
        for kind in ("static", "trace"):
            row = r[kind]
            if "error" in row:
                print(f"  {kind:6}: not measured ({row['error']})")
                continue
            print(f"  {kind:6}: predicted&seen {row['predicted_and_seen']} | predicted-not-seen "
                  f"{row['predicted_not_seen']} | seen-not-predicted {row['seen_not_predicted']}")


def environment(name):
    """The interpreter of a scripts/venvs.sh environment, or None with the reason printed."""
    found = subprocess.run([str(ROOT / "scripts" / "venvs.sh"), "--path", name], capture_output=True, text=True)
    if found.returncode != 0:
        print(f"skipped: {found.stderr.strip()}")
        return None
    return str(Path(found.stdout.strip()) / "bin" / "python")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help="interpreter with torch_xla (default: the torch-xla environment)")
    parser.add_argument("--trace-python", help="interpreter for the CPU trace (default: torch-modern)")
    parser.add_argument("--binary", default=str(ROOT / "build" / "tpu-migrate"))
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    python = args.python or environment("torch-xla")
    trace_python = args.trace_python or environment("torch-modern")
    if not python or not trace_python:
        return 0
    results = []
    for name, spec in PROGRAMS.items():
        with tempfile.TemporaryDirectory(prefix="fallback-agreement-") as work:
            results.append(measure(name, spec, python, trace_python, args.binary, Path(work)))
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
