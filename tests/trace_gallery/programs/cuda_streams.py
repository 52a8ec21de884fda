# SPDX-License-Identifier: Apache-2.0
"""A side stream that prefetches the next batch while the default stream computes: the
torch.cuda.Stream / wait_stream / record_stream pattern of data prefetchers."""
import torch
import torch.nn as nn

model = nn.Linear(32, 4).cuda()
copy_stream = torch.cuda.Stream()
batches = [torch.randn(8, 32).pin_memory() for _ in range(4)]


def prefetch(batch):
    with torch.cuda.stream(copy_stream):
        return batch.cuda(non_blocking=True)


upcoming = prefetch(batches[0])
total = 0.0
for index in range(len(batches)):
    torch.cuda.current_stream().wait_stream(copy_stream)
    current = upcoming
    current.record_stream(torch.cuda.current_stream())
    if index + 1 < len(batches):
        upcoming = prefetch(batches[index + 1])
    total += model(current).sum().item()
print(f"processed {len(batches)} batches, total {total:.3f}")
