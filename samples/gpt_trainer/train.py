#!/usr/bin/env python3
"""Train a small character-level GPT on a synthetic corpus.

Single GPU:  python train.py --amp
Multi GPU:   torchrun --nproc_per_node=8 train.py --amp --compile   (see scripts/launch.sh)
"""
import argparse
import os
import time
from contextlib import nullcontext

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

from data import CharTokenizer, CUDAPrefetcher, build_dataloaders, to_device
from model import GPT, GPTConfig
from ops import global_grad_norm
from utils.misc import cosine_lr, count_parameters, cuda, ensure_dir
from utils.profiling import StepTimer, device_memory_report, nvtx_range


def parse_args():
    p = argparse.ArgumentParser(description="Train a small char-level GPT")
    p.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu")
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--block-size", type=int, default=32)
    p.add_argument("--n-layer", type=int, default=2)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--min-lr", type=float, default=3e-4)
    p.add_argument("--warmup-steps", type=int, default=20)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--num-workers", type=int, default=2)
    p.add_argument("--eval-interval", type=int, default=100)
    p.add_argument("--eval-iters", type=int, default=10)
    p.add_argument("--log-interval", type=int, default=1)
    p.add_argument("--early-stop-loss", type=float, default=0.05,
                   help="stop as soon as the training loss falls below this value")
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--amp", action="store_true", help="fp16 autocast + loss scaling")
    p.add_argument("--compile", action="store_true", help="wrap the model in torch.compile")
    p.add_argument("--no-fused", action="store_true", help="disable flash-attn/apex/triton paths")
    p.add_argument("--out-dir", default="runs")
    p.add_argument("--save", action="store_true", help="write a checkpoint at the end")
    return p.parse_args()


def setup_distributed(args):
    """Returns (distributed, rank, local_rank, world_size, device)."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size > 1:
        # torchrun sets RANK / LOCAL_RANK / WORLD_SIZE / MASTER_ADDR for us.
        dist.init_process_group(backend="nccl")
        local_rank = int(os.environ["LOCAL_RANK"])
        torch.cuda.set_device(local_rank)
        return True, dist.get_rank(), local_rank, world_size, torch.device("cuda", local_rank)

    device = torch.device(args.device)
    # Fall back gracefully when cuda is requested on a machine without GPUs.
    if device.type == "cuda" and not torch.cuda.is_available():
        print("cuda not available, falling back to cpu")
        device = torch.device("cpu")
    return False, 0, 0, 1, device


def set_seed(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def infinite_batches(loader, device):
    epoch = 0
    while True:
        if hasattr(loader.sampler, "set_epoch"):
            loader.sampler.set_epoch(epoch)
        if device.type == "cuda":
            yield from CUDAPrefetcher(loader, device)
        else:
            for batch in loader:
                yield to_device(batch, device)
        epoch += 1


def token_accuracy(logits, targets, ignore_index=-1):
    """Next-token accuracy over non-ignored positions, plus the number of misses."""
    preds = logits.argmax(dim=-1)
    valid = targets != ignore_index
    correct = preds[valid] == targets[valid]
    misses = torch.nonzero(~correct)
    acc = correct.float().mean().item() if correct.numel() else 0.0
    return acc, misses.size(0)


@torch.no_grad()
def evaluate(model, loader, device, eval_iters, autocast):
    model.eval()
    losses, accs, token_losses = [], [], []
    for i, batch in enumerate(loader):
        if i >= eval_iters:
            break
        x, y = to_device(batch, device)
        with autocast():
            logits, loss = model(x, y)
        losses.append(loss.item())
        accs.append(token_accuracy(logits, y)[0])
        per_token = F.cross_entropy(logits.float().view(-1, logits.size(-1)), y.view(-1), reduction="none")
        token_losses.append(per_token.cpu().numpy())
    model.train()

    stats = {
        "loss": float(np.mean(losses)),
        "acc": float(np.mean(accs)),
        "p90_token_loss": float(np.percentile(np.concatenate(token_losses), 90)),
    }
    if dist.is_available() and dist.is_initialized():
        t = torch.tensor([stats["loss"]], device=device)
        dist.all_reduce(t)
        stats["loss"] = t.item() / dist.get_world_size()
    return stats


def main():
    args = parse_args()
    # Old cluster configs export GPT_TRAINER_CUDA=0 to force a CPU smoke run.
    if not cuda(os.environ.get("GPT_TRAINER_CUDA", "1")):
        args.device = "cpu"

    distributed, rank, local_rank, world_size, device = setup_distributed(args)
    is_master = rank == 0
    set_seed(args.seed + rank)

    if device.type == "cuda":
        # Fixed shapes: let cuDNN autotune, and allow TF32 tensor cores on Ampere+.
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    tokenizer = CharTokenizer()
    train_loader, val_loader = build_dataloaders(
        tokenizer, args.block_size, args.batch_size, num_workers=args.num_workers,
        distributed=distributed, seed=args.seed,
    )

    config = GPTConfig(
        vocab_size=tokenizer.vocab_size, block_size=args.block_size, n_layer=args.n_layer,
        n_head=args.n_head, d_model=args.d_model, dropout=args.dropout,
        use_fused_kernels=not args.no_fused,
    )
    base_model = GPT(config).to(device)
    optimizer = base_model.configure_optimizers(args.weight_decay, args.lr, device.type)
    if is_master:
        print(f"model: {count_parameters(base_model) / 1e6:.3f}M params | device {device} | world {world_size}")

    model = base_model
    if args.compile:
        if hasattr(torch, "compile"):
            model = torch.compile(model, mode="max-autotune")
        elif is_master:
            print("torch.compile needs torch>=2.0, continuing in eager mode")
    if distributed:
        model = DDP(model, device_ids=[local_rank])

    use_amp = args.amp and device.type == "cuda"
    scaler = torch.cuda.amp.GradScaler(enabled=use_amp)

    def autocast():
        return torch.cuda.amp.autocast(dtype=torch.float16) if use_amp else nullcontext()

    batches = infinite_batches(train_loader, device)
    timer = StepTimer(device)
    t_start = time.time()
    for step in range(1, args.steps + 1):
        lr = cosine_lr(step, args.lr, args.min_lr, args.warmup_steps, args.steps)
        for group in optimizer.param_groups:
            group["lr"] = lr

        timer.start()
        with nvtx_range("data"):
            x, y = next(batches)
        with nvtx_range("forward"), autocast():
            _, loss = model(x, y)
        with nvtx_range("backward"):
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
        with nvtx_range("optimizer"):
            scaler.unscale_(optimizer)
            grad_norm = global_grad_norm(base_model.parameters())
            if args.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(base_model.parameters(), args.grad_clip)
            scaler.step(optimizer)
            scaler.update()
        step_ms = timer.stop()

        if is_master and step % args.log_interval == 0:
            print(f"step {step:5d} | loss {loss.item():.4f} | grad norm {grad_norm.item():.3f} "
                  f"| lr {lr:.2e} | {step_ms:.1f} ms")

        if step % args.eval_interval == 0 or step == args.steps:
            stats = evaluate(model, val_loader, device, args.eval_iters, autocast)
            if is_master:
                print(f"eval  {step:5d} | val loss {stats['loss']:.4f} | acc {stats['acc']:.3f} "
                      f"| p90 token loss {stats['p90_token_loss']:.3f}")
            if device.type == "cuda":
                torch.cuda.empty_cache()

        if loss < args.early_stop_loss:
            if is_master:
                print(f"early stop at step {step}: loss {loss.item():.4f} < {args.early_stop_loss}")
            break

    if device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.time() - t_start

    if is_master:
        print(f"done: {step} steps in {elapsed:.1f}s")
        if device.type == "cuda":
            print(f"peak memory {torch.cuda.max_memory_allocated(device) / 2**20:.1f} MiB")
            report = device_memory_report(local_rank)
            if report:
                print(report)

        prompt = torch.tensor([tokenizer.encode("ROMEO:\n")], dtype=torch.long, device=device)
        sample = base_model.generate(prompt, max_new_tokens=48, temperature=0.8, top_k=10)
        print("sample ids:", sample[0, :16])
        print(tokenizer.decode(sample[0].tolist()))

        if args.save:
            path = os.path.join(ensure_dir(args.out_dir), "gpt_final.ckpt")
            torch.save({"model": base_model.state_dict(), "config": vars(config), "step": step}, path)
            print(f"saved {path}")

    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
