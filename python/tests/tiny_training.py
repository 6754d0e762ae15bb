"""A tiny training script with the probe, for the end-to-end tests (random data, a small CNN).

Writes one JSON line per step to --progress (per rank: FILE.rankN under torchrun):
{"step": N, "lr": X, "rank": R}, and "stopped" or "finished" at the end.
"""
import argparse
import gc
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from tensortop_probe import Probe, StopTraining


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--sleep", type=float, default=0.02, help="seconds per step, so a test can watch")
    parser.add_argument("--progress", required=True)
    args = parser.parse_args()

    distributed = "WORLD_SIZE" in os.environ
    rank = 0
    if distributed:
        torch.distributed.init_process_group("gloo")
        rank = torch.distributed.get_rank()
    progress_path = f"{args.progress}.rank{rank}" if distributed else args.progress
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(4 * 14 * 14, 10))
    if distributed:
        model = nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    probe = Probe(model, optimizer, class_names=[f"class {k}" for k in range(10)])
    outcome = "finished"
    with open(progress_path, "w", buffering=1) as progress:
        try:
            for step in range(1, args.steps + 1):
                x = torch.randn(16, 1, 28, 28)
                y = torch.randint(0, 10, (16,))
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                optimizer.zero_grad()
                loss.backward()
                probe.step(loss, inputs=x, targets=y, outputs=logits)
                optimizer.step()
                progress.write(json.dumps({"step": step, "lr": optimizer.param_groups[0]["lr"], "rank": rank}) + "\n")
                time.sleep(args.sleep)
        except StopTraining:
            outcome = "stopped"
        progress.write(json.dumps({outcome: True, "rank": rank}) + "\n")
    probe.close()
    if distributed:
        del probe, optimizer, model  # DDP's reducer goes before the process group it works on
        gc.collect()
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
