from torch.utils.data import DataLoader

loader = DataLoader(dataset, batch_size=32, pin_memory=True, num_workers=4)  # expect: TPU800
PIN = True
loader2 = DataLoader(dataset, pin_memory=PIN)  # expect: TPU800
batch = batch.pin_memory()  # expect: TPU800
x = x.to(device, non_blocking=True)  # expect: TPU801

# Negative cases
loader3 = DataLoader(dataset, pin_memory=False)
y = y.to(device)
z = z.to(device, non_blocking=False)
