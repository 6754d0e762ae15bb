"""Histograms of tensors, computed where the tensor lives; only the small result goes to the host.

Matches TensorTop's `Histogram` (Sources/Telemetry/Histogram.swift): 2520 bins over the 0.5th to
99.5th percentile of the finite values (min to max when that is narrower, or with 200 values or
fewer), `below`/`above` counting the finite values outside, `count` every value, and mean, std,
min and max over the finite ones. The percentiles come from a strided sample of at most 4096 values.
"""
import math

import torch

from .wire import number

BINS = 2520
CLIP_PERCENTILE = 0.005
SAMPLE = 4096
CHUNK = 1 << 22  # values binned at a time (the temporaries of binning are about 12 bytes a value)


class PendingHistogram:
    """A histogram whose numbers are still tensors (possibly on a GPU); `to_json()` makes the dict."""

    __slots__ = ("count", "stats", "counts")

    def __init__(self, count, stats, counts):
        self.count = count
        self.stats = stats      # float64 tensor: mean, std, min, max, low, high, below, above
        self.counts = counts    # int64 tensor of the bin counts (then below, above), or None: no finite values

    def to_json(self):
        """The Histogram's JSON object (counts run-length coded as docs/TELEMETRY.md describes)."""
        mean, std, low_value, high_value, low, high, below, above = self.stats.tolist()
        counts = run_length_tensor(self.counts[:-2].cpu()) if self.counts is not None else [-BINS]
        return {"counts": counts, "low": number(low), "high": number(high), "below": int(below), "above": int(above),
                "count": self.count, "mean": number(mean), "std": number(std),
                "min": number(low_value), "max": number(high_value)}


EMPTY = {"counts": [], "low": 0.0, "high": 0.0, "below": 0, "above": 0, "count": 0,
         "mean": 0.0, "std": 0.0, "min": 0.0, "max": 0.0}


def run_length(counts):
    """`counts` with every run of two or more empty bins written as minus its length."""
    out = []
    zeros = 0
    for value in counts:
        if value <= 0:
            zeros += 1
            continue
        if zeros:
            out.append(0 if zeros == 1 else -zeros)
            zeros = 0
        out.append(value)
    if zeros:
        out.append(0 if zeros == 1 else -zeros)
    return out


def run_length_tensor(counts):
    """`run_length` of a 1-D int64 CPU tensor; a sparse one (a small tensor's) walks only its non-empty bins."""
    positions = torch.nonzero(counts).flatten()
    if positions.numel() * 8 > counts.numel():
        return run_length(counts.tolist())
    out, previous = [], -1
    for position, value in zip(positions.tolist(), counts[positions].tolist()):
        gap = position - previous - 1
        if gap:
            out.append(0 if gap == 1 else -gap)
        out.append(value)
        previous = position
    gap = counts.numel() - 1 - previous
    if gap:
        out.append(0 if gap == 1 else -gap)
    return out


def histogram(tensor, bins=BINS):
    """A PendingHistogram of `tensor`'s values (any dtype; integers and booleans as floats).

    Costs one device-to-host transfer of a few numbers (the range); the bins stay on the device
    until `to_json()`. Returns None for an empty tensor.
    """
    with torch.no_grad():
        x = tensor.detach().reshape(-1)
        count = x.numel()
        if count == 0:
            return None
        if not x.is_floating_point() or x.dtype in (torch.float16, torch.bfloat16):
            x = x.to(torch.float32)
        low_value, high_value = torch.aminmax(x)
        parts = [low_value, high_value, x.mean(), x.std() if count > 1 else torch.zeros((), dtype=x.dtype, device=x.device)]
        clipped = count > 200
        if clipped:  # the clip percentiles from the ends of a strided sample (TensorTop's rule)
            sample = x[::max(1, count // SAMPLE)]
            k = int((sample.numel() - 1) * CLIP_PERCENTILE) + 1
            parts += [torch.topk(sample, k, largest=False, sorted=True).values[-1], torch.topk(sample, k).values[-1]]
        first = torch.stack(parts).double().tolist()  # the one synchronisation
        low_value, high_value, mean, std = first[:4]
        if not (math.isfinite(low_value) and math.isfinite(high_value)):
            finite = x[torch.isfinite(x)]
            if finite.numel() == 0:
                nan = float("nan")
                stats = torch.tensor([nan, nan, nan, nan, -0.5, 0.5, 0, 0], dtype=torch.float64)
                return PendingHistogram(count, stats, None)
            return _with_count(histogram(finite, bins), count)
        low, high = (max(low_value, first[4]), min(high_value, first[5])) if clipped else (low_value, high_value)
        if not high > low:
            pad = max(0.5, abs(low) * 1e-6)
            low, high = low - pad, high + pad
        counts = _bin_counts(x, low, high, bins)
        stats = torch.cat([torch.tensor([mean, std, low_value, high_value, low, high], dtype=torch.float64,
                                        device=x.device), counts[bins:].double()])
        return PendingHistogram(count, stats, counts)


def _bin_counts(x, low, high, bins):
    """Counts of `x` in `bins` equal bins over [low, high], then the counts below and above (int64).

    Uses bincount rather than torch.histc, whose multithreaded CPU path can take milliseconds for
    a few hundred values.
    """
    counts = None
    for part in x.split(CHUNK):  # bounded temporaries for a large tensor
        position = ((part - low) * (bins / (high - low))).clamp_(0, bins - 1)  # .long() then truncates: floor
        index = torch.where(part < low, bins, torch.where(part > high, bins + 1, position)).long()
        part_counts = torch.bincount(index, minlength=bins + 2)
        counts = part_counts if counts is None else counts.add_(part_counts)
    return counts


def _with_count(pending, count):
    """`pending` with `count` (all values, non-finite ones included)."""
    pending.count = count
    return pending


def histogram_json(tensor, bins=BINS):
    """The Histogram JSON object of `tensor` right away (EMPTY for an empty tensor)."""
    pending = histogram(tensor, bins)
    return pending.to_json() if pending is not None else dict(EMPTY)
