import torch
import torch_xla.core.xla_model as xm
from torch.optim.lr_scheduler import StepLR


def train(model, loader, params):
    optimizer = torch.optim.AdamW(params, lr=1e-3)
    scheduler = StepLR(optimizer, step_size=10)
    for x, y in loader:
        loss = model(x, y)
        loss.backward()
        optimizer.step()  # expect: TPU606
        optimizer.zero_grad()
        scheduler.step()


def train_amp(model, loader, scaler, optimizer):
    step = 0
    while step < 10:
        scaler.scale(model(step)).backward()  # expect: TPU122
        scaler.step(optimizer)  # expect: TPU122, TPU606 -- the GradScaler steps the optimizer
        scaler.update()  # expect: TPU122
        step += 1


def train_gan(gen, disc, loader, params):
    sgd = torch.optim.SGD(params, lr=0.1)
    for batch in loader:
        g_optimizer.step()
        disc_opt.step()
        sgd.step()  # expect: TPU606 -- one boundary, after the loop's last optimizer step


class Trainer:
    def fit(self, loader):
        for batch in loader:
            self.optimizer.step()  # expect: TPU606


def one_liner(loader, opt):
    for batch in loader: opt.step()  # expect: TPU606 -- reported; no fix, it shares its line


# Negative cases
def already_synced(model, loader, optimizer):
    for batch in loader:
        optimizer.step()
        xm.mark_step()


def helper_synced(loader, optimizer):
    for batch in loader:
        optimizer.step()
        _tpu_step_boundary()


def not_in_a_loop(optimizer, scheduler, env, steps):
    optimizer.step()
    for _ in range(steps):
        scheduler.step()
        env.step(0)
        stepper.step()
        lr_scheduler.step()


# PyTorch/XLA only: TorchTPU runs eagerly and needs no step boundary (TPU606).
# fixture-target: xla
