# SPDX-License-Identifier: Apache-2.0
# Run by `tpu-migrate opdb sync` inside the user's own interpreter (compiled into the binary; the
# C++ side passes it with `python -c`). It asks the dispatcher, not a table, which kernels each
# operator has, so the answer matches the installed torch / torch_xla. It only reports facts; the
# statuses are decided in C++ (opdb/synced_table.cc).
#
# Arguments: --key KEY [--import MODULE]... [--method auto|registrations|dump]
# Output (stdout, TSV): `#name<TAB>value` header lines, then `op<TAB>key,key,...` per operator,
# listing which of the keys below have a kernel registered for it. On a problem: one
# `#error<TAB>kind<TAB>detail` line and exit status 3.
import os
import re
import sys

# `python -c` puts the working directory first on sys.path: run inside a pytorch checkout and
# `import torch` would find the source tree instead of the install.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]

# Only this script's lines may reach stdout, which the C++ side parses: whatever else writes to
# file descriptor 1 (a banner printed while torch_xla loads, C++ logging) is sent to stderr.
OUT = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr


def emit(line):
    OUT.write(line + "\n")

# Keys whose registrations decide a status: composite kernels, the CPU kernel a fallback runs,
# and the non-dense layouts that cannot fall back to a dense kernel.
ALIAS_AND_CPU_KEYS = [
    "CompositeImplicitAutograd",
    "CompositeExplicitAutograd",
    "CompositeExplicitAutogradNonFunctional",
    "CPU",
    "SparseCPU",
    "SparseCsrCPU",
    "QuantizedCPU",
    "NestedTensorCPU",
    "MkldnnCPU",
]


KERNEL_LINE = re.compile(r"^(\w+)(?:\[alias\])?: registered (?:at|by) ", re.M)


def fail(kind, *details):
    """One `#error` line, each field on one line without tabs, then exit status 3."""
    fields = [kind] + [" ".join(str(detail).split()) for detail in details]
    emit("#error\t" + "\t".join(fields))
    OUT.flush()
    sys.exit(3)


def parse_args(argv):
    key, imports, method = None, [], "auto"
    i = 0
    while i < len(argv):
        if argv[i] == "--key" and i + 1 < len(argv):
            key = argv[i + 1]
        elif argv[i] == "--import" and i + 1 < len(argv):
            imports.append(argv[i + 1])
        elif argv[i] == "--method" and i + 1 < len(argv):
            method = argv[i + 1]
        else:
            fail("usage", "unexpected argument " + argv[i])
        i += 2
    if key is None:
        fail("usage", "--key is required")
    return key, imports, method


def import_module(name):
    import importlib
    try:
        return importlib.import_module(name)
    except ImportError as error:
        fail("missing_module", name, error)
    except Exception as error:  # an install that is there but broken (ABI mismatch, no device...)
        fail("import_failed", name, "%s: %s" % (type(error).__name__, error))


def version_of(module):
    """`__version__`, else the installed distribution's version: torch_tpu 0.2.0 has no __version__."""
    version = getattr(module, "__version__", None)
    if version is None:
        try:
            import importlib.metadata
            version = importlib.metadata.version(module.__name__.split(".")[0])
        except Exception:  # no metadata (a module run from a source tree), or Python < 3.8
            version = "unknown"
    return str(version)


def by_registrations(C, keys):
    """torch >= 1.12: one call per key lists every operator with a kernel there."""
    ops = {name: [] for name in C._dispatch_get_registrations_for_dispatch_key("")}
    for key in keys:
        try:
            names = C._dispatch_get_registrations_for_dispatch_key(key)
        except RuntimeError:
            continue  # a key this torch does not have (older or newer alias names)
        for name in names:
            ops.setdefault(name, []).append(key)
    return ops


def by_dump(C, keys):
    """Older torch: read each operator's registration dump (`Key[alias]: registered at ...`)."""
    ops = {}
    for schema in C._jit_get_all_schemas():
        name = schema.name + ("." + schema.overload_name if schema.overload_name else "")
        try:
            dump = C._dispatch_dump(name)
        except RuntimeError:
            dump = ""
        if not dump:
            continue  # a TorchScript-only operator, not in the dispatcher
        # `CPU: registered at FILE ...`, `CompositeImplicitAutograd[alias]: registered by ...`
        registered = set(match.group(1) for match in KERNEL_LINE.finditer(dump))
        ops[name] = [key for key in keys if key in registered]
    return ops


def main():
    key, imports, method = parse_args(sys.argv[1:])
    torch = import_module("torch")
    C = torch._C
    emit("#probe\t1")
    emit("#python\t%s" % sys.version.split()[0])
    emit("#torch\t%s" % version_of(torch))
    for name in imports:
        emit("#module\t%s\t%s" % (name, version_of(import_module(name))))
    try:
        dispatch_key = C._dispatch_key_parse(key) if hasattr(C, "_dispatch_key_parse") else getattr(C.DispatchKey, key)
    except (RuntimeError, AttributeError) as error:
        fail("bad_key", key, error)
    emit("#dispatch_key\t%s" % key)
    try:
        fallback = C._dispatch_has_backend_fallback(dispatch_key)
    except (AttributeError, TypeError, RuntimeError):
        fallback = None  # not answerable on this version
    emit("#backend_fallback\t%s" % {True: "1", False: "0", None: "unknown"}[fallback])
    keys = [key] + [k for k in ALIAS_AND_CPU_KEYS if k != key]
    if method == "auto":
        method = "registrations" if hasattr(C, "_dispatch_get_registrations_for_dispatch_key") else "dump"
    emit("#method\t%s" % method)
    ops = by_registrations(C, keys) if method == "registrations" else by_dump(C, keys)
    for name in sorted(ops):
        emit("%s\t%s" % (name, ",".join(k for k in keys if k in ops[name])))
    OUT.flush()


main()
