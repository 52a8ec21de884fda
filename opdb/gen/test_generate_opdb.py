# SPDX-License-Identifier: Apache-2.0
"""Tests of the opdb generator on small fixtures (tests/opdb_fixtures); test_upstream_data.py has those on
the real upstream data.

    /usr/bin/python3 -m unittest discover -s opdb/gen -p 'test_*.py'
"""

import filecmp
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import backend_status  # noqa: E402
import generate_opdb  # noqa: E402
import schema  # noqa: E402
import yaml_io  # noqa: E402

FIXTURES = os.path.join(generate_opdb.REPO_ROOT, "tests", "opdb_fixtures")
COMMITTED = os.path.join(generate_opdb.REPO_ROOT, "opdb", "data")
GENERATED_TABLES = ("aten_ops.tsv", "python_api.tsv", "status_xla.tsv", "status_torchtpu.tsv", "status_xpu.tsv",
                    "status_mps.tsv", "status_ascend.tsv")


def _table(path: str) -> dict:
    """first column -> {column name: value} for a generated table."""
    columns, rows = None, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "#columns":
                columns = fields[1:]
            elif not line.startswith("#"):
                rows[fields[0]] = dict(zip(columns, fields))
    return rows


def _generate_fixture(out_dir: str) -> dict:
    return generate_opdb.generate(os.path.join(FIXTURES, "upstream"), out_dir,
                                  os.path.join(FIXTURES, "composite_calls.tsv"),
                                  os.path.join(FIXTURES, "python_api_manual.tsv"))


class FixtureTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        cls.out = cls._tmp.name
        cls.summary = _generate_fixture(cls.out)
        cls.xla = _table(os.path.join(cls.out, "status_xla.tsv"))
        cls.ops = _table(os.path.join(cls.out, "aten_ops.tsv"))
        cls.python = _table(os.path.join(cls.out, "python_api.tsv"))

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def status(self, overload, table=None):
        row = (table or self.xla)[overload]
        return row["status"], row["kind"]

    def test_listed_in_xla_yaml_is_lowered(self):
        self.assertEqual(self.status("mm"), ("lowered", "lowered"))
        self.assertEqual(self.status("add.Tensor"), ("lowered", "lowered"))
        self.assertIn("full_codegen", self.xla["add.Tensor"]["reason"])

    def test_inplace_and_out_variants_go_through_the_functional_sibling(self):
        self.assertEqual(self.status("add_.Tensor"), ("lowered", "lowered"))
        self.assertEqual(self.status("add.out"), ("lowered", "lowered"))
        self.assertEqual(self.status("mm.out"), ("lowered", "lowered"))
        self.assertIn("variant of add.Tensor", self.xla["add_.Tensor"]["reason"])

    def test_autogen_overloads_are_rows_too(self):
        self.assertEqual(self.status("_softmax.out"), ("lowered", "lowered"))
        self.assertEqual(self.ops["_softmax.out"]["autogen_from"], "_softmax")
        self.assertEqual(self.ops["_softmax.out"]["dispatch"], "autogen")

    def test_view_op_is_lowered_through_its_copy(self):
        self.assertEqual(self.status("transpose.int"), ("lowered", "lowered"))
        self.assertIn("transpose_copy.int", self.xla["transpose.int"]["reason"])

    def test_always_condition_means_fallback_by_default(self):
        self.assertEqual(self.status("nonzero"), ("fallback", "fallback_by_default"))
        self.assertEqual(self.status("nonzero.out"), ("fallback", "fallback_by_default"))
        self.assertTrue(self.xla["nonzero"]["condition"].startswith("ALWAYS"))

    def test_other_conditions_keep_lowered(self):
        self.assertEqual(self.status("eigh_like"), ("lowered", "lowered_conditional"))
        self.assertEqual(self.xla["eigh_like"]["condition"], "compute_v == False")

    def test_cpu_kernel_only_means_fallback(self):
        self.assertEqual(self.status("grid_sampler_2d"), ("fallback", "cpu_fallback"))
        self.assertEqual(self.status("weird_alias"), ("fallback", "cpu_fallback"))

    def test_no_cpu_kernel_or_sparse_only_is_unsupported(self):
        self.assertEqual(self.status("cudnn_thing"), ("unsupported", "no_cpu_kernel"))
        self.assertEqual(self.status("sparse_only"), ("unsupported", "nondense_only"))

    def test_composites_are_decomposed_and_refined_by_their_callees(self):
        self.assertEqual(self.status("softmax.int"), ("decomposed", "composite_implicit"))
        self.assertEqual(self.xla["softmax.int"]["decomposes_into"], "_softmax")
        self.assertEqual(self.status("layer_thing"), ("decomposed", "composite_implicit"))
        self.assertEqual(self.status("linalg_inv"), ("decomposed", "composite_implicit"))  # not in the table

    def test_bypassed_backward_is_decomposed(self):
        self.assertEqual(self.status("native_layer_norm_backward"), ("decomposed", "bypassed_by_xla_autograd"))

    def test_forced_condition_makes_the_caller_fall_back(self):
        self.assertEqual(self.status("eigvals_like"), ("fallback", "composite_implicit"))
        self.assertIn("always meets its fallback condition", self.xla["eigvals_like"]["reason"])

    def test_decomposition_cycle_takes_the_worst_exit_for_every_member(self):
        for op in ("cycle_a", "cycle_b"):
            self.assertEqual(self.status(op), ("fallback", "composite_implicit"), op)
            self.assertIn("decomposition cycle: cycle_a -> cycle_b -> cycle_a", self.xla[op]["reason"])
            self.assertIn("grid_sampler_2d", self.xla[op]["reason"])

    def test_cycle_without_exit_is_unknown(self):
        self.assertEqual(self.status("lonely_cycle"), ("unknown", "composite_implicit"))

    def test_non_aten_op_from_the_conditions(self):
        self.assertEqual(self.status("torchvision::nms"), ("fallback", "fallback_by_default"))

    def test_ops_missing_upstream_are_ignored(self):
        self.assertNotIn("removed_upstream_op", self.xla)

    def test_tags_are_columns(self):
        self.assertEqual(self.ops["nonzero"]["dynamic_output_shape"], "1")
        self.assertEqual(self.ops["nonzero"]["core"], "1")
        self.assertEqual(self.ops["item"]["data_dependent_output"], "1")
        self.assertEqual(self.ops["add.Tensor"]["other_tags"], "pointwise")
        self.assertEqual(self.ops["mm"]["python_decomposition"], "1")
        self.assertEqual(self.ops["_softmax"]["core_decomposition"], "1")

    def test_representative_overload(self):
        self.assertEqual(self.ops["nonzero"]["representative"], "1")
        self.assertEqual(self.ops["nonzero.out"]["representative"], "0")
        self.assertEqual(self.ops["add.Tensor"]["representative"], "1")  # no default overload: first functional

    def test_dispatch_key_targets(self):
        mps = _table(os.path.join(self.out, "status_mps.tsv"))
        xpu = _table(os.path.join(self.out, "status_xpu.tsv"))
        self.assertEqual(self.status("grid_sampler_2d", mps), ("lowered", "kernel"))
        self.assertEqual(self.status("layer_thing", mps), ("lowered", "kernel"))  # own key beats CIA
        self.assertEqual(self.status("add.Tensor", mps), ("lowered", "kernel"))  # via structured_delegate
        self.assertEqual(self.status("nonzero", mps), ("fallback", "cpu_fallback"))
        self.assertIn("PYTORCH_ENABLE_MPS_FALLBACK", mps["nonzero"]["reason"])
        self.assertEqual(self.status("mm", xpu), ("lowered", "kernel"))
        self.assertEqual(self.status("add.Tensor", xpu), ("fallback", "cpu_fallback"))  # ufunc: CPU/CUDA only

    def test_ascend_versions(self):
        ascend = _table(os.path.join(self.out, "status_ascend.tsv"))
        self.assertEqual(self.status("mm", ascend), ("lowered", "kernel"))
        self.assertEqual(self.status("add.Tensor", ascend), ("lowered", "kernel"))
        self.assertEqual(self.status("grid_sampler_2d", ascend), ("lowered", "kernel"))
        self.assertEqual(self.status("nonzero", ascend), ("fallback", "cpu_fallback"))  # only up to v2.12

    def test_torchtpu_registered_kernels_and_structured_variants_are_lowered(self):
        tpu = _table(os.path.join(self.out, "status_torchtpu.tsv"))
        self.assertEqual(self.status("mm.out", tpu), ("lowered", "kernel"))
        self.assertEqual(self.status("nonzero", tpu), ("lowered", "kernel"))
        self.assertIn("PrivateUse1", tpu["nonzero"]["reason"])
        self.assertEqual(tpu["nonzero"]["provenance"], "torchtpu")
        for overload in ("mm", "add.Tensor", "add_.Tensor"):  # the inferred file
            self.assertEqual(self.status(overload, tpu), ("lowered", "structured_delegate"), overload)
            self.assertEqual(tpu[overload]["provenance"], "torchtpu_inferred")
        self.assertIn("mm.out", tpu["mm"]["reason"])
        # A registered autogen out= variant is lowered although the entry that generates it is not.
        self.assertEqual(self.status("_softmax.out", tpu), ("lowered", "kernel"))
        # Registered at AutogradPrivateUse1 only, and a composite upstream: the TPU path wins.
        self.assertEqual(self.status("layer_thing", tpu), ("lowered", "kernel"))
        self.assertIn("AutogradPrivateUse1", tpu["layer_thing"]["reason"])

    def test_torchtpu_ops_without_a_kernel_raise_unless_the_cpu_fallback_is_enabled(self):
        tpu = _table(os.path.join(self.out, "status_torchtpu.tsv"))
        for overload in ("grid_sampler_2d", "nonzero.out", "_softmax", "eigh_like"):
            self.assertEqual(self.status(overload, tpu), ("unsupported", "cpu_fallback_opt_in"), overload)
            self.assertIn("only when the program enables TorchTPU's CPU fallback", tpu[overload]["reason"])
            self.assertIn("enable_cpu_fallback", tpu[overload]["reason"])
        self.assertEqual(self.status("cudnn_thing", tpu), ("unsupported", "no_cpu_kernel"))
        self.assertEqual(self.status("sparse_only", tpu), ("unsupported", "nondense_only"))
        self.assertNotIn("fallback", {row["status"] for row in tpu.values()})  # never silently on the CPU

    def test_torchtpu_composites_take_their_callees_answer(self):
        tpu = _table(os.path.join(self.out, "status_torchtpu.tsv"))
        self.assertEqual(self.status("transpose.int", tpu), ("decomposed", "composite_explicit"))
        self.assertEqual(self.status("softmax.int", tpu), ("unsupported", "composite_implicit"))
        self.assertIn("decomposes into _softmax", tpu["softmax.int"]["reason"])
        self.assertIn("CPU fallback", tpu["softmax.int"]["reason"])
        self.assertEqual(self.status("cycle_a", tpu), ("unsupported", "composite_implicit"))
        self.assertEqual(self.status("lonely_cycle", tpu), ("unknown", "composite_implicit"))

    def test_torchtpu_names_torch_does_not_define_are_noted_not_rows(self):
        tpu = _table(os.path.join(self.out, "status_torchtpu.tsv"))
        self.assertNotIn("no_such_overload", tpu)
        with open(os.path.join(self.out, "status_torchtpu.tsv"), encoding="utf-8") as f:
            header = [line for line in f if line.startswith("# note:")]
        self.assertEqual(len(header), 1)
        self.assertIn("no_such_overload", header[0])

    def test_python_api_derived_and_manual(self):
        self.assertEqual(self.python["torch.nonzero"]["aten"], "aten::nonzero")
        self.assertEqual(self.python["torch.nonzero"]["source"], "manual")
        self.assertEqual(self.python["Tensor.nonzero"]["aten"], "aten::nonzero")
        self.assertEqual(self.python["torch.mm"]["aten"], "aten::mm")
        self.assertEqual(self.python["torch.add"]["aten"], "aten::add.Tensor")
        self.assertEqual(self.python["Tensor.add_"]["aten"], "aten::add_.Tensor")
        self.assertEqual(self.python["torch.linalg.inv"]["aten"], "aten::linalg_inv")
        self.assertEqual(self.python["torch.fft.fft"]["aten"], "aten::fft_fft")
        self.assertEqual(self.python["torch.special.erf"]["aten"], "aten::special_erf")
        self.assertEqual(self.python["torch._C._nn.gelu"]["aten"], "aten::gelu")
        self.assertEqual(self.python["Tensor.item"]["aten"], "aten::item")
        self.assertNotIn("torch.item", self.python)  # method-only
        self.assertNotIn("Tensor.fft_fft", self.python)  # function-only
        self.assertEqual(self.python["torch.nn.functional.softmax"]["aten"], "aten::softmax.int")
        self.assertEqual(self.python["torch.nn.Linear"]["also"], "aten::add.Tensor")

    def test_unrecorded_inputs_are_labelled(self):
        with open(os.path.join(self.out, "status_xla.tsv"), encoding="utf-8") as f:
            header = [line for line in f if line.startswith("#source")]
        self.assertEqual(len(header), 3)
        self.assertTrue(all("unrecorded (sha256 " in line for line in header))

    def test_output_is_deterministic(self):
        with tempfile.TemporaryDirectory() as again:
            _generate_fixture(again)
            for name in GENERATED_TABLES:
                self.assertTrue(filecmp.cmp(os.path.join(self.out, name), os.path.join(again, name), shallow=False),
                                name)


class BadInputs(unittest.TestCase):
    def test_unknown_op_in_decomposition_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "calls.tsv")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("mm\tno_such_op\tfixture\n")
            with self.assertRaisesRegex(ValueError, "unknown callee `no_such_op`"):
                generate_opdb.generate(os.path.join(FIXTURES, "upstream"), tmp, bad,
                                       os.path.join(FIXTURES, "python_api_manual.tsv"))

    def test_unknown_op_in_python_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "python.tsv")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("torch.nn.Foo\tno_such_op\n")
            with self.assertRaisesRegex(ValueError, "unknown aten op `no_such_op`"):
                generate_opdb.generate(os.path.join(FIXTURES, "upstream"), tmp,
                                       os.path.join(FIXTURES, "composite_calls.tsv"), bad)


    def _generate_with_inferred(self, tmp, text):
        upstream = os.path.join(tmp, "upstream")
        shutil.copytree(os.path.join(FIXTURES, "upstream"), upstream)
        with open(os.path.join(upstream, "torch-tpu", "inferred_structured_variants.tsv"), "w", encoding="utf-8") as f:
            f.write("overload\tbase\tsource_path\tsource_commit\tnotes\n" + text)
        generate_opdb.generate(upstream, os.path.join(tmp, "out"), os.path.join(FIXTURES, "composite_calls.tsv"),
                               os.path.join(FIXTURES, "python_api_manual.tsv"))

    def test_inferred_variant_whose_delegate_torchtpu_does_not_register(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(ValueError, "`nonzero` delegates to `nothing`"):
                self._generate_with_inferred(tmp, "nonzero\tnonzero\tx\tx\tINFERRED\n")

    def test_inferred_variant_torch_does_not_define(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(ValueError, "`no_such_op` is not a torch overload"):
                self._generate_with_inferred(tmp, "no_such_op\tno_such_op\tx\tx\tINFERRED\n")


class Units(unittest.TestCase):
    def test_schema_groups_inplace_out_and_functional(self):
        functional = schema.parse("add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor")
        inplace = schema.parse("add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)")
        out = schema.parse("add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)")
        self.assertTrue(functional.is_functional)
        self.assertTrue(inplace.is_inplace and not inplace.is_out)
        self.assertTrue(out.is_out and not out.is_inplace)
        self.assertEqual(functional.signature_key, inplace.signature_key)
        self.assertEqual(functional.signature_key, out.signature_key)

    def test_schema_handles_nested_alias_sets_and_bracket_defaults(self):
        parsed = schema.parse("weird(Tensor(a -> *) self, int[2] stride=[1, 1]) -> Tensor(a)")
        self.assertEqual(parsed.overload, "weird")
        self.assertEqual(parsed.signature_key, ("weird", ("Tensor self", "int[2] stride")))
        self.assertEqual(schema.parse("__iand__.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)").base, "__and__")

    def test_ascend_version_selectors(self):
        v214 = (2, 14)
        self.assertTrue(backend_status.selector_includes("all_version", v214))
        self.assertTrue(backend_status.selector_includes(["v2.1", "newest"], v214))
        self.assertFalse(backend_status.selector_includes(["v2.1", "v2.12"], v214))
        self.assertTrue(backend_status.selector_includes("v2.13, v2.14", v214))
        self.assertFalse(backend_status.selector_includes("v2.1", v214))
        self.assertFalse(backend_status.selector_includes(None, v214))

    def test_read_tsv_skips_comments(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.tsv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("# comment\n\na\tb\n")
            self.assertEqual(yaml_io.read_tsv(path), [["a", "b"]])


class CommittedTables(unittest.TestCase):
    """The committed tables name the upstream commits they were generated from (test_upstream_data.py
    re-derives them from ../shared/upstream)."""

    def test_committed_tables_carry_the_upstream_commits(self):
        with open(os.path.join(COMMITTED, "status_xla.tsv"), encoding="utf-8") as f:
            header = f.read(4000)
        self.assertIn("41398bfff334fc8d3b1c00be6ea8cc5411f6d6bf", header)  # pytorch/xla
        self.assertIn("86e397404a662ee45f97f04d0c00f22509b5a261", header)  # aten_xla_type.cpp
        self.assertIn("2.14.1", header)
        with open(os.path.join(COMMITTED, "status_ascend.tsv"), encoding="utf-8") as f:
            self.assertIn("517f2e7d0f202f38b76310706cb977ca2388ad21", f.read(4000))
        with open(os.path.join(COMMITTED, "status_torchtpu.tsv"), encoding="utf-8") as f:
            self.assertIn("#provenance\ttorchtpu\tregistered_aten_ops.tsv@4438ac1cec8ba9ea52bdf54f219492c8309fdf2a",
                          f.read(4000))


if __name__ == "__main__":
    unittest.main()
