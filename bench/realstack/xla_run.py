# SPDX-License-Identifier: Apache-2.0
"""Runs a Python program on PyTorch/XLA (XLA:CPU unless PJRT_DEVICE says otherwise) and writes
what torch_xla.debug.metrics saw when it exits: the ops executed through the CPU fallback, the
aten:: fallback counters, and the compile count after every step boundary (torch_xla.sync /
xm.mark_step), to tell a graph that compiles once from one that recompiles each step.

    python xla_run.py METRICS.json program.py [ARGS...]

The JSON is written even when the program fails (atexit), with its exit status when known."""
import atexit
import json
import os
import runpy
import sys


def main():
    out, program, *args = sys.argv[1:]
    os.environ.setdefault("PJRT_DEVICE", "CPU")
    import torch_xla
    import torch_xla.core.xla_model as xm
    import torch_xla.debug.metrics as met

    def compiles():
        data = met.metric_data("CompileTime")
        return data[0] if data else 0

    per_step = []
    state = {"exit": None}

    def counting(function):
        def wrapper(*a, **k):
            result = function(*a, **k)
            per_step.append(compiles())
            return result
        return wrapper

    torch_xla.sync = counting(torch_xla.sync)
    xm.mark_step = counting(xm.mark_step)

    @atexit.register
    def dump():
        counters = {name: met.counter_value(name) for name in met.counter_names()
                    if name.startswith("aten::")}
        report = {"program": program, "args": args, "exit": state["exit"],
                  "executed_fallback_ops": sorted(met.executed_fallback_ops()),
                  "fallback_counters": counters, "compiles": compiles(),
                  "compiles_after_each_step": per_step}
        with open(out, "w") as f:
            json.dump(report, f, indent=1)

    sys.argv = [program, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
    try:
        runpy.run_path(program, run_name="__main__")
        state["exit"] = 0
    except SystemExit as done:
        state["exit"] = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        raise
    except BaseException:
        state["exit"] = 1
        raise


if __name__ == "__main__":
    main()
