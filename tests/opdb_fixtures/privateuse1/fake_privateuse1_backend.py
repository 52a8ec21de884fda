# SPDX-License-Identifier: Apache-2.0
"""A real PrivateUse1 backend in a few lines, for testing `opdb sync --target torchtpu` where
torch_tpu is not installed: importing it registers aten kernels at the PrivateUse1 dispatch key
through torch.library, as torch_tpu's C++ TORCH_LIBRARY_IMPL(aten, PrivateUse1, m) does. The
kernels are never called; the dispatcher only has to list them.

Works with Debian's python3-torch 1.13 (torch.library.Library(ns, "IMPL", key)); 1.13 has no
torch.utils.rename_privateuse1_backend, so the key keeps its name PrivateUse1.
"""
import torch

__version__ = "0.0-fixture"

# As TorchTPU registers them: the out= kernels of structured ops, and a few ops whole.
REGISTERED = ("mm.out", "add.out", "nonzero", "index_select")


def _not_callable(*args, **kwargs):
    raise NotImplementedError("fake_privateuse1_backend only registers kernels; it runs none")


_library = torch.library.Library("aten", "IMPL", "PrivateUse1")
for _name in REGISTERED:
    _library.impl(_name, _not_callable)
