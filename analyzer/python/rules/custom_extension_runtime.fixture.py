# custom-extension on the runtime side, in a file that builds nothing: only the compiled
# module's import and calls count.
import torch

from . import _C  # expect: TPU403

out = _C.nms(boxes, scores, 0.5)  # expect: TPU403

# Negative cases: outside a build script (setup.py, a JIT extension loader) a string that looks
# like an nvcc flag is data, not a build argument.
flags = ["-gencode=arch=compute_80,code=sm_80"]
arch = "arch=compute_80,code=sm_80"
