# SPDX-License-Identifier: Apache-2.0
"""Functional siblings: which functional overload an in-place, out= or autogen overload belongs to."""


class SignatureGroups:
    def __init__(self, rows: list):
        self._by_name = {r.overload: r for r in rows}
        self._functional_by_key = {}
        for row in rows:
            if row.schema is not None and row.schema.is_functional:
                self._functional_by_key.setdefault(row.schema.signature_key, row.overload)

    def _key(self, row):
        if row.schema is not None:
            return row.schema.signature_key
        source = self._by_name.get(row.autogen_from)
        return source.schema.signature_key if source is not None else None

    def functional_sibling(self, row) -> str:
        """The functional overload of `row`'s signature group, or "" (also "" for `row` itself)."""
        key = self._key(row)
        sibling = self._functional_by_key.get(key, "") if key else ""
        return "" if sibling == row.overload else sibling
