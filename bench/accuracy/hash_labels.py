#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turn a labeller's notes into a labels TSV: hashes each labelled line of the checkout.

Notes, one file per repository (kept outside the repository; they hold no code):
    == path/inside/the/repository.py
    73 cuda-api
    112 amp device-placement?      several categories; a trailing ? marks `optional`
Short names are accepted for speed (dp, api, amp, bf, dist, dl, lib, ext, kern, rt, clib,
dyn, comp). Usage: hash_labels.py NAME URL COMMIT CHECKOUT NOTES > labels/NAME.tsv
"""

import sys

from score import line_hash

SHORT = {"dp": "device-placement", "api": "cuda-api", "amp": "amp", "bf": "backend-flags",
         "dist": "distributed", "dl": "dataloading", "lib": "third-party-cuda-lib",
         "ext": "custom-extension", "kern": "cuda-kernel", "rt": "cuda-runtime-cpp",
         "clib": "cuda-libs-cpp", "dyn": "dynamic-shape-hazard", "comp": "torch-compile"}
CATEGORIES = set(SHORT.values())


def main(name, url, commit, checkout, notes):
    rows, path, lines = [], None, None
    with open(notes, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            if text.startswith("=="):
                path = text[2:].strip()
                with open(f"{checkout}/{path}", encoding="utf-8", errors="replace") as source:
                    lines = source.read().split("\n")
                continue
            line, *categories = text.split()
            for category in categories:
                kind = "optional" if category.endswith("?") else "must"
                category = SHORT.get(category.rstrip("?"), category.rstrip("?"))
                if category not in CATEGORIES or not line.isdigit() or int(line) > len(lines):
                    sys.exit(f"{notes}:{number}: bad label {raw.strip()!r}")
                rows.append((path, int(line), category, kind, line_hash(lines[int(line) - 1])))
    print(f"# Hand labels for {name}: {url} at commit {commit}")
    print("# Made by reading each file against CUDA-TIES.md; see bench/accuracy/README.md.")
    print("path\tline\tcategory\tkind\thash")
    order = {}
    for row in rows:
        order.setdefault(row[0], len(order))
    for row in sorted(rows, key=lambda row: (order[row[0]], row[1], row[2])):
        print("\t".join(str(cell) for cell in row))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
