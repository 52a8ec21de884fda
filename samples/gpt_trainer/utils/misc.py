"""Small helpers shared by the training scripts."""
import math
import os

_TRUE = {"1", "true", "yes", "on"}


def cuda(flag):
    """Parse the legacy `cuda:` switch from old YAML run configs and env overrides.

    Old configs wrote it as a bool, an int or a string ("yes", "0", ...).
    """
    if isinstance(flag, bool):
        return flag
    return str(flag).strip().lower() in _TRUE


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def cosine_lr(step, base_lr, min_lr, warmup_steps, total_steps):
    """Linear warmup followed by cosine decay down to `min_lr`."""
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path
