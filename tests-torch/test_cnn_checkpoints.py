"""Convolutional checkpoints between TensorTop and a real PyTorch, both ways and both formats.

Run by `make test-torch` (and by `make test` when torch is importable) with the release
`tensortop` binary given in $TENSORTOP (default .build/release/tensortop).
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch
import torch.nn as nn

TENSORTOP = os.environ.get("TENSORTOP", ".build/release/tensortop")
DATA = os.environ.get("TENSORTOP_DATA", "/usr/share/datasets/fashion-mnist")


def cnn():
    """The `--model cnn` preset as PyTorch's nn.Sequential."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10))


def lenet():
    """The `--model lenet` preset as PyTorch's nn.Sequential."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def first_test_images(count):
    """The first `count` Fashion-MNIST test images as a float tensor [count, 1, 28, 28] in [0, 1]."""
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"):
        path = os.path.join(DATA, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                raw = f.read(16 + count * 784)[16:]
            pixels = torch.frombuffer(bytearray(raw), dtype=torch.uint8).float() / 255
            return pixels.reshape(count, 1, 28, 28)
    raise unittest.SkipTest(f"no Fashion-MNIST test images in {DATA} (set TENSORTOP_DATA)")


def run(*args):
    """Runs tensortop with `args`; fails the test with its stderr when it fails."""
    result = subprocess.run([TENSORTOP, *args], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise AssertionError(f"tensortop {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def tensortop_logits(weights, model, count):
    """The logits `tensortop predict` gives for the first `count` test images."""
    lines = run("predict", "--weights", weights, "--model", model, "--first", str(count), "--json", "--data", DATA).splitlines()
    return torch.tensor([json.loads(line)["logits"] for line in lines])


class ConvolutionalCheckpoints(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def path(self, name):
        return os.path.join(self.folder.name, name)

    def test_a_cnn_trained_here_loads_in_pytorch_from_both_formats(self):
        for file in ("cnn.pth", "cnn.safetensors"):
            run("train", "--model", "cnn", "--epochs", "1", "--train-limit", "256", "--test-limit", "64",
                "--data", DATA, "--save", self.path(file))
        ours = tensortop_logits(self.path("cnn.pth"), "cnn", 8)

        model = cnn()
        state = torch.load(self.path("cnn.pth"), weights_only=True)
        self.assertEqual(state["1.num_batches_tracked"].dtype, torch.int64)
        self.assertEqual(int(state["1.num_batches_tracked"]), 256 // 128)
        model.load_state_dict(state)  # strict: every parameter and buffer, nothing else
        with torch.no_grad():
            theirs = model.eval()(first_test_images(8))
        torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-4)

        try:
            from safetensors.torch import load_file
        except ImportError:
            print("  (safetensors not installed: the .safetensors half is not checked)", file=sys.stderr)
            return
        whole = load_file(self.path("cnn.safetensors"))
        self.assertEqual(set(whole), set(model.state_dict()))
        self.assertEqual(whole["5.num_batches_tracked"].dtype, torch.int64)
        # The two files come from two runs with the same seed: the same numbers.
        for name, tensor in whole.items():
            torch.testing.assert_close(tensor, state[name], rtol=0, atol=0)

    def test_a_lenet_saved_by_pytorch_gives_its_logits_here(self):
        torch.manual_seed(3)
        model = lenet()
        x = first_test_images(8)
        with torch.no_grad():
            expected = model.eval()(x)
        torch.save(model.state_dict(), self.path("lenet.pth"))
        torch.testing.assert_close(tensortop_logits(self.path("lenet.pth"), "lenet", 8), expected, rtol=1e-4, atol=1e-4)
        try:
            from safetensors.torch import save_file
        except ImportError:
            return
        save_file(model.state_dict(), self.path("lenet.safetensors"))
        torch.testing.assert_close(tensortop_logits(self.path("lenet.safetensors"), "lenet", 8), expected, rtol=1e-4, atol=1e-4)

    def test_batch_norm_running_statistics_from_pytorch_are_used_in_eval(self):
        torch.manual_seed(5)
        model = cnn()
        x = first_test_images(64)
        model.train()
        for _ in range(3):  # move the running statistics away from 0 and 1
            model(x)
        with torch.no_grad():
            expected = model.eval()(x[:8])
        torch.save(model.state_dict(), self.path("cnn-bn.pth"))
        torch.testing.assert_close(tensortop_logits(self.path("cnn-bn.pth"), "cnn", 8), expected, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    unittest.main()
