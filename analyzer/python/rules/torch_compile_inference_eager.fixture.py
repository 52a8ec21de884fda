import torch

# Negative cases for TPU704: inference mode in a file that compiles nothing is fine on TorchTPU.


@torch.inference_mode()
def predict(model, batch):
    return model(batch)


with torch.inference_mode():
    out = model(x)
