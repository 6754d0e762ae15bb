#!/usr/bin/env python3
"""What the PyTorch probe (python/tensortop_probe) costs a training step: issue 14's ≤1 % / ≤5 %.

Times the training step of examples/pytorch_mnist.py (TensorTop's cnn preset, Adam 1e-3, batch
128 of 1×28×28 images) in three settings, one after the other in each of several rounds so they
share the same minutes of a noisy machine:

    bare       no probe
    probe      a Probe, no dashboard listening (it tries to connect every 2 s)
    attached   a Probe streaming to a stand-in dashboard in another process that welcomes it and
               reads and discards every frame (what `tensortop attach` costs the script at most)

and prints, per setting, the median steps/s over the rounds with the min–max, the slowdown
against `bare` (of the medians and of the best rounds), the process's CPU time per step (every
thread, the probe's writer included) and the share of the time spent inside `probe.step` itself. Needs torch only
(the inputs are random: the step's cost does not depend on the pixels). For example:

    python bench/probe_overhead.py                   # 7 rounds of 30 steps, torch's thread count
    python bench/probe_overhead.py --rounds 3 --steps 20 --threads 1
"""
import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

SETTINGS = ("bare", "probe", "attached")


def serve(path):
    """The stand-in dashboard: one connection at a time, welcome to any hello, read and discard."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    print("ready", flush=True)
    welcome = b'{"welcome":{"schemaVersion":1,"tensortopVersion":"bench"}}'
    while True:
        connection, _ = server.accept()
        header = connection.recv(4, socket.MSG_WAITALL)
        if len(header) == 4:
            connection.recv(struct.unpack("<I", header)[0], socket.MSG_WAITALL)
            connection.sendall(struct.pack("<I", len(welcome)) + welcome)
            while connection.recv(1 << 20):
                pass
        connection.close()


def cnn(nn):
    """TensorTop's cnn preset, as in examples/pytorch_mnist.py."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10))


class Timer:
    """Wraps probe.step to add up the seconds spent inside it."""

    def __init__(self, step):
        self.inner, self.seconds = step, 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def run_setting(setting, steps, batches, address):
    """(steps per second, share of the time inside probe.step, CPU seconds of the process per step)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from tensortop_probe import Probe

    torch.manual_seed(0)
    model = cnn(nn)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    probe = None
    if setting != "bare":
        probe = Probe(model, optimizer, class_names=[str(i) for i in range(10)], address=address, quiet=True)
        probe.step = Timer(probe.step)

    def train(count):
        """Runs `count` training steps (with the probe's step when there is one)."""
        for i in range(count):
            x, y = batches[i % len(batches)]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            if probe is not None:
                probe.step(loss, inputs=x, targets=y, outputs=logits)
            optimizer.step()

    train(3)  # warm up (and connect)
    if setting == "attached":
        deadline = time.monotonic() + 5
        while not probe._link.live and time.monotonic() < deadline:
            train(1)
        if not probe._link.live:
            raise SystemExit("the stand-in dashboard did not welcome the probe")
    if probe is not None:
        probe.step.seconds = 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    train(steps)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    inside = probe.step.seconds / seconds if probe is not None else 0.0
    if probe is not None:
        probe.close()
    return steps / seconds, inside, cpu / steps


def main():
    """Runs the interleaved rounds and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=30, help="timed steps per setting and round")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    batches = [(torch.rand(128, 1, 28, 28, generator=generator), torch.randint(0, 10, (128,), generator=generator))
               for _ in range(8)]

    folder = tempfile.mkdtemp(prefix="tt-bench-")
    path = os.path.join(folder, "attach.sock")
    dashboard = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", path], stdout=subprocess.PIPE, text=True)
    try:
        dashboard.stdout.readline()
        nobody = "unix:" + os.path.join(folder, "nobody.sock")
        results = {setting: [] for setting in SETTINGS}
        for round_number in range(1, args.rounds + 1):
            for setting in SETTINGS:
                results[setting].append(run_setting(setting, args.steps, batches,
                                                    "unix:" + path if setting == "attached" else nobody))
            print(f"round {round_number}: " + "  ".join(f"{s} {results[s][-1][0]:.2f}" for s in SETTINGS) + " steps/s",
                  file=sys.stderr, flush=True)
    finally:
        dashboard.kill()
        dashboard.wait()
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cnn batch 128 Adam, "
          f"{args.rounds} rounds × {args.steps} steps")
    print("| setting | steps/s: median (min–max) | slowdown vs bare: median, best | CPU ms per step (all threads) | time inside probe.step |")
    print("|---|---|---|---|---|")
    bare = [rate for rate, _, _ in results["bare"]]
    bare_cpu = statistics.median(cpu for _, _, cpu in results["bare"])
    for setting in SETTINGS:
        rates = [rate for rate, _, _ in results[setting]]
        median = statistics.median(rates)
        cpu = statistics.median(c for _, _, c in results[setting])
        if setting == "bare":
            slowdown = inside = "—"
            cpu_text = f"{cpu * 1000:.1f}"
        else:
            slowdown = (f"{(statistics.median(bare) / median - 1) * 100:+.1f} %, "
                        f"{(max(bare) / max(rates) - 1) * 100:+.1f} %")
            inside = f"{statistics.median(i for _, i, _ in results[setting]) * 100:.2f} %"
            cpu_text = f"{cpu * 1000:.1f} ({(cpu / bare_cpu - 1) * 100:+.1f} %)"
        print(f"| {setting} | {median:.2f} ({min(rates):.2f}–{max(rates):.2f}) | {slowdown} | {cpu_text} | {inside} |")
    print("On a shared machine the steps/s vary by more than the probe costs; the CPU time and the "
          "time inside probe.step are steadier (the writer thread is in the first, not in the second).")


if __name__ == "__main__":
    main()
