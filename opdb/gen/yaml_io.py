# SPDX-License-Identifier: Apache-2.0
"""YAML and TSV reading shared by the generator modules (Debian's python3-yaml, C loader if present)."""

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_LOADER)


def read_tsv(path: str) -> list:
    """Rows of a tab-separated file as lists of fields; `#` comment lines and blank lines skipped."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows
