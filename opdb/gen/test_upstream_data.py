# SPDX-License-Identifier: Apache-2.0
"""The opdb generator on the real upstream data, ../shared/upstream (beside the repository, not in it).

Every test here needs that data and skips, saying so, where it is absent; ctest runs this file as
its own test (opdb_generator_upstream), shown as skipped then, so that a skip never hides a failure
of the fixture tests in test_generate_opdb.py.

    /usr/bin/python3 -m pytest -q -rs opdb/gen/test_upstream_data.py
"""

import filecmp
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generate_opdb  # noqa: E402
import native_functions  # noqa: E402
import torchtpu_status  # noqa: E402
from test_generate_opdb import COMMITTED, GENERATED_TABLES, _table  # noqa: E402


class CommittedTables(unittest.TestCase):
    """Re-running the generator on ../shared/upstream reproduces opdb/data byte for byte."""

    def test_committed_tables_are_reproducible(self):
        upstream = generate_opdb.DEFAULT_UPSTREAM
        if not os.path.isdir(upstream):
            self.skipTest(f"upstream data not found at {os.path.normpath(upstream)}; "
                          "the committed tables cannot be re-derived on this machine")
        with tempfile.TemporaryDirectory() as tmp:
            generate_opdb.generate(upstream, tmp, os.path.join(generate_opdb.GEN_DIR, "composite_calls.tsv"),
                                   os.path.join(generate_opdb.GEN_DIR, "python_api_manual.tsv"))
            for name in GENERATED_TABLES:
                same = filecmp.cmp(os.path.join(tmp, name), os.path.join(COMMITTED, name), shallow=False)
                self.assertTrue(same, f"opdb/data/{name} differs from a fresh run; regenerate with "
                                      "/usr/bin/python3 opdb/gen/generate_opdb.py")


class TorchTpuData(unittest.TestCase):
    """The committed TorchTPU table against ../shared/upstream/torch-tpu itself."""

    @classmethod
    def setUpClass(cls):
        upstream = os.path.join(generate_opdb.DEFAULT_UPSTREAM, "torch-tpu")
        if not os.path.isdir(upstream):
            raise unittest.SkipTest(f"TorchTPU data not found at {os.path.normpath(upstream)}")
        cls.registered = torchtpu_status.load_registered(os.path.join(upstream, "registered_aten_ops.tsv"))
        cls.inferred = torchtpu_status.load_inferred(os.path.join(upstream, "inferred_structured_variants.tsv"))
        cls.tpu = _table(os.path.join(COMMITTED, "status_torchtpu.tsv"))

    def test_every_op_in_the_torchtpu_data_has_a_known_status(self):
        named = (set(self.registered) | self.inferred) & set(self.tpu)
        self.assertGreater(len(named), 850)  # 605 of 606 registered names exist upstream, plus 280 inferred
        self.assertEqual({o for o in named if self.tpu[o]["status"] != "lowered"}, set())

    def test_inferred_variants_are_exactly_the_overloads_delegating_to_a_registered_kernel(self):
        rows = native_functions.load(os.path.join(generate_opdb.DEFAULT_UPSTREAM, "pytorch", "native_functions.yaml"))
        delegating = {r.overload for r in rows if r.delegate in self.registered and r.overload not in self.registered}
        self.assertEqual(delegating, self.inferred)

    def test_ops_the_notes_name(self):
        # NOTES.md §6 ("Twenty common training ops") and §2 (fallback policy).
        self.assertEqual(self.tpu["embedding"]["status"], "decomposed")
        self.assertEqual(self.tpu["unique_consecutive"]["kind"], "cpu_fallback_opt_in")
        self.assertEqual(self.tpu["ctc_loss.IntList"]["decomposes_into"], "_ctc_loss")
        self.assertEqual(self.tpu["max_pool2d"]["status"], "lowered")


if __name__ == "__main__":
    unittest.main()
