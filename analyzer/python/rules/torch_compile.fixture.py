import torch

compiled = torch.compile(model)  # expect: TPU700
fast = torch.compile(model, mode="max-autotune")  # expect: TPU700, TPU701
graphs = torch.compile(model, backend="inductor", mode="reduce-overhead")  # expect: TPU700, TPU701
g = torch.cuda.CUDAGraph()  # expect: TPU702
with torch.cuda.graph(g):  # expect: TPU702
    out = model(static_input)
callables = torch.cuda.make_graphed_callables(model, (x,))  # expect: TPU702

# Negative cases
xla_compiled = torch.compile(model, backend="openxla")
tpu_compiled = torch.compile(model, backend="tpu", mode="default")
