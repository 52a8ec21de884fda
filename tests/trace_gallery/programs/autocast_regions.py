# SPDX-License-Identifier: Apache-2.0
"""Nested and disabled autocast regions, the weight cast cache, and the decorator form:
a float32 island inside a float16 region, a bfloat16 region nested in it, then back."""
import torch

weight = torch.nn.Parameter(torch.randn(8, 8, device="cuda"))
x = torch.randn(4, 8, device="cuda")


@torch.cuda.amp.autocast()
def decorated(a):
    return a @ weight


with torch.cuda.amp.autocast():
    half = torch.mm(x, weight)                                   # float16
    again = torch.mm(x, weight)                                  # weight cast comes from the cache
    with torch.cuda.amp.autocast(enabled=False):
        full = torch.mm(half.float(), weight)                    # float32: autocast disabled
    # The weight cache is keyed by tensor, not dtype: a nested region of another dtype must not
    # use it (on a GPU too, the float16 copy would come back).
    with torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False):
        brain = torch.mm(x, weight)                              # bfloat16: nested region
    after = torch.mm(x, weight)                                  # float16 again
    total = torch.sum(half)                                      # sum: float32 under autocast
outside = torch.mm(x, weight)                                    # float32: outside every region
print(half.dtype, again.dtype, full.dtype, brain.dtype, after.dtype, total.dtype, outside.dtype)
assert (half.dtype, full.dtype) == (torch.float16, torch.float32)
assert (brain.dtype, after.dtype) == (torch.bfloat16, torch.float16)
assert total.dtype == torch.float32 and outside.dtype == torch.float32
assert decorated(x).dtype == torch.float16
assert not torch.is_autocast_enabled()
