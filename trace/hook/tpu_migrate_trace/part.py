# SPDX-License-Identifier: Apache-2.0
"""Writes this process's part file, parts/p<pid>.json (docs/trace-format.md, "Part files"),
atomically, so a reader never sees half a file and a killed process leaves its last flush."""
import json
import os
import sys

from .samples import dtype_name

SCHEMA = "tpu-migrate/trace-part@1"


def _op_name(func):
    schema = func._schema
    return schema.name, schema.overload_name or "default"


def _signature_json(signature, count):
    in_dtypes, in_shapes, out_dtypes, device, out_device = signature
    row = {"dtypes": [dtype_name(d) for d in in_dtypes], "shapes": [list(s) for s in in_shapes],
           "out_dtypes": [dtype_name(d) for d in out_dtypes],
           "device": str(device) if device is not None else "", "count": count}
    if out_device is not None:
        row["out_device"] = str(out_device)
    return row


def render(recorder, sampler, process, complete):
    sites = []
    for site in list(recorder.sites.values()):
        op, overload = _op_name(site.func)
        sites.append({
            "op": op, "overload": overload, "path": site.path, "line": site.line,
            "steps": site.steps, "late_shapes": site.late_shapes, "shape_overflow": site.overflow,
            "calls": [_signature_json(s, c) for s, c in list(site.signatures.items())],
        })
    events = [{"kind": kind, "what": what, "path": path, "line": line, "count": count}
              for (kind, what, path, line), count in list(recorder.events.items())]
    return {
        "schema": SCHEMA,
        **process,
        "complete": complete,
        "ops_total": recorder.total,
        "steps": recorder.step,
        "limit_reached": recorder.limit_reached,
        "sites": sites,
        "events": events,
        "samples": list(sampler.entries),
        "errors": list(recorder.errors),
    }


def write(out_dir, pid, document):
    folder = os.path.join(out_dir, "parts")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"p{pid}.json")
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(document, handle, separators=(",", ":"))
    os.replace(temporary, path)


def process_info(pid, role, torch_version=""):
    return {
        "pid": pid, "torch": torch_version, "backend": "python-dispatch", "ppid": os.getppid(), "role": role,
        "rank": int(os.environ["RANK"]) if os.environ.get("RANK", "").isdigit() else None,
        "argv": list(sys.argv), "cwd": os.getcwd(), "python": sys.version.split()[0],
    }
