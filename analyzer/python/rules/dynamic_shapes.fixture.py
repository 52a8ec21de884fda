import torch
import torch.nn.functional as F

idx = torch.nonzero(mask)  # expect: TPU602
values = torch.unique(labels)  # expect: TPU602
picked = torch.masked_select(x, mask)  # expect: TPU602
positions = torch.where(mask)  # expect: TPU602
rows = mask.nonzero()  # expect: TPU602


def train_epoch(model, loader, optimizer):
    for x, y in loader:
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()  # expect: TPU606
        total = loss.item()  # expect: TPU600
        preds = logits.argmax(-1).tolist()  # expect: TPU601
        arr = logits.cpu().numpy()  # expect: TPU605, TPU605
        print(loss)  # expect: TPU605
        valid = logits[y != -100]  # expect: TPU603
        keep = y > 0
        kept = logits[keep]  # expect: TPU603
        if loss < 0.01:  # expect: TPU604
            break
        if torch.isnan(loss).any():  # expect: TPU604
            break
        while (logits > 1e4).any():  # expect: TPU604
            logits = logits / 2


def compute_metrics(logits, labels):
    # What the step calls (metrics, losses, post-processing) syncs too.
    correct = (logits.argmax(-1) == labels).sum().item()  # expect: TPU600
    return correct / labels.numel()


def summarize(metrics):
    # Any function of a torch file may run in training; the rest are not tensors.
    final = metrics["loss"].item()  # expect: TPU600
    print("done", final)
    if final < 0.1:
        return True
    for name in metrics:
        if name in ("loss", "acc"):
            print(name)
    selected = torch.where(mask, x, torch.zeros_like(x))
    first = items[0]
    return selected, first

import numpy as np
from torch.export._trace import custom_ops_disabled


def median_of(window, buffer, loss_dict):
    # A `.cpu()` on the line itself is the device read; the same value read again is not.
    losses = {k: v.detach().cpu().item() for k, v in loss_dict.items()}  # expect: TPU600
    host = buffer.cpu()  # the copy: a judgement call, not a step
    header = host[:4].tolist()
    # Host values: built without a device, or NumPy data; reading them waits for no device.
    d = torch.tensor(list(window))
    stats = [torch.cat(x, 0).cpu().numpy() for x in window]
    counts = np.bincount(labels, minlength=10)
    if stats[0].any() or counts.sum() == 0:
        return None
    if custom_ops_disabled():
        return None
    mean = torch.mean(torch.tensor(window)).item()
    on_device = torch.tensor(list(window), device="cuda").sum().item()  # expect: TPU102, TPU600
    return d.sum().item(), header, losses, mean, on_device


def forward(x, input_pos: Optional[torch.Tensor] = None, max_len: int = 8, step: int = 0):
    # A parameter annotated as a tensor is one; an int parameter is not.
    if input_pos[-1] >= max_len:  # expect: TPU604
        return x
    if step >= max_len or input_pos is None:
        return x
    input_pos = len(x)
    if input_pos >= max_len:
        return x
    return x

# TPU606 (line 16) is PyTorch/XLA's only: this fixture is analysed for it.
# fixture-target: xla


def scaled_step(model, batch, args):
    # A setting named like a loss (a getter's or getattr's result, compared with a string) is
    # no tensor; a loss a criterion returns is.
    loss_scale = getattr(args, "loss_scale_mode", "none")
    if loss_scale == "linear":
        return model(batch)
    loss_weight = get_loss_weight(args)
    if loss_weight != 1.0:
        return model(batch)
    for x, y in batch:
        loss = criterion(model(x), y)
        if loss > 0:  # expect: TPU604
            break
    return model(batch)


def generate(model, idx, max_new_tokens, cache):
    # A decode loop: the sequence grows by one token per step, a new shape each time.
    for _ in range(max_new_tokens):
        logits = model(idx[:, -32:])
        next_token = logits[:, -1:].argmax(-1)
        idx = torch.cat((idx, next_token), dim=1)  # expect: TPU607
        cache.keys = torch.cat([cache.keys, next_token], 1)  # expect: TPU607
        out = torch.cat((next_token, idx), dim=1)  # a new name each time: no growth
        both = torch.cat((idx, idx), dim=1)
    idx = torch.cat((idx, idx), dim=1)  # outside a loop: one concatenation
    return idx, out, both

