#!/usr/bin/env python3
"""Train TensorTop's `cnn` or `lenet` preset in PyTorch with the same settings, to compare side by side.

PyTorch is optional and not part of the test suite (pip install torch numpy). For example:
    python3 bench/pytorch_cnn.py --epochs 10                       # cnn, Adam 1e-3, batch 128, seed 0
    python3 bench/pytorch_cnn.py --model lenet --epochs 1 --threads 2 --json
and compare with `tensortop train --model cnn ...`. Samples/s are measured as TensorTop measures
them: the training steps of an epoch, shuffle and batch gather included, test evaluation excluded.

cnn:   Conv2d(1,16,5,p=2) BatchNorm2d ReLU MaxPool2d(2) Conv2d(16,32,5,p=2) BatchNorm2d ReLU MaxPool2d(2)
       Flatten Linear(1568,10)
lenet: LeNet-5 with ReLU: Conv2d(1,6,5,p=2) ReLU MaxPool2d(2) Conv2d(6,16,5) ReLU MaxPool2d(2) Flatten
       Linear(400,120) ReLU Linear(120,84) ReLU Linear(84,10)
"""
from pytorch_mlp import parse_args, train


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


def main():
    args = parse_args(__doc__, models=("cnn", "lenet"))
    train(args, {"cnn": cnn, "lenet": lenet}[args.model])


if __name__ == "__main__":
    main()
