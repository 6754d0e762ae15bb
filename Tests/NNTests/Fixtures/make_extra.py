"""Writes extra-nn.json: PyTorch reference values the shared golden file does not cover.

Run with PyTorch installed (pip install torch numpy):
    python3 make_extra.py > extra-nn.json
"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def enc(t):
    t = t.detach()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": t.tolist()}


out = {}

# Losses beyond cross-entropy.
g = torch.Generator().manual_seed(5)
x = torch.randn(4, 3, generator=g)
y = torch.rand(4, 3, generator=g)
labels = torch.tensor([2, 0, 1, 1])
logp = F.log_softmax(torch.randn(4, 3, generator=g), dim=1)
w = torch.tensor([0.5, 2.0, 1.0])
pw = torch.tensor([3.0, 0.5, 1.0])
losses = {}
for name, make in {
    "bce": lambda r: nn.BCEWithLogitsLoss(reduction=r),
    "bce_weight_posweight": lambda r: nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction=r),
    "l1": lambda r: nn.L1Loss(reduction=r),
    "mse": lambda r: nn.MSELoss(reduction=r),
}.items():
    for r in ["none", "mean", "sum"]:
        xi = x.clone().requires_grad_()
        loss = make(r)(xi, y)
        loss.backward(torch.ones_like(loss))
        losses[f"{name}_{r}"] = {"output": enc(loss), "grad": enc(xi.grad)}
for r in ["none", "mean", "sum"]:
    for weighted in [False, True]:
        li = logp.clone().requires_grad_()
        loss = nn.NLLLoss(weight=w if weighted else None, ignore_index=1, reduction=r)(li, labels)
        loss.backward(torch.ones_like(loss))
        losses[f"nll_ignore1{'_weight' if weighted else ''}_{r}"] = {"output": enc(loss), "grad": enc(li.grad)}
out["losses"] = {"input": enc(x), "target": enc(y), "log_probs": enc(logp), "labels": enc(labels),
                 "weight": enc(w), "pos_weight": enc(pw), "cases": losses}

# Optimizers the shared file does not cover, on its problem: mse(X @ W.t() + b, Y).
W0 = torch.tensor([[-0.4, 0.6], [0.3, 0.9]])
b0 = torch.tensor([-0.2, 0.05])
X = torch.tensor([[0.5, -1.5], [2.0, 0.25], [-0.8, 1.1]])
Y = torch.tensor([[0.0, 1.0], [1.0, 1.0], [-0.5, 0.5]])
optimizers = {}
for name, make in {
    "rmsprop_lr0.01": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_lr0.01_momentum0.9_centered_wd0.1": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
    "adam_lr0.1_amsgrad": lambda p: torch.optim.Adam(p, lr=0.1, amsgrad=True),
    "sgd_lr0.1_momentum0.9_dampening0.5": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.5),
}.items():
    W = W0.clone().requires_grad_()
    b = b0.clone().requires_grad_()
    opt = make([W, b])
    steps = []
    for _ in range(3):
        opt.zero_grad()
        F.mse_loss(X @ W.t() + b, Y).backward()
        opt.step()
        steps.append({"W_after": enc(W), "b_after": enc(b)})
    optimizers[name] = steps
out["optimizers"] = optimizers

# Learning-rate schedules: lr after each of 12 epochs.
schedules = {}
for name, make in {
    "steplr_3_0.5": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "cosine_5_0.001": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
}.items():
    p = torch.zeros(1, requires_grad=True)
    o = torch.optim.SGD([p], lr=0.1)
    s = make(o)
    lrs = []
    for _ in range(12):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]["lr"])
    schedules[name] = lrs
out["schedules"] = schedules

# Module reprs.
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(2, 1))

    def forward(self, x):
        return self.hidden(x)


out["reprs"] = {
    "mlp": repr(nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))),
    "net2": repr(Net()),
    "activations": repr(nn.Sequential(nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1),
                                      nn.Dropout(), nn.Dropout(0.25), nn.Identity(), nn.Linear(3, 2, bias=False))),
    "nested": repr(nn.Sequential(nn.Sequential(nn.Linear(4, 3), nn.ReLU()), nn.Linear(3, 1))),
}
print(json.dumps(out, indent=1))
