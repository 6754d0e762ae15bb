#!/usr/bin/env python3
"""Train TensorTop's `mlp` preset in PyTorch with the same settings, to compare side by side.

PyTorch is optional and not part of the test suite. Install it with:
    pip install torch numpy
Then, for example:
    python3 bench/pytorch_mlp.py --epochs 10 --batch-size 128 --optimizer adam --lr 0.001
    python3 bench/pytorch_mlp.py --epochs 1 --batch-size 256 --optimizer sgd --lr 0.1 --threads 2
    python3 bench/pytorch_mlp.py --epochs 2 --optimizer sgd --lr 0.1 --json   # one JSON object per epoch
and compare with
    tensortop train --epochs 10 --batch-size 128 --optimizer adam --lr 0.001
    tensortop train --epochs 1 --batch-size 256 --optimizer sgd --lr 0.1 --threads 2

Samples/s are measured as TensorTop measures them: the training steps of an epoch with the
data already in memory as float tensors, the shuffle and the batch gather included, the
test evaluation excluded. With --json each epoch is one JSON object with the keys of
`tensortop train --json` (epoch, train_loss, test_loss, test_accuracy, seconds, samples_per_s).
"""
import argparse
import gzip
import json
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    raise SystemExit(f"numpy not found in {sys.executable} (pip install numpy)")


def find_data(root):
    """The folder holding the four IDX files: --data, $TENSORTOP_DATA, the Debian package, the user cache."""
    candidates = [root] if root else [
        os.environ.get("TENSORTOP_DATA"),
        "/usr/share/datasets/fashion-mnist",
        os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tensortop/fashion-mnist"),
    ]
    for candidate in filter(None, candidates):
        for folder in (candidate, os.path.join(candidate, "FashionMNIST", "raw")):
            if os.path.exists(os.path.join(folder, "train-images-idx3-ubyte.gz")) or os.path.exists(os.path.join(folder, "train-images-idx3-ubyte")):
                return folder
    raise SystemExit("Fashion-MNIST not found; run `make deps` or pass --data PATH")


def read_idx(folder, name):
    path = os.path.join(folder, name)
    raw = gzip.open(path + ".gz").read() if os.path.exists(path + ".gz") else open(path, "rb").read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def at_least(smallest):
    """An argparse type: a whole number no smaller than `smallest`, refused with the value it got."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'")
        if value < smallest:
            raise argparse.ArgumentTypeError(f"must be at least {smallest}, got {value}")
        return value
    return parse


def non_negative_float(text):
    """An argparse type: a finite number of at least 0 (a learning rate)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'")
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of at least 0, got {text}")
    return value


def report_epoch(as_json, epoch, epochs, train_loss, test_loss, accuracy, seconds, samples):
    """One line for an epoch: text, or a JSON object keyed like `tensortop train --json`."""
    if as_json:
        print(json.dumps({"epoch": epoch, "train_loss": train_loss, "test_loss": test_loss, "test_accuracy": accuracy,
                          "seconds": seconds, "samples_per_s": samples / seconds}, sort_keys=True), flush=True)
    else:
        print(f"epoch {epoch}/{epochs}  train loss {train_loss:.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {accuracy:.4f}  {seconds:.1f} s  {samples / seconds:.0f} samples/s", flush=True)


def parse_args(description, models=("mlp",), extra_flags=()):
    """The command line every PyTorch bench takes (`--model` when there is a choice of models).

    `extra_flags` are (flag, help) pairs of further on/off options a bench adds.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    if len(models) > 1:
        parser.add_argument("--model", choices=models, default=models[0])
    parser.add_argument("--epochs", type=at_least(1), default=10)
    parser.add_argument("--batch-size", type=at_least(1), default=128)
    parser.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default="adam")
    parser.add_argument("--lr", type=non_negative_float, default=0.001)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=at_least(1), default=1)
    parser.add_argument("--data")
    parser.add_argument("--json", action="store_true", help="one JSON object per epoch (samples_per_s among its keys)")
    for flag, text in extra_flags:
        parser.add_argument(flag, action="store_true", help=text)
    args = parser.parse_args()
    if len(models) == 1:
        args.model = models[0]
    return args


def import_torch():
    """torch and torch.nn, or a clear exit naming this Python."""
    try:
        import torch  # imported here so bench/numpy_mlp.py can reuse the data helpers without PyTorch
        import torch.nn as nn
    except ImportError:
        raise SystemExit(f"PyTorch not found in {sys.executable} (pip install torch)")
    return torch, nn


def load_split(torch, root, split):
    """Images of `split` ("train" or "t10k") as a float [N, 1, 28, 28] tensor in [0, 1], and int64 labels."""
    folder = find_data(root)
    images = torch.from_numpy(read_idx(folder, f"{split}-images-idx3-ubyte").astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    return images, torch.from_numpy(read_idx(folder, f"{split}-labels-idx1-ubyte").astype(np.int64))


def train(args, build_model):
    """Trains `build_model(nn)` as TensorTop's trainer does and reports every epoch.

    The model is seeded before it is built; batches keep their [N, 1, 28, 28] shape; the test set
    is evaluated in eval mode (batch-norm's running statistics), the training in train mode.
    """
    torch, nn = import_torch()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load_split(torch, args.data, "train")
    x_test, y_test = load_split(torch, args.data, "t10k")

    model = build_model(nn)
    optimizer = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[args.optimizer](model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    n = len(y_train)
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(n)
        total, steps = 0.0, 0
        start = time.perf_counter()
        for i in range(0, n, args.batch_size):
            index = order[i:i + args.batch_size]
            x, y = x_train[index], y_train[index]
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            steps += 1
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(x_test[i:i + 1000]) for i in range(0, len(y_test), 1000)])
            test_loss = loss_fn(logits, y_test).item()
            accuracy = (logits.argmax(1) == y_test).float().mean().item()
        report_epoch(args.json, epoch, args.epochs, total / steps, test_loss, accuracy, seconds, n)


def main():
    args = parse_args(__doc__)
    train(args, lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)))


if __name__ == "__main__":
    main()
