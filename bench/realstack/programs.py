# SPDX-License-Identifier: Apache-2.0
"""The programs the real-stack benchmark rewrites and runs: the bundled sample, and public training
scripts that the user checks out beside the project (never committed here; `--corpus DIR` holds one
folder per repository, named as below, at the pinned commit).

Each program says where it lives, which script to run, how to make a few kilobytes of generated
training data (no download), the arguments that keep it to a few steps for the CPU run of the
original and for the XLA run of the rewritten copy, and how to read its training losses from what it
prints."""
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]


def no_data(folder: Path) -> None:
    """The program makes its own data."""


def nanogpt_data(folder: Path) -> None:
    """nanoGPT's `data/<dataset>/{train,val}.bin` (uint16 token ids) and `meta.pkl`: random ids over
    a 65-symbol vocabulary, the size of its shakespeare_char set, seeded so every run is the same."""
    import numpy as np
    data = folder / "data" / "tiny"
    data.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split, size in (("train", 20000), ("val", 4000)):
        rng.integers(0, 65, size, dtype=np.uint16).tofile(data / f"{split}.bin")
    with open(data / "meta.pkl", "wb") as meta:
        pickle.dump({"vocab_size": 65}, meta)


def nanogpt_bench_data(folder: Path) -> None:
    """nanoGPT's bench.py reads `data/openwebtext/train.bin`: random GPT-2 token ids, seeded."""
    import numpy as np
    data = folder / "data" / "openwebtext"
    data.mkdir(parents=True, exist_ok=True)
    np.random.default_rng(0).integers(0, 50304, 20000, dtype=np.uint16).tofile(data / "train.bin")


def chargpt_data(folder: Path) -> None:
    """minGPT's chargpt reads `input.txt` from its working directory: a short generated text."""
    words = ["tensor", "device", "graph", "step", "loss", "shard", "core", "chip", "mesh", "lazy"]
    lines = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(9)) for i in range(400)]
    # chargpt samples a completion of this prompt: every character of it must be in the vocabulary.
    lines.append("O God, O God!")
    (folder / "projects" / "chargpt" / "input.txt").write_text("\n".join(lines) + "\n")


NANOGPT_ARGS = ["--dataset=tiny", "--compile=False", "--dtype=float32", "--max_iters=6",
                "--eval_interval=1000", "--eval_iters=2", "--log_interval=1", "--batch_size=4",
                "--block_size=32", "--n_layer=2", "--n_head=2", "--n_embd=64", "--dropout=0.0",
                "--gradient_accumulation_steps=1", "--always_save_checkpoint=False"]
# Dropout off: its random masks come from different generators on the CPU and on XLA.
MINGPT_ARGS = ["--model.model_type=gpt-nano", "--model.embd_pdrop=0.0", "--model.resid_pdrop=0.0",
               "--model.attn_pdrop=0.0", "--trainer.num_workers=0", "--trainer.batch_size=8",
               "--trainer.max_iters=21"]
MINGPT_LOSS = r"iter (\d+): train loss (\d+\.\d+)"
# bench.py builds GPT-2 small (12 layers, 124M parameters) whatever its flags say; a short context
# and two sequences keep each step to seconds. Its 10 burn-in and 20 timed steps both count from 0.
NANOGPT_BENCH_ARGS = ["--batch_size=2", "--block_size=32", "--compile=False", "--dtype=float32"]


@dataclass
class Program:
    name: str
    repository: Optional[str]      # folder under --corpus; None: this project's own sample
    commit: Optional[str]          # the commit the figures in README.md were measured at
    workdir: str                   # where the script runs, relative to the repository
    script: str
    cpu_args: list
    xla_args: list
    loss_pattern: str              # one match per logged step: (step, loss), or (loss,) in step order
    make_data: Callable[[Path], None] = no_data
    # The largest relative loss difference, XLA:CPU against eager CPU. The rewrite turns a request
    # for TF32 matmuls into XLA's "high" precision (bf16_3x), which drifts from float32 by about
    # 1e-3 over a few steps, as TF32 on the GPU the original was written for does.
    tolerance: float = 1e-2
    python_path: list = field(default_factory=list)  # folders, relative to the repository, on sys.path
    # The original calls CUDA unconditionally (torch.cuda.synchronize(), say): its reference run on
    # the CPU goes through `tpu-migrate trace --cuda-as-cpu`, unchanged, as a user would run it.
    cuda_as_cpu: bool = False

    def folder(self, corpus: Optional[Path]) -> Optional[Path]:
        if self.repository is None:
            return ROOT / "samples" / "gpt_trainer"
        return corpus / self.repository if corpus else None

    def losses(self, text: str) -> dict:
        found = re.findall(self.loss_pattern, text, re.M)
        if found and isinstance(found[0], str):  # one group: the losses in the order logged
            return {step: float(loss) for step, loss in enumerate(found)}
        return {int(step): float(loss) for step, loss in found}


PROGRAMS = [
    Program("gpt_trainer (sample)", None, None, ".", "train.py",
            cpu_args=["--device", "cpu", "--steps", "5", "--num-workers", "0", "--eval-interval", "5",
                      "--eval-iters", "2"],
            xla_args=["--device", "xla", "--steps", "5", "--num-workers", "0", "--eval-interval", "5",
                      "--eval-iters", "2"],
            loss_pattern=r"^step +(\d+) \| loss (\d+\.\d+)"),
    Program("nanoGPT train.py", "nanoGPT", "3adf61e154c3fe3fca428ad6bc3818b27a3b8291", ".", "train.py",
            cpu_args=["--device=cpu", *NANOGPT_ARGS], xla_args=NANOGPT_ARGS,
            loss_pattern=r"^iter (\d+): loss (\d+\.\d+)", make_data=nanogpt_data),
    Program("nanoGPT bench.py", "nanoGPT", "3adf61e154c3fe3fca428ad6bc3818b27a3b8291", ".", "bench.py",
            cpu_args=NANOGPT_BENCH_ARGS, xla_args=NANOGPT_BENCH_ARGS,
            loss_pattern=r"^\d+/\d+ loss: (\d+\.\d+)", make_data=nanogpt_bench_data, cuda_as_cpu=True),
    Program("minGPT chargpt", "minGPT", "37baab71b9abea1b76ab957409a1cc2fbfba8a26", "projects/chargpt",
            "chargpt.py", cpu_args=[*MINGPT_ARGS, "--data.block_size=16"],
            xla_args=[*MINGPT_ARGS, "--data.block_size=16"], loss_pattern=MINGPT_LOSS,
            make_data=chargpt_data, python_path=["."]),
    Program("minGPT adder", "minGPT", "37baab71b9abea1b76ab957409a1cc2fbfba8a26", "projects/adder",
            "adder.py", cpu_args=MINGPT_ARGS, xla_args=MINGPT_ARGS, loss_pattern=MINGPT_LOSS,
            python_path=["."]),
]
