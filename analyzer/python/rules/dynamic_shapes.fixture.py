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

# TPU606 (line 16) is PyTorch/XLA's only: this fixture is analysed for it.
# fixture-target: xla
