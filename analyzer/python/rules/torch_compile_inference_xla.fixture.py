import torch

# Negative cases for TPU704: PyTorch/XLA has no such restriction, so torch.compile next to
# torch.inference_mode is only the inductor finding there.
compiled = torch.compile(model)  # expect: TPU700


@torch.inference_mode()
def predict(batch):
    return compiled(batch)

# fixture-target: xla
