#!/usr/bin/env python3
"""Train TensorTop's `cnn` or `lenet` preset in PyTorch with the same settings, to compare side by side.

PyTorch is optional and not part of the test suite (pip install torch numpy). For example:
    python3 bench/pytorch_cnn.py --epochs 10                       # cnn, Adam 1e-3, batch 128, seed 0
    python3 bench/pytorch_cnn.py --model lenet --epochs 1 --threads 2 --json
    python3 bench/pytorch_cnn.py --bench                           # cnn training steps/s at 1 and 2 threads
and compare with `tensortop train --model cnn ...`. Samples/s are measured as TensorTop measures
them: the training steps of an epoch, shuffle and batch gather included, test evaluation excluded.

--bench prints what `tensortop-bench --cnn` prints for TensorTop: samples/s of training steps (train
mode, cross-entropy, backward, the optimizer; shuffled batches gathered each step) on 1 and 2 threads,
the best of 5 rounds of 20 steps after a warm-up round, with --batch-size, --optimizer and --lr.

cnn:   Conv2d(1,16,5,p=2) BatchNorm2d ReLU MaxPool2d(2) Conv2d(16,32,5,p=2) BatchNorm2d ReLU MaxPool2d(2)
       Flatten Linear(1568,10)
lenet: LeNet-5 with ReLU: Conv2d(1,6,5,p=2) ReLU MaxPool2d(2) Conv2d(6,16,5) ReLU MaxPool2d(2) Flatten
       Linear(400,120) ReLU Linear(120,84) ReLU Linear(84,10)
"""
import time

from pytorch_mlp import import_torch, load_split, parse_args, train


def cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10))


def lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def bench(args, build_model, rounds=5, steps=20):
    """Prints the samples/s of training steps on 1 and 2 threads (best round of `steps` steps)."""
    torch, nn = import_torch()
    x_train, y_train = load_split(torch, args.data, "train")
    optimizers = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
    batch = args.batch_size
    for threads in (1, 2):
        torch.set_num_threads(threads)
        torch.manual_seed(args.seed)
        model = build_model(nn)
        model.train()
        optimizer = optimizers[args.optimizer](model.parameters(), lr=args.lr)
        loss_fn = nn.CrossEntropyLoss()
        best = float("inf")
        for round in range(rounds + 1):  # round 0 warms up
            order = torch.randperm(len(y_train))
            start = time.perf_counter()
            for step in range(steps):
                index = order[step * batch:(step + 1) * batch]
                optimizer.zero_grad()
                loss = loss_fn(model(x_train[index]), y_train[index])
                loss.backward()
                optimizer.step()
                loss.item()
            if round > 0:
                best = min(best, time.perf_counter() - start)
        print(f"pytorch {torch.__version__} {args.model} batch {batch} {args.optimizer} {args.lr:g}, {threads} thread{'s' if threads > 1 else ''}: "
              f"{steps * batch / best:.0f} samples/s", flush=True)


def main():
    args = parse_args(__doc__, models=("cnn", "lenet"), extra_flags=[("--bench", "samples/s of training steps on 1 and 2 threads, then exit")])
    build = {"cnn": cnn, "lenet": lenet}[args.model]
    if args.bench:
        bench(args, build)
    else:
        train(args, build)


if __name__ == "__main__":
    main()
