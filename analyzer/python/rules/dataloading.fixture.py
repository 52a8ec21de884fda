from torch.utils.data import DataLoader

loader = DataLoader(dataset, batch_size=32, pin_memory=True, num_workers=4)  # expect: TPU800
PIN = True
loader2 = DataLoader(dataset, pin_memory=PIN)  # expect: TPU800
batch = batch.pin_memory()  # expect: TPU800
x = x.to(device, non_blocking=True)  # expect: TPU801
for xb, yb in loader:  # expect: TPU802
    xb = xb.to(device)


def train(model, dataset):
    train_loader = DataLoader(dataset, batch_size=8)
    for step, (xb, yb) in enumerate(train_loader):  # expect: TPU802
        model(xb.to(device), yb)

# Negative cases
loader3 = DataLoader(dataset, pin_memory=False)
y = y.to(device)
z = z.to(device, non_blocking=False)
for xb, yb in loader2:
    print(xb.shape)  # no copy to a device in the body


def evaluate(model, loader, device):
    for xb in loader:  # a parameter: what it holds is not known here
        model(xb.to(device))


for xb in DataLoader(dataset):  # only a name is wrapped
    xb.to(device)


loader_options = {"batch_size": 32, "pin_memory": True}  # expect: TPU800
quiet_options = {"batch_size": 32, "pin_memory": False}


# The device-loader rule (TPU802) is PyTorch/XLA's: TorchTPU iterates a plain DataLoader.
# fixture-target: xla
