#!/usr/bin/env python3
"""Train the `mlp` preset (784-256-10, ReLU, plain SGD) as a bare numpy loop: the speed floor.

No framework, just the five matrix products and the elementwise steps, so the figure shows
what the matrix work alone costs on this machine. Only numpy is needed. Run it interleaved
with `make bench` to compare on the same minute of the same machine, for example:
    OPENBLAS_NUM_THREADS=2 python3 bench/numpy_mlp.py --batch-size 256
    OPENBLAS_NUM_THREADS=1 python3 bench/numpy_mlp.py --epochs 2 --json   # one JSON object per epoch
Samples/s are measured as TensorTop measures them: each epoch, data in memory as float32,
the shuffle and the batch gather included. With --json each epoch is one JSON object with
epoch, seconds and samples_per_s (keyed like `tensortop train --json`).
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
except ImportError:
    raise SystemExit(f"numpy not found in {sys.executable} (pip install numpy)")

from pytorch_mlp import at_least, find_data, non_negative_float, read_idx


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=at_least(1), default=1)
    parser.add_argument("--batch-size", type=at_least(1), default=256)
    parser.add_argument("--lr", type=non_negative_float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data")
    parser.add_argument("--json", action="store_true", help="one JSON object per epoch (samples_per_s among its keys)")
    args = parser.parse_args()

    folder = find_data(args.data)
    images = read_idx(folder, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    labels = read_idx(folder, "train-labels-idx1-ubyte").astype(np.int64)
    rng = np.random.default_rng(args.seed)
    w1 = (rng.standard_normal((256, 784)) * 0.05).astype(np.float32)
    b1 = np.zeros(256, np.float32)
    w2 = (rng.standard_normal((10, 256)) * 0.05).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    lr = np.float32(args.lr)

    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(len(images))
        for first in range(0, len(images), args.batch_size):
            batch = order[first:first + args.batch_size]
            x, y, count = images[batch], labels[batch], len(batch)
            hidden = x @ w1.T + b1
            active = np.maximum(hidden, 0)
            logits = active @ w2.T + b2
            logits -= logits.max(axis=1, keepdims=True)
            grad_logits = np.exp(logits)
            grad_logits /= grad_logits.sum(axis=1, keepdims=True)
            grad_logits[np.arange(count), y] -= 1
            grad_logits /= count
            grad_w2, grad_b2 = grad_logits.T @ active, grad_logits.sum(axis=0)
            grad_hidden = grad_logits @ w2
            grad_hidden[hidden <= 0] = 0
            grad_w1, grad_b1 = grad_hidden.T @ x, grad_hidden.sum(axis=0)
            w1 -= lr * grad_w1; b1 -= lr * grad_b1
            w2 -= lr * grad_w2; b2 -= lr * grad_b2
        seconds = time.perf_counter() - start
        rate = len(images) / seconds
        if args.json:
            print(json.dumps({"epoch": epoch, "seconds": seconds, "samples_per_s": rate}, sort_keys=True), flush=True)
        else:
            print(f"numpy mlp, batch {args.batch_size}, epoch {epoch}/{args.epochs}: {rate:,.0f} samples/s ({seconds:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
