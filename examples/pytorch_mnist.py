#!/usr/bin/env python3
"""Train a small CNN on Fashion-MNIST with PyTorch, watched and steered by TensorTop.

    tensortop attach                               # terminal 1: the dashboard waits for a run
    python examples/pytorch_mnist.py --epochs 3    # terminal 2: the script connects to it

The two lines marked "TensorTop" are all a script needs: `Probe(model, optimizer)` and
`probe.step(...)` after `loss.backward()`. Without a dashboard the script trains all the same;
one started later is picked up within 2 s. Space pauses, `n` steps, `+`/`-` change the learning
rate, `i` re-initialises a parameter, `s` saves the weights, `X` twice stops the run
(`q` only closes the dashboard: the script trains on).

Install the probe with `pip install ./python` (from the TensorTop repository); run from the
repository, this script uses the copy there first. The data are the four IDX files of Fashion-MNIST:
--data, $TENSORTOP_DATA, /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist) or
~/.cache/tensortop/fashion-mnist, each file plain or gzipped.
"""
import argparse
import gzip
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

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
    """(mean loss, accuracy) on the test set, in eval mode."""
    model.eval()
    images, labels = test_set.tensors
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + 1000]) for i in range(0, len(labels), 1000)])
    model.train()
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).float().mean().item()


def main():
    """Trains for --epochs epochs, evaluating on the test set after each."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--data", help="the folder with the Fashion-MNIST IDX files")
    args = parser.parse_args()

    folder = find_data(args.data)
    train_set, test_set = load(folder, "train"), load(folder, "t10k")
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    torch.manual_seed(0)
    model = cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    probe = Probe(model, optimizer, class_names=CLASSES,                            # TensorTop
                  total_epochs=args.epochs, steps_per_epoch=len(loader))
    try:
        for epoch in range(1, args.epochs + 1):
            started = time.perf_counter()
            for x, y in loader:
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                optimizer.zero_grad()
                loss.backward()
                probe.step(loss, inputs=x, targets=y, outputs=logits)              # TensorTop
                optimizer.step()
            seconds = time.perf_counter() - started
            test_loss, accuracy = evaluate(model, test_set)
            probe.epoch(test_loss=test_loss, test_accuracy=accuracy)
            print(f"epoch {epoch}/{args.epochs}  test loss {test_loss:.4f}  test accuracy {accuracy:.4f}  "
                  f"{len(train_set) / seconds:.0f} samples/s", flush=True)
    except StopTraining as stop:
        print(f"stopped from the dashboard: {stop}", flush=True)
    finally:
        probe.close()


if __name__ == "__main__":
    main()
