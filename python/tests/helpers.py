"""Shared pieces of the probe's tests: a tiny model, a training loop in a thread, message checks."""
import os
import subprocess
import sys
import threading
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from tensortop_probe import Probe, StopTraining  # noqa: E402

HISTOGRAM_FIELDS = ("counts", "low", "high", "below", "above", "count", "mean", "std", "min", "max")


def tiny_model():
    """A small CNN on 1×8×8 images with batch norm (so it has buffers and a train/eval mode)."""
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(4 * 4 * 4, 10))


def tiny_batch(size=16, seed=0):
    """A fixed batch of random 1×8×8 images and class labels 0–9."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(size, 1, 8, 8, generator=generator), torch.randint(0, 10, (size,), generator=generator)


class Trainer:
    """Trains the tiny model with a probe in a background thread; the test watches `steps`.

    `delay` seconds pass between steps so a test can observe the run; `error` holds what the
    loop raised (StopTraining for a stopped run).
    """

    def __init__(self, address, steps=100000, delay=0.01, lr=0.1, **probe_options):
        torch.manual_seed(0)
        self.model = tiny_model()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)
        self.probe = Probe(self.model, self.optimizer, class_names=[f"c{i}" for i in range(10)], address=address,
                           quiet=True, **probe_options)
        self.x, self.y = tiny_batch()
        self.steps = 0
        self.limit = steps
        self.delay = delay
        self.error = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        try:
            while self.steps < self.limit:
                outputs = self.model(self.x)
                loss = F.cross_entropy(outputs, self.y)
                self.optimizer.zero_grad()
                loss.backward()
                self.probe.step(loss, inputs=self.x, targets=self.y, outputs=outputs)
                self.optimizer.step()
                self.steps += 1
                if self.delay:
                    time.sleep(self.delay)
        except BaseException as error:  # recorded for the test to check
            self.error = error
        finally:
            self.probe.close()
            self.done.set()

    def stop(self, timeout=20.0):
        """Ends the loop (if it still runs) and waits for it; AssertionError when it hangs."""
        self.limit = 0
        if not self.done.wait(timeout):
            raise AssertionError("the training thread did not end")


def wait_until(predicate, timeout=20.0, what="a condition"):
    """Polls `predicate()` until true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def run_python(script, env=None, timeout=120, args=()):
    """Runs `script` with this Python and the probe importable; returns the CompletedProcess."""
    full = dict(os.environ)
    full["PYTHONPATH"] = PYTHON_DIR + os.pathsep + full.get("PYTHONPATH", "")
    full.update(env or {})
    return subprocess.run([sys.executable, script, *args], env=full, capture_output=True, text=True, timeout=timeout)


class MessageChecks:
    """Assertions that messages have the fields docs/TELEMETRY.md requires (a unittest mixin)."""

    def check_histogram(self, histogram, where):
        self.assertIsInstance(histogram, dict, where)
        for field in HISTOGRAM_FIELDS:
            self.assertIn(field, histogram, f"{where}: histogram lacks {field}")
        self.assertIsInstance(histogram["counts"], list, where)
        expanded = sum(-c if c < 0 else 1 for c in histogram["counts"])
        self.assertLessEqual(expanded, 1 << 20, where)
        in_bins = sum(c for c in histogram["counts"] if c > 0)
        if isinstance(histogram["count"], int) and histogram["count"] > 0 and histogram["min"] != "nan":
            self.assertLessEqual(in_bins + histogram["below"] + histogram["above"], histogram["count"], where)

    def check_snapshot(self, snapshot):
        self.assertIsInstance(snapshot.get("step"), int, "snapshot.step is required")
        self.assertEqual(len(snapshot["state"]), 1, "state is a one-key enum object")
        for parameter in snapshot.get("parameters", []):
            where = f"parameter {parameter.get('name')}"
            self.assertIsInstance(parameter.get("name"), str, "parameter.name is required")
            self.check_histogram(parameter["values"], where)
            gradient = parameter.get("gradient")
            if gradient is not None:
                for field in ("l2Norm", "mean", "std", "maxAbs", "zeroFraction", "updateRatio"):
                    self.assertIn(field, gradient, f"{where}: gradient lacks {field}")
            init = parameter.get("initialization")
            if init is not None:
                for field in ("method", "step", "spread", "before", "after"):
                    self.assertIn(field, init, f"{where}: initialization lacks {field}")
                self.check_histogram(init["before"], where + " before")
                self.check_histogram(init["after"], where + " after")
        for buffer in snapshot.get("buffers", []):
            self.assertIsInstance(buffer.get("name"), str)
            self.assertIn(buffer.get("dtype"), ("float32", "int64"))
            self.check_histogram(buffer["values"], f"buffer {buffer['name']}")
        batch = snapshot.get("batch")
        if batch is not None:
            for field in ("width", "height", "pixels", "labels"):
                self.assertIn(field, batch, f"batch lacks {field}")
        for choice in snapshot.get("initChoices", []):
            self.assertIsInstance(choice["name"], str)
            for argument in choice["arguments"]:
                self.assertIsInstance(argument["value"], str)
