#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Rewritten programs on the real PyTorch/XLA (XLA:CPU): do they train, and were the CPU
fallbacks predicted?

For each program (programs.py: the sample, and public training scripts checked out under --corpus):
  1. run the original on the CPU, with the same torch as torch_xla's, and read its losses;
  2. rewrite a copy for XLA in each style (`rewrite --apply --target xla --style direct|portable
     --unsafe-fixes`), run it on XLA:CPU under xla_run.py, and compare its losses with the CPU's
     (relative difference within the program's tolerance) and its compile count per step (flat
     after the warm-up steps: no recompilation per step);
  3. compare the ops torch_xla.debug.metrics says the direct-style run executed through the CPU
     fallback with what tpu-migrate predicted before anything ran:
       static  `scan --target xla`: the fallback ops the source names;
       trace   `scan --target xla --trace T`, T a `trace` of the original program on the CPU with
               the torch-modern environment (torch 2.9's CUDA wheel crashes under the trace hook).
     A composite op (aten::item) is compared through what it decomposes into
     (aten::_local_scalar_dense), as `ops --format json` says.

    python3 bench/realstack/fallback_agreement.py [--corpus DIR] [--only NAME] [--json OUT]

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

from programs import PROGRAMS, ROOT

XLA_RUN = Path(__file__).resolve().parent / "xla_run.py"
STYLES = ("direct", "portable")


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


def fresh_copy(program, folder, target):
    """The program's repository copied to `target` (its git tree when it is a checkout, so that
    untracked files stay behind), with its generated data."""
    if (folder / ".git").exists():
        archive = subprocess.run(["git", "-C", str(folder), "archive", "HEAD"], capture_output=True, check=True)
        target.mkdir(parents=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    else:
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    program.make_data(target)
    return target


def environment_for(program, copy, **extra):
    env = dict(os.environ, **extra)
    paths = [str(copy / p) for p in program.python_path]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_on_xla(program, copy, python, work, style, timeout):
    metrics = work / f"metrics-{style}.json"
    command = [str(python), str(XLA_RUN), str(metrics), program.script, *program.xla_args]
    try:
        ran = subprocess.run(command, cwd=copy / program.workdir, capture_output=True, text=True,
                             env=environment_for(program, copy, PJRT_DEVICE="CPU"), timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        # A program that compiles a new graph per step (a sequence grown token by token) can run
        # for hours on XLA:CPU: stop it and say so, with what it logged until then.
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        ran = subprocess.CompletedProcess(command, "timeout", output, f"stopped after {timeout} s")
    report = json.loads(metrics.read_text()) if metrics.exists() else {
        "executed_fallback_ops": [], "fallback_counters": {}, "compiles_after_each_step": []}
    return ran, report


def compare_losses(program, reference, candidate):
    """The largest relative difference over the steps the CPU run logged, and whether it is within
    the program's tolerance. A candidate that did not log every one of those steps (it stopped
    early) never matches, nor does a reference that logged nothing."""
    steps = sorted(set(reference) & set(candidate))
    if not steps:
        return None, False
    worst = max(abs(candidate[s] - reference[s]) / max(abs(reference[s]), 1e-12) for s in steps)
    return worst, worst <= program.tolerance and set(reference) <= set(candidate)


def flat_after_warmup(per_step, last=3):
    """No compilation in the last step boundaries: the compile count has stopped growing. (Warm-up
    compiles, and an evaluation's own graphs, come earlier and may be many.)"""
    return len(per_step) >= last + 2 and len(set(per_step[-last:])) == 1


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def measure(program, corpus, python, trace_python, binary, work, timeout):
    folder = program.folder(corpus)
    result = {"program": program.name}
    if folder is None or not folder.is_dir():
        result["skipped"] = f"no checkout of {program.repository} under --corpus"
        return result
    if program.commit and (folder / ".git").exists():
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        if head != program.commit:
            result["warning"] = f"{program.repository} is at {head[:12]}, the figures are for {program.commit[:12]}"
    original = fresh_copy(program, folder, work / "original")
    command = [str(python), program.script, *program.cpu_args]
    if program.cuda_as_cpu:
        command = [str(binary), "trace", "--cuda-as-cpu", "--samples-per-op", "0", "--out",
                   str(work / "reference-trace"), "--", *command]
    cpu = subprocess.run(command, cwd=original / program.workdir,
                         capture_output=True, text=True, env=environment_for(program, original))
    reference = program.losses(cpu.stdout)
    result["cpu_exit"], result["cpu_losses"] = cpu.returncode, reference
    seen = set()
    for style in STYLES:
        copy = fresh_copy(program, folder, work / style)
        rewrite = tool(binary, "rewrite", copy, "--apply", "--style", style, "--target", "xla", "--unsafe-fixes")
        if rewrite.returncode != 0:
            result[style] = {"error": f"rewrite exited {rewrite.returncode}: {last_line(rewrite.stderr)}"}
            continue
        ran, report = run_on_xla(program, copy, python, work, style, timeout)
        losses = program.losses(ran.stdout)
        worst, within = compare_losses(program, reference, losses)
        result[style] = {"xla_exit": ran.returncode, "xla_error": last_line(ran.stderr) if ran.returncode else "",
                         "losses": losses, "worst_relative_difference": worst, "losses_match": within,
                         "compiles_after_each_step": report["compiles_after_each_step"],
                         "compiles_flat": flat_after_warmup(report["compiles_after_each_step"]),
                         "seen": report["executed_fallback_ops"], "counters": report["fallback_counters"]}
        if style == "direct":
            seen = set(report["executed_fallback_ops"])
    trace = work / "trace"
    redirect = ["--cuda-as-cpu"] if program.cuda_as_cpu else []
    traced = tool(binary, "trace", *redirect, "--out", trace, "--", trace_python, program.script, *program.cpu_args,
                  cwd=original / program.workdir, env=environment_for(program, original))
    result["trace_exit"] = traced.returncode
    for kind, predicted in (("static", predicted_fallbacks(binary, folder)),
                            ("trace", predicted_fallbacks(binary, folder, trace)
                             if traced.returncode == 0 else None)):
        if predicted is None:
            result[kind] = {"error": f"trace exited {traced.returncode}: {last_line(traced.stderr)}"}
            continue
        result[kind] = {"predicted_and_seen": sorted(predicted & seen),
                        "predicted_not_seen": sorted(predicted - seen),
                        "seen_not_predicted": sorted(seen - predicted)}
    return result


def print_table(results):
    for r in results:
        if "skipped" in r:
            print(f"{r['program']}: skipped ({r['skipped']})")
            continue
        print(f"{r['program']}:" + (f"  [{r['warning']}]" if "warning" in r else ""))
        print(f"  CPU (original): exit {r['cpu_exit']}, losses {fmt_losses(r['cpu_losses'])}")
        for style in STYLES:
            row = r[style]
            if "error" in row:
                print(f"  XLA:CPU {style:8}: {row['error']}")
                continue
            worst = "n/a" if row["worst_relative_difference"] is None else f"{row['worst_relative_difference']:.2e}"
            print(f"  XLA:CPU {style:8}: exit {row['xla_exit']}" + (f" ({row['xla_error']})" if row["xla_error"] else ""))
            print(f"    losses {fmt_losses(row['losses'])}; worst relative difference {worst} "
                  f"({'match' if row['losses_match'] else 'DIFFER'})")
            counts = row["compiles_after_each_step"]
            shown = counts if len(counts) <= 12 else [*counts[:6], "...", *counts[-5:]]
            print(f"    compiles after each step boundary {shown} ({len(counts)} boundaries; "
                  f"{'flat' if row['compiles_flat'] else 'NOT flat'} at the end)")
            print(f"    executed CPU fallbacks: " + (", ".join(
                f"{op} x{row['counters'].get(op, '?')}" for op in row["seen"]) or "none"))
        for kind in ("static", "trace"):
            row = r[kind]
            if "error" in row:
                print(f"  {kind:6}: not measured ({row['error']})")
                continue
            print(f"  {kind:6}: predicted&seen {row['predicted_and_seen']} | predicted-not-seen "
                  f"{row['predicted_not_seen']} | seen-not-predicted {row['seen_not_predicted']}")


def fmt_losses(losses):
    return ", ".join(f"{step}:{loss:.4f}" for step, loss in sorted(losses.items())) or "none logged"


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
    parser.add_argument("--corpus", type=Path,
                        help="folder with checkouts of the public programs (nanoGPT, minGPT); without it only the sample runs")
    parser.add_argument("--only", help="run only the programs whose name contains this")
    parser.add_argument("--timeout", type=int, default=900,
                        help="seconds each run on XLA:CPU may take before it is stopped (default 900)")
    args = parser.parse_args()
    python = args.python or environment("torch-xla")
    trace_python = args.trace_python or environment("torch-modern")
    if not python or not trace_python:
        return 0
    results = []
    for program in PROGRAMS:
        if args.only and args.only not in program.name:
            continue
        with tempfile.TemporaryDirectory(prefix="fallback-agreement-") as work:
            results.append(measure(program, args.corpus, python, trace_python, args.binary, Path(work),
                                   args.timeout))
        print_table(results[-1:])  # as each program finishes: a long run shows what is done
        sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
