#!/usr/bin/env python3
"""Train a small CNN on Fashion-MNIST with DistributedDataParallel, watched and steered by TensorTop.

    tensortop attach                                                 # terminal 1
    torchrun --nproc_per_node 2 examples/ddp_mnist.py --epochs 3    # terminal 2

Every rank makes a Probe and calls `probe.step` (the two lines marked "TensorTop"); rank 0 talks
to the dashboard, and its decisions reach every rank at the same step, so pause, single steps,
learning-rate changes, re-initialisation and stop act on all ranks together. Gradients shown are
rank 0's after DDP's all-reduce, i.e. the averaged ones. Runs on CPU with the gloo backend.

Install the probe with `pip install ./python`; run from the repository, this script uses the
copy there first. The data are found as in examples/pytorch_mnist.py (--data, $TENSORTOP_DATA,
/usr/share/datasets/fashion-mnist, ~/.cache/tensortop/fashion-mnist).
"""
import argparse
import gc
import gzip
import os
import sys

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

# The probe of this checkout (../python) comes first, so the example always speaks the same wire
# as the dashboard built beside it; a copy of the script elsewhere uses the installed probe.
REPOSITORY_PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python")
if os.path.isdir(os.path.join(REPOSITORY_PROBE, "tensortop_probe")):
    sys.path.insert(0, REPOSITORY_PROBE)
from tensortop_probe import Probe, StopTraining  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def find_data(folder):
    """The folder with the Fashion-MNIST IDX files; exits with a clear message when there is none."""
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tensortop", "fashion-mnist")
    for candidate in filter(None, [folder, os.environ.get("TENSORTOP_DATA"), "/usr/share/datasets/fashion-mnist", cache]):
        for name in ("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"):
            if os.path.exists(os.path.join(candidate, name)):
                return candidate
    sys.exit("Fashion-MNIST not found: install the dataset-fashion-mnist package, or pass --data FOLDER "
             "holding train-images-idx3-ubyte(.gz) and the three other IDX files")


def read_idx(folder, name):
    """One IDX file (plain or .gz) as a uint8 tensor of the shape its header gives."""
    path = os.path.join(folder, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw = f.read()
    else:
        with gzip.open(path + ".gz", "rb") as f:
            raw = f.read()
    dimensions = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions)]
    return torch.frombuffer(bytearray(raw), dtype=torch.uint8, offset=4 + 4 * dimensions).reshape(shape)


def load(folder, split):
    """Images of a split ("train" or "t10k") as floats [N, 1, 28, 28] in [0, 1], and int64 labels."""
    images = read_idx(folder, f"{split}-images-idx3-ubyte").float().div_(255).unsqueeze(1)
    return TensorDataset(images, read_idx(folder, f"{split}-labels-idx1-ubyte").long())


def cnn():
    """TensorTop's `cnn` preset."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10))


def evaluate(model, test_set):
    """(mean loss, accuracy) on the test set, in eval mode (this rank's replica, no collectives)."""
    model.eval()
    images, labels = test_set.tensors
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + 1000]) for i in range(0, len(labels), 1000)])
    model.train()
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item()


def main():
    """Trains on every rank with DDP; rank 0 evaluates after each epoch."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128, help="per rank")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--data", help="the folder with the Fashion-MNIST IDX files")
    args = parser.parse_args()

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    folder = find_data(args.data)
    train_set, test_set = load(folder, "train"), load(folder, "t10k")
    sampler = DistributedSampler(train_set, shuffle=True, seed=0)
    loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
    torch.manual_seed(0)  # the same initial weights on every rank (DDP also broadcasts rank 0's)
    model = DistributedDataParallel(cnn())
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    probe = Probe(model, optimizer, class_names=CLASSES,                            # TensorTop
                  total_epochs=args.epochs, steps_per_epoch=len(loader))
    try:
        for epoch in range(1, args.epochs + 1):
            sampler.set_epoch(epoch)
            for x, y in loader:
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                optimizer.zero_grad()
                loss.backward()
                probe.step(loss, inputs=x, targets=y, outputs=logits)              # TensorTop
                optimizer.step()
            if rank == 0:
                test_loss, accuracy = evaluate(model.module, test_set)
                probe.epoch(test_loss=test_loss, test_accuracy=accuracy)
                print(f"epoch {epoch}/{args.epochs}  test loss {test_loss:.4f}  test accuracy {accuracy:.4f}", flush=True)
            else:
                probe.epoch()
    except StopTraining as stop:
        if rank == 0:
            print(f"stopped from the dashboard: {stop}", flush=True)
    finally:
        probe.close()
    # DDP's reducer goes before the process group it works on: destroying the group first makes
    # gloo abort now and then at exit ("terminate called without an active exception").
    del probe, optimizer, model
    gc.collect()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
