import torch

compiled = torch.compile(model)  # expect: TPU700
fast = torch.compile(model, mode="max-autotune")  # expect: TPU700, TPU701
graphs = torch.compile(model, backend="inductor", mode="reduce-overhead")  # expect: TPU700, TPU701
g = torch.cuda.CUDAGraph()  # expect: TPU702
with torch.cuda.graph(g):  # expect: TPU702
    out = model(static_input)
callables = torch.cuda.make_graphed_callables(model, (x,))  # expect: TPU702
import torch._inductor.config as inductor_config  # expect: TPU703
inductor_config.coordinate_descent_tuning = True  # expect: TPU703
torch._inductor.config.triton.cudagraphs = False  # expect: TPU703
graph_type = torch.cuda.CUDAGraph  # expect: TPU702
from torch import _TorchCompileInductorWrapper  # expect: TPU703


def enable_inductor_tuning():
    from torch._inductor import config  # expect: TPU703
    config.max_autotune = True  # expect: TPU703

from torch._inductor.compile_fx import compile_fx_inner  # expect: TPU703


def my_backend(model, inputs, inner_compile=compile_fx_inner):  # expect: TPU703
    return wrap(model, inputs, inner_compile=with_streams(compile_fx_inner))  # expect: TPU703


class DecompositionsWrapper(_TorchCompileInductorWrapper):  # expect: TPU703
    def __init__(self, mode):
        super().__init__(mode)


# Negative cases
class PlainWrapper(torch.nn.Module):
    def forward(self, x, fn=torch.relu):
        return fn(x)


xla_compiled = torch.compile(model, backend="openxla")
tpu_compiled = torch.compile(model, backend="tpu", mode="default")
disabled = torch.compiler.disable(fn)


@torch.inference_mode()  # expect: TPU704
def predict(batch):
    return compiled(batch)


@torch.inference_mode  # expect: TPU704
def predict_bare(batch):
    return compiled(batch)


def evaluate(batch):
    with torch.inference_mode():  # expect: TPU704
        return compiled(batch)


# Negative case: torch.no_grad() is the way to run compiled code without autograd on TorchTPU.
@torch.no_grad()
def predict_no_grad(batch):
    return compiled(batch)


# The graph memory pool is part of CUDA graphs; options given as **kwargs may name the backend.
pool = torch.cuda.graph_pool_handle()  # expect: TPU702
tuned = torch.compile(model, **compile_options)
