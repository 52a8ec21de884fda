import torch
import torch.backends.cudnn as cudnn

torch.backends.cudnn.benchmark = True  # expect: TPU130
torch.backends.cudnn.deterministic = True  # expect: TPU130
cudnn.enabled = True  # expect: TPU130
torch.backends.cuda.matmul.allow_tf32 = True  # expect: TPU131
torch.backends.cudnn.allow_tf32 = False  # expect: TPU131
torch.set_float32_matmul_precision("high")  # expect: TPU131
with torch.backends.cuda.sdp_kernel(enable_flash=True):  # expect: TPU132
    pass
torch.backends.cuda.enable_flash_sdp(True)  # expect: TPU132

if torch.backends.cudnn.benchmark:  # expect: TPU130 -- a flag read as a value counts too
    pass

# Negative cases
torch.backends.mkldnn.enabled = True
benchmark = True
torch.use_deterministic_algorithms(True)
