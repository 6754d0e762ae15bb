"""A tiny DDP training run with the probe, for test_distributed.py (run under torchrun, gloo, CPU).

Each rank writes `rank<R>.txt` in $TT_TEST_OUT after every step: the step count and the learning
rate its own optimizer holds; a rank that got StopTraining writes `rank<R>.stopped`.
"""
import gc
import os
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from tensortop_probe import Probe, StopTraining


def write(path, text):
    """Writes `text` to `path` atomically (the test may read it at any time)."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main():
    """Trains until stopped, writing each rank's step and learning rate after every step."""
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    out = os.environ["TT_TEST_OUT"]
    torch.manual_seed(0)
    model = DistributedDataParallel(nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(),
                                                  nn.Linear(4 * 8 * 8, 10)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    generator = torch.Generator().manual_seed(rank)
    x, y = torch.rand(8, 1, 8, 8, generator=generator), torch.randint(0, 10, (8,), generator=generator)
    probe = Probe(model, optimizer, quiet=True)
    steps = 0
    try:
        while steps < int(os.environ.get("TT_TEST_STEPS", "100000")):
            outputs = model(x)
            loss = F.cross_entropy(outputs, y)
            optimizer.zero_grad()
            loss.backward()
            probe.step(loss, inputs=x, targets=y, outputs=outputs)
            optimizer.step()
            steps += 1
            write(os.path.join(out, f"rank{rank}.txt"), f"{steps} {optimizer.param_groups[0]['lr']!r}")
            time.sleep(0.01)
    except StopTraining:
        write(os.path.join(out, f"rank{rank}.stopped"), str(steps))
    probe.close()
    del probe, optimizer, model  # DDP's reducer goes before the process group it works on
    gc.collect()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
