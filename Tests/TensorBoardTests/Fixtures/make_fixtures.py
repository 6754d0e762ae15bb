#!/usr/bin/env python3
"""Writes the TensorBoard fixtures of TensorBoardTests with PyTorch's own SummaryWriter.

Needs torch, numpy and tensorboard (pip install torch numpy tensorboard). Run from the checkout:
    python Tests/TensorBoardTests/Fixtures/make_fixtures.py Tests/TensorBoardTests/Fixtures/logs
It writes two runs (`run-a`, `run-b`: scalars in both the simple_value and the TF2 tensor
form, a histogram, an image, text; `run-b/nested` is a
third run in a subfolder, as TensorBoard finds them), then `damaged/` with a copy whose record
in the middle has a flipped byte plus garbage between two records, and `truncated/` with a
copy cut inside its last record. Event file names carry the host name and time; the tests
find files by their `events.out.tfevents.` prefix.
"""
import glob
import math
import os
import shutil
import sys

import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter


def write_run(directory, seed, steps=20):
    generator = np.random.default_rng(seed)
    writer = SummaryWriter(log_dir=directory)
    for step in range(steps):
        loss = 2.3 * math.exp(-step / (6 + seed)) + 0.05 * generator.standard_normal()
        writer.add_scalar("loss/train", loss, step)
        if step % 5 == 4:
            writer.add_scalar("accuracy/test", 0.6 + 0.015 * step + 0.01 * seed, step)
            weights = torch.from_numpy(generator.normal(0, 1 / (1 + step / 10), size=1000).astype(np.float32))
            writer.add_histogram("weights/0.weight", weights, step)
        writer.add_scalar("lr", 1e-3 if step < 10 else 5e-4, step)
        if step % 5 == 0:
            # TensorFlow 2's form: a scalar tensor read by the "scalars" plugin.
            writer.add_scalar("loss/new_style", 1.0 / (1 + step), step, new_style=True)
    image = np.zeros((1, 28, 28), dtype=np.float32)
    image[0, 4:24, 12:16] = 1.0          # a bar, so the drawing is easy to check
    image[0, 4:8, 8:20] = 0.5
    writer.add_image("batch/first", image, steps - 1)
    writer.add_text("notes", f"seed {seed}: a run written by SummaryWriter", 0)
    writer.close()


def only_event_file(directory):
    files = sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*")))
    assert len(files) == 1, files
    return files[0]


def main(root):
    if os.path.exists(root):
        shutil.rmtree(root)
    write_run(os.path.join(root, "run-a"), seed=0)
    write_run(os.path.join(root, "run-b"), seed=1)
    write_run(os.path.join(root, "run-b", "nested"), seed=2, steps=6)

    source = only_event_file(os.path.join(root, "run-a"))
    data = bytearray(open(source, "rb").read())
    # Walk the records to find offsets: length (8 bytes), crc (4), data, crc (4).
    offsets, at = [], 0
    while at < len(data):
        length = int.from_bytes(data[at:at + 8], "little")
        offsets.append((at, length))
        at += 12 + length + 4
    middle_at, middle_length = offsets[len(offsets) // 2]
    damaged = bytearray(data)
    damaged[middle_at + 12 + middle_length // 2] ^= 0x40
    cut = offsets[len(offsets) // 3][0]
    damaged[cut:cut] = b"not a record, just bytes"
    os.makedirs(os.path.join(root, "damaged"))
    open(os.path.join(root, "damaged", os.path.basename(source)), "wb").write(damaged)
    last_at, last_length = offsets[-1]
    os.makedirs(os.path.join(root, "truncated"))
    open(os.path.join(root, "truncated", os.path.basename(source)), "wb").write(data[:last_at + 12 + last_length // 2])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "logs"))
