# SPDX-License-Identifier: Apache-2.0
"""Autoregressive generation with a key/value cache in float16 autocast: each new token
attends to a cache that grows by one position per step (shapes change every call)."""
import math

import torch
import torch.nn as nn

VOCAB, WIDTH, HEADS = 50, 32, 4


class CachedAttentionLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.out = nn.Linear(WIDTH, WIDTH)
        self.norm = nn.LayerNorm(WIDTH)
        self.lm_head = nn.Linear(WIDTH, VOCAB, bias=False)

    def forward(self, token, cache):
        x = self.embed(token)                                   # (B, 1, C)
        q, k, v = self.qkv(x).split(WIDTH, dim=-1)
        shape = (x.shape[0], -1, HEADS, WIDTH // HEADS)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k = torch.cat([cache[0], k], dim=2)                 # the cache grows by one position
            v = torch.cat([cache[1], v], dim=2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])
        attended = scores.softmax(dim=-1) @ v
        x = x + self.out(attended.transpose(1, 2).reshape(x.shape))
        return self.lm_head(self.norm(x)), (k, v)


@torch.no_grad()
def generate(model, prompt, new_tokens):
    cache, tokens = None, prompt
    for position in range(prompt.shape[1]):
        logits, cache = model(prompt[:, position:position + 1], cache)
    for _ in range(new_tokens):
        probabilities = logits[:, -1].float().softmax(dim=-1)
        next_token = torch.multinomial(probabilities, num_samples=1)
        tokens = torch.cat([tokens, next_token], dim=1)
        logits, cache = model(next_token, cache)
    return tokens


torch.manual_seed(0)
model = CachedAttentionLM().cuda().eval()
prompt = torch.randint(0, VOCAB, (2, 3), device="cuda")
with torch.cuda.amp.autocast():
    generated = generate(model, prompt, new_tokens=6)
print(f"generated {tuple(generated.shape)}: {generated[0].tolist()}")
assert generated.shape == (2, 9)
