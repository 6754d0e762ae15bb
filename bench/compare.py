#!/usr/bin/env python3
"""Interleaved speed comparison of TensorTop, PyTorch and a bare numpy loop (`make compare`).

For each round, for each setting (batch 64 and 256 × 1 and 2 threads), runs one after the other
    tensortop train --model mlp --epochs E --optimizer sgd --lr 0.1 --batch-size B --threads T --json
    $PYTHON bench/pytorch_mlp.py --epochs E --optimizer sgd --lr 0.1 --batch-size B --threads T --json
    OPENBLAS_NUM_THREADS=T $PYTHON bench/numpy_mlp.py --epochs E --batch-size B --json
and keeps each run's best epoch (samples/s), so the three share the same minutes of a noisy
machine. Prints a Markdown table for the README: per setting the median over rounds with the
min–max, TensorTop ÷ PyTorch, and the 1→2-thread scaling at batch 256.

$PYTHON (default python3) runs PyTorch and numpy; this script needs only the standard library.
A column whose package $PYTHON lacks is skipped, saying so. Examples:
    make compare PYTHON=~/venv/bin/python
    python3 bench/compare.py --rounds 3 --tensortop .build/release/tensortop
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
BATCHES = (64, 256)
THREADS = (1, 2)
SETTINGS = [(batch, threads) for batch in BATCHES for threads in THREADS]
# The three contenders, in the order each setting runs them and the table shows them.
TENSORTOP, PYTORCH, NUMPY = "TensorTop", "PyTorch", "numpy loop"
CONTENDERS = (TENSORTOP, PYTORCH, NUMPY)
# How long one run may take before it is killed and counted as failed.
RUN_TIMEOUT = 1800


def positive_int(text):
    """An argparse type: a whole number of at least 1, refused with the value it got."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=positive_int, default=2, help="interleaved rounds (default 2)")
    parser.add_argument("--epochs", type=positive_int, default=2, help="epochs per run; each run's best counts (default 2)")
    parser.add_argument("--tensortop", default=".build/release/tensortop",
                        help="the tensortop binary (default .build/release/tensortop)")
    args = parser.parse_args(argv)
    if not (os.path.isfile(args.tensortop) and os.access(args.tensortop, os.X_OK)):
        parser.error(f"--tensortop: no executable at '{args.tensortop}'; "
                     "build it with `swift build -c release --product tensortop` or pass its path")
    return args


def best_rate(stdout):
    """The highest samples_per_s among the JSON lines of `stdout` (one object per epoch).

    Raises ValueError naming the problem when no line carries a positive number.
    """
    rates = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line).get("samples_per_s")
        except (json.JSONDecodeError, AttributeError):
            raise ValueError(f"not a JSON object: {line[:80]}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            rates.append(float(value))
    if not rates:
        raise ValueError("no epoch with samples_per_s in the output")
    return max(rates)


def run(command, environment=None):
    """Runs `command`; its best epoch's samples/s, or None after saying on stderr what went wrong."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                              env=dict(os.environ, **(environment or {})))
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"  failed: {' '.join(command)}: {error}", file=sys.stderr)
        return None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        print(f"  failed (exit {done.returncode}): {' '.join(command)}\n    " + "\n    ".join(tail), file=sys.stderr)
        return None
    try:
        return best_rate(done.stdout)
    except ValueError as error:
        print(f"  unusable output from {' '.join(command)}: {error}", file=sys.stderr)
        return None


def python_package_version(python, package):
    """`package`'s version as `python` imports it, or None when it cannot (or `python` does not run)."""
    try:
        done = subprocess.run([python, "-c", f"import {package}; print({package}.__version__)"],
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def commands(contender, batch, threads, epochs, tensortop, python):
    """The command line and extra environment of one run."""
    if contender == TENSORTOP:
        return [tensortop, "train", "--model", "mlp", "--epochs", str(epochs), "--optimizer", "sgd", "--lr", "0.1",
                "--batch-size", str(batch), "--threads", str(threads), "--json"], {}
    if contender == PYTORCH:
        return [python, os.path.join(BENCH, "pytorch_mlp.py"), "--epochs", str(epochs), "--optimizer", "sgd", "--lr", "0.1",
                "--batch-size", str(batch), "--threads", str(threads), "--json"], {}
    return [python, os.path.join(BENCH, "numpy_mlp.py"), "--epochs", str(epochs), "--batch-size", str(batch),
            "--json"], {"OPENBLAS_NUM_THREADS": str(threads)}


def machine_line(tensortop):
    """The CPU model, CPU count, date and tensortop's OpenBLAS kernel, for the table's header."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), model)
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    core = "unknown"
    bench = os.path.join(os.path.dirname(tensortop), "tensortop-bench")
    try:
        done = subprocess.run([bench, "--openblas-core"], capture_output=True, text=True, timeout=60)
        if done.returncode == 0 and done.stdout.strip():
            core = done.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        core = f"unknown ({bench} did not run; build it with `swift build -c release --product tensortop-bench`)"
    forced = os.environ.get("OPENBLAS_CORETYPE")
    core += f" (OPENBLAS_CORETYPE={forced})" if forced else ""
    return f"{model}, {cpus} CPUs, {datetime.date.today().isoformat()}, tensortop's OpenBLAS core {core}"


def number(value):
    return f"{value:,.0f}"


def cell(values, format=number, bounds=None):
    """Median over rounds and the min–max, e.g. `95,955 (94,100–97,800)` or `1.52× (1.48–1.60)`
    (`bounds` formats the min and max, `format` unless told); `–` when nothing was measured."""
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    middle, bounds = format(statistics.median(values)), bounds or format
    return middle if len(values) == 1 else f"{middle} ({bounds(min(values))}–{bounds(max(values))})"


def ratio_cell(values):
    """Ratios over rounds: `1.52× (1.48–1.60)`."""
    return cell(values, lambda value: f"{value:.2f}×", lambda value: f"{value:.2f}")


def per_round(first, second):
    """first[i] ÷ second[i] for the rounds where both were measured."""
    return [a / b for a, b in zip(first, second) if a is not None and b is not None and b > 0]


def render(results, rounds, epochs, machine, versions, skipped):
    """The Markdown report: header, the samples/s table, the 1→2-thread scaling at batch 256.

    `results[(contender, batch, threads)]` holds one samples/s (or None) per round.
    """
    shown = [c for c in CONTENDERS if c not in skipped]
    lines = [f"Interleaved samples/s: mlp 784-256-10, plain SGD lr 0.1, {epochs} epoch{'s' if epochs > 1 else ''} a run (its best epoch counts), "
             f"{rounds} round{'s' if rounds > 1 else ''}; median over rounds (min–max).",
             f"Machine: {machine}." + (f" {versions}." if versions else ""), ""]
    header = ["setting"] + shown + ([f"{TENSORTOP} / {PYTORCH}"] if PYTORCH in shown else [])
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for batch, threads in SETTINGS:
        row = [f"batch {batch}, {threads} thread{'s' if threads > 1 else ''}"]
        row += [cell(results.get((c, batch, threads), [])) for c in shown]
        if PYTORCH in shown:
            row.append(ratio_cell(per_round(results.get((TENSORTOP, batch, threads), []),
                                            results.get((PYTORCH, batch, threads), []))))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "| 1→2 threads, batch 256 | " + " | ".join(shown) + " |", "|" + " --- |" * (len(shown) + 1)]
    scaling = [ratio_cell(per_round(results.get((c, 256, 2), []), results.get((c, 256, 1), []))) for c in shown]
    lines.append("| 2-thread ÷ 1-thread samples/s | " + " | ".join(scaling) + " |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    python = os.environ.get("PYTHON") or "python3"
    skipped = set()
    torch_version = python_package_version(python, "torch")
    numpy_version = python_package_version(python, "numpy")
    if torch_version is None:
        print(f"PyTorch not found in {python} (pip install torch) — PyTorch column skipped", file=sys.stderr)
        skipped.add(PYTORCH)
    if numpy_version is None:
        also = "" if PYTORCH in skipped else " (and PyTorch's: bench/pytorch_mlp.py reads the data with numpy)"
        print(f"numpy not found in {python} (pip install numpy) — numpy loop column{also} skipped", file=sys.stderr)
        skipped |= {NUMPY, PYTORCH}
    versions = [f"{name} {version}" for name, version in (("PyTorch", torch_version), ("numpy", numpy_version))
                if version and not (name == "PyTorch" and PYTORCH in skipped)]
    machine = machine_line(args.tensortop)
    results = {}
    for round_number in range(1, args.rounds + 1):
        for batch, threads in SETTINGS:
            for contender in CONTENDERS:
                if contender in skipped:
                    continue
                command, environment = commands(contender, batch, threads, args.epochs, args.tensortop, python)
                rate = run(command, environment)
                results.setdefault((contender, batch, threads), []).append(rate)
                shown = "failed" if rate is None else f"{number(rate)} samples/s"
                print(f"round {round_number}/{args.rounds}, batch {batch}, {threads} thread{'s' if threads > 1 else ''}: "
                      f"{contender} {shown}", file=sys.stderr, flush=True)
    print(render(results, args.rounds, args.epochs, machine, ", ".join(versions) + (f" from {python}" if versions else ""), skipped))


if __name__ == "__main__":
    main()
