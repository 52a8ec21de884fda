# SPDX-License-Identifier: Apache-2.0
"""Issue 15's first program: an embedding, a Conv1d, a LayerNorm and a Linear trained under
torch.cuda.amp.autocast() with a GradScaler, the plain AMP loop of most CUDA code bases."""
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, WIDTH, STEPS = 64, 32, 4


class TokenTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        self.conv = nn.Conv1d(WIDTH, WIDTH, kernel_size=3, padding=1)
        self.norm = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, VOCAB)

    def forward(self, tokens):
        x = self.embed(tokens).transpose(1, 2)
        x = F.gelu(self.conv(x)).transpose(1, 2)
        x = self.norm(x)  # LayerNorm: float32 under CUDA autocast
        return self.head(x)


device = torch.device("cuda")
torch.manual_seed(0)
model = TokenTagger().to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
scaler = torch.cuda.amp.GradScaler()
steps = 0
for step in range(STEPS):
    tokens = torch.randint(0, VOCAB, (8, 16), device=device)
    with torch.cuda.amp.autocast():
        logits = model(tokens)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), tokens.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    steps += 1
    print(f"step {steps} loss {loss.item():.4f} logits {logits.dtype} scale {scaler.get_scale():.0f}")
assert logits.dtype == torch.float16 and loss.dtype == torch.float32
print(f"done {steps} steps")
