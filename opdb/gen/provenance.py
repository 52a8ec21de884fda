# SPDX-License-Identifier: Apache-2.0
"""Where each input came from, recognised by content hash.

The commit ids are those recorded in ../shared/upstream/PROVENANCE.md §1. Keying them by sha256
means a table can only claim a commit when its input is byte-identical to the recorded copy;
any other input (a fixture, a newer download) is labelled `unrecorded` with its hash instead.
"""

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str  # short name used in the tables' `#source` lines
    path: str  # relative to the upstream directory
    origin: str  # repository@commit, or a description when there is no commit
    sha256: str
    recorded: bool  # True when the hash matches the copy PROVENANCE.md describes

    @property
    def label(self) -> str:
        """`file@commit` as shown to users (`xla_native_functions.yaml@41398bf…`, `…@torch-2.14.1`)."""
        return f"{self.path.rsplit('/', 1)[-1]}@{short_origin(self)}"


# sha256 -> origin, per PROVENANCE.md (the derived files were hashed when copied here).
_KNOWN = {
    "d68d30699549d4b75ed0a8765a9a29663e7d7be7a25e381a40f6ce72ad2d3060":
        "pytorch/pytorch release 2.14.1 (Debian python3-torch 2.14.1+dfsg-1; git commit unknown)",
    "013f0f6de0b8503050999db8f68e82bc9f1b009d9955d54dd13e6a648ca2c5c0":
        "pytorch/pytorch release 2.14.1 (Debian python3-torch 2.14.1+dfsg-1; git commit unknown)",
    "5dd9b0777ad43d9aec4941cb71c46e8d8fc579872a966c6e9e96a7b0882a889f":
        "pytorch/xla 41398bfff334fc8d3b1c00be6ea8cc5411f6d6bf",
    "6b368df74e06e832df5f262ca7e93c7366fca5aaf1c61dbaa38633ce6f91a26e":
        "Ascend/op-plugin 517f2e7d0f202f38b76310706cb977ca2388ad21",
    "5488751bfe8dae2e3999660bd24ba20abe9248ac2950d67450b05a89160b379f":
        "derived from pytorch/xla torch_xla/csrc/aten_xla_type.cpp@86e397404a662ee45f97f04d0c00f22509b5a261",
    "f1544e8bf3bbb0b0a4dd54b3b86660723692f4b8c56677702b293a7cc2cf6dee":
        "derived from torch/_decomp and torch/_refs in python3-torch 2.14.1+dfsg-1",
    "6c4bda60292801f493f7b145ad3ef12c7d65b5c291ceabd258fe7800a87deff4":
        "derived from torch/_decomp/__init__.py in python3-torch 2.14.1+dfsg-1",
    # torch-tpu/: read from the mirror jonathan1920/torch_tpu of google-pytorch/torch_tpu (PROVENANCE.md).
    "5656153512028837979ecc6c6c8e923c5caed31ea5ae3dd6f614994fe882588a":
        "jonathan1920/torch_tpu (mirror of google-pytorch/torch_tpu) 4438ac1cec8ba9ea52bdf54f219492c8309fdf2a",
    "0571fd567af7b84d6c4269a2e45158711f8a499e6925ac32481802f6256e376c":
        "derived from jonathan1920/torch_tpu@4438ac1cec8ba9ea52bdf54f219492c8309fdf2a registrations and "
        "native_functions.yaml 2.14.1 (INFERRED)",
}

# The inputs the generator reads from the upstream directory.
INPUTS = {
    "pytorch": "pytorch/native_functions.yaml",
    "pytorch_tags": "pytorch/tags.yaml",
    "xla": "pytorch-xla/xla_native_functions.yaml",
    "xla_conditions": "derived/xla_cpu_fallback_conditions.tsv",
    "python_decompositions": "derived/torch_python_decompositions.tsv",
    "core_decompositions": "derived/core_aten_decompositions.txt",
    "ascend": "ascend-op-plugin/op_plugin_functions.yaml",
    "torchtpu": "torch-tpu/registered_aten_ops.tsv",
    "torchtpu_inferred": "torch-tpu/inferred_structured_variants.tsv",
}


def sha256_of(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def identify(upstream_dir: str) -> dict:
    """key -> Source for every input file."""
    sources = {}
    for key, rel in INPUTS.items():
        digest = sha256_of(f"{upstream_dir}/{rel}")
        origin = _KNOWN.get(digest)
        sources[key] = Source(key, rel, origin or f"unrecorded (sha256 {digest[:12]})", digest, origin is not None)
    return sources


def short_origin(source: Source) -> str:
    """The commit or release an answer cites: `41398bfff334…` or `torch-2.14.1`."""
    origin = source.origin
    if origin.startswith("pytorch/pytorch release "):
        return "torch-" + origin.split()[2]
    if origin.startswith(("unrecorded", "derived")):
        return origin
    return origin.split()[-1]
