"""Synthetic character-level corpus, tokenizer and data loaders.

We do not ship a dataset: a small play-like corpus is generated deterministically
from a seed, which is enough to check that the model learns and that the input
pipeline (workers, pinned memory, async host-to-device copies) behaves.
"""
import random

import torch
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

# Same 65-symbol alphabet as the classic tiny-shakespeare char model.
VOCAB = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_SPEAKERS = ["ROMEO", "JULIET", "MERCUTIO", "NURSE", "FRIAR LAURENCE", "TYBALT", "BENVOLIO"]
_WORDS = (
    "the and my thou thee thy love night day sweet fair heart death sword moon what "
    "shall will not come go speak hath doth good lord lady fear dream light star "
    "grave kiss name rose tears banish morrow gentle"
).split()
_PUNCT = [".", ",", "!", "?", ";", ":"]


class CharTokenizer:
    def __init__(self, vocab=VOCAB):
        self.vocab = vocab
        self.stoi = {ch: i for i, ch in enumerate(vocab)}

    @property
    def vocab_size(self):
        return len(self.vocab)

    def encode(self, text):
        return [self.stoi[ch] for ch in text]

    def decode(self, ids):
        return "".join(self.vocab[i] for i in ids)


def synthetic_corpus(num_chars=40_000, seed=0):
    """Generate `num_chars` characters of pseudo-dialogue, identical for a given seed."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < num_chars:
        lines = []
        for _ in range(rng.randint(1, 3)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 10))]
            words[0] = words[0].capitalize()
            lines.append(" ".join(words) + rng.choice(_PUNCT))
        block = f"{rng.choice(_SPEAKERS)}:\n" + "\n".join(lines) + "\n\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)[:num_chars]


class CharDataset(Dataset):
    """Every position in the token stream starts one (input, target) window."""

    def __init__(self, data, block_size):
        self.data = data
        self.block_size = block_size

    def __len__(self):
        return len(self.data) - self.block_size - 1

    def __getitem__(self, idx):
        chunk = self.data[idx : idx + self.block_size + 1]
        return chunk[:-1], chunk[1:]


def build_dataloaders(tokenizer, block_size, batch_size, num_workers=2, distributed=False,
                      seed=0, num_chars=40_000):
    text = synthetic_corpus(num_chars, seed=seed)
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    split = int(0.9 * len(data))
    train_ds = CharDataset(data[:split], block_size)
    val_ds = CharDataset(data[split:], block_size)

    train_sampler = DistributedSampler(train_ds, shuffle=True, seed=seed) if distributed else None
    common = dict(
        batch_size=batch_size,
        num_workers=num_workers,
        pin_memory=True,  # page-locked host buffers so the H2D copy can be async
        drop_last=True,
        persistent_workers=num_workers > 0,
    )
    train_loader = DataLoader(train_ds, sampler=train_sampler, shuffle=train_sampler is None, **common)
    val_loader = DataLoader(val_ds, shuffle=False, **common)
    return train_loader, val_loader


def to_device(batch, device):
    """Move an (x, y) batch to `device`; non_blocking only matters for pinned memory."""
    return tuple(t.to(device, non_blocking=True) for t in batch)


class CUDAPrefetcher:
    """Overlap host->device copies with compute by staging the next batch on a side stream."""

    def __init__(self, loader, device):
        self.loader = iter(loader)
        self.device = device
        self.stream = torch.cuda.Stream(device=device)
        self._next = None
        self._preload()

    def _preload(self):
        try:
            batch = next(self.loader)
        except StopIteration:
            self._next = None
            return
        with torch.cuda.stream(self.stream):
            self._next = tuple(t.cuda(device=self.device, non_blocking=True) for t in batch)

    def __iter__(self):
        return self

    def __next__(self):
        if self._next is None:
            raise StopIteration
        current = torch.cuda.current_stream(self.device)
        current.wait_stream(self.stream)
        batch = self._next
        for t in batch:
            # Tell the caching allocator these buffers are now used on the compute stream.
            t.record_stream(current)
        self._preload()
        return batch
