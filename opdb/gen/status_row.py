# SPDX-License-Identifier: Apache-2.0
"""The per-overload answer for one target, shared by every target's rules."""

from dataclasses import dataclass, field

LOWERED = "lowered"
DECOMPOSED = "decomposed"
FALLBACK = "fallback"
UNSUPPORTED = "unsupported"
UNKNOWN = "unknown"
STATUSES = (LOWERED, DECOMPOSED, FALLBACK, UNSUPPORTED, UNKNOWN)

# Finer-grained "kind" values that explain how a status was reached (a column of the tables).
COMPOSITE_KINDS = ("composite_implicit", "composite_explicit")

# How bad a status is for "will it run on the device": a composite op is as bad as its worst callee.
_BADNESS = {LOWERED: 0, DECOMPOSED: 0, UNKNOWN: 1, FALLBACK: 2, UNSUPPORTED: 3}


def worst(statuses) -> str:
    statuses = list(statuses)
    if not statuses:
        return DECOMPOSED
    return max(statuses, key=lambda s: _BADNESS[s])


@dataclass
class StatusRow:
    overload: str
    status: str
    kind: str
    reason: str
    provenance: str  # a key defined in the table header (`#provenance<TAB>key<TAB>text`)
    condition: str = ""  # when a lowered op still falls back
    decomposes_into: list = field(default_factory=list)
