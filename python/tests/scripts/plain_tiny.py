"""A tiny training script that never calls probe.close(): the exit handler must say bye (test_script.py)."""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from tensortop_probe import Probe

torch.manual_seed(0)
model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
probe = Probe(model, optimizer)
x, y = torch.rand(8, 1, 8, 8), torch.randint(0, 10, (8,))
for step in range(int(os.environ.get("TT_TEST_STEPS", "40"))):
    outputs = model(x)
    loss = F.cross_entropy(outputs, y)
    optimizer.zero_grad()
    loss.backward()
    probe.step(loss, inputs=x, targets=y, outputs=outputs)
    optimizer.step()
probe.epoch(test_loss=float("nan"), test_accuracy=0.5)
print("trained", step + 1)
if os.environ.get("TT_TEST_CRASH"):
    raise RuntimeError("the script crashed")
