# SPDX-License-Identifier: Apache-2.0
"""Refine composite ops by what they decompose into.

A composite op (CompositeImplicit/ExplicitAutograd) runs on a device only as well as the aten ops its
kernel calls. native_functions.yaml does not record those calls, so opdb/gen/composite_calls.tsv
lists them for the ops users reach most (`cross_entropy_loss` -> `log_softmax.int`, `nll_loss_nd`).
A listed composite takes the worst status of its callees, recursively:

    ctc_loss.IntList -> _ctc_loss (fallback)           => fallback, "decomposes into _ctc_loss: ..."
    linear -> addmm (lowered), matmul -> mm, bmm, ...  => decomposed

A callee written `name!` means "this call always meets the callee's fallback condition"
(`linalg_eigvalsh` always calls `_linalg_eigh` with compute_v=False), so a conditionally lowered
callee counts as fallback there.

Cycles: the table may contain them (hand-written data can be wrong, and fixtures test it). The graph
is split into strongly connected components (Tarjan); every op of a cycle gets the same answer,
computed from the edges that leave the cycle, so the result does not depend on visiting order. A
cycle with no edge leaving it has nothing to run on: unknown.
"""

import yaml_io
from status_row import FALLBACK, LOWERED, UNKNOWN, COMPOSITE_KINDS, DECOMPOSED, worst


def load_composite_calls(path: str, rows: list) -> dict:
    """overload -> list of (callee overload, always_conditional). A caller `op.*` stands for every
    overload of the op; a callee written as a bare op name is its default (or representative) overload."""
    by_op, names = {}, set()
    for row in rows:
        by_op.setdefault(row.op, []).append(row.overload)
        names.add(row.overload)
    representative = {op: overloads[0] for op, overloads in by_op.items()}
    representative.update({op: op for op in by_op if op in names})  # the default overload wins

    def resolve_callee(text: str):
        forced = text.endswith("!")
        name = text.rstrip("!")
        if name in names:
            return name, forced
        if name in representative:
            return representative[name], forced
        raise ValueError(f"{path}: unknown callee `{name}`")

    explicit, by_packet = {}, {}
    for fields in yaml_io.read_tsv(path):
        caller, callee_text = fields[0], fields[1]
        callees = [resolve_callee(c.strip()) for c in callee_text.split(",") if c.strip()]
        if caller.endswith(".*") and caller[:-2] in by_op:  # `op.*`: every overload of the op
            for overload in by_op[caller[:-2]]:
                by_packet[overload] = callees
        elif caller in names:
            explicit[caller] = callees
        else:
            raise ValueError(f"{path}: unknown op `{caller}`")
    return {**by_packet, **explicit}  # an explicit overload row wins over its op's row


def _strongly_connected_components(nodes: list, edges: dict) -> list:
    """Tarjan's algorithm, iterative. Components come out callees-first (reverse topological)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def refine(statuses: dict, calls: dict) -> None:
    """Rewrite composite rows of `statuses` (overload -> StatusRow) in place from `calls`."""
    composite = sorted(o for o, row in statuses.items() if row.kind in COMPOSITE_KINDS and o in calls)
    composite_set = set(composite)
    edges = {o: [c for c, _ in calls[o] if c in composite_set] for o in composite}
    culprit_paths = {}  # refined op -> [callee, ..., the op that actually falls back or fails]
    for component in _strongly_connected_components(composite, edges):
        members = set(component)
        exits = []  # (callee, effective status) for calls leaving the component
        for caller in component:
            for callee, forced in calls[caller]:
                if callee in members:
                    continue
                status = statuses[callee].status
                if forced and statuses[callee].kind == "lowered_conditional":
                    status = FALLBACK
                exits.append((callee, status, forced))
        cyclic = len(component) > 1 or any(c in members for c, _ in calls[component[0]])
        for caller in component:
            _apply(statuses, caller, calls[caller], exits, cyclic, component, culprit_paths)


def _apply(statuses, caller, callees, exits, cyclic, component, culprit_paths) -> None:
    row = statuses[caller]
    row.decomposes_into = [c for c, _ in callees]
    row.provenance = "decomp"
    cycle_note = f" (decomposition cycle: {' -> '.join(component + component[:1])})" if cyclic else ""
    if not exits:
        row.status = UNKNOWN
        row.reason = "decomposition cycle with no op outside it" + cycle_note
        return
    status = worst(s for _, s, _ in exits)
    if status in (LOWERED, DECOMPOSED):
        row.status = DECOMPOSED
        names = ", ".join(sorted({c for c, _, _ in exits}))
        row.reason = f"decomposes into ops that all run on the device: {names}" + cycle_note
        return
    row.status = status
    culprit, forced = min((c, f) for c, s, f in exits if s == status)
    path = [culprit] + culprit_paths.get(culprit, [])
    culprit_paths[caller] = path
    leaf = statuses[path[-1]]
    if leaf.status != status:  # a conditionally lowered op reached with its fallback condition met
        why = "always meets its fallback condition: " + leaf.condition
    else:
        why = leaf.reason
    row.reason = f"decomposes into {' -> '.join(path)}; {path[-1]}: {why}" + cycle_note
