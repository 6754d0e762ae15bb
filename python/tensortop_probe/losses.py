"""Every step's loss: kept cheaply at each step, read at most 10 times a second, sent once to each dashboard."""
import array
import math

import torch

from . import wire

LOSS_INTERVAL = 0.1         # at most 10 `losses` messages a second
HISTORY_LIMIT = 1_000_000   # loss points kept for a dashboard that attaches later
HISTORY_CHUNK = 5000        # points per message when sending the history


class LossBook:
    """The loss history of a run and what the attached dashboard has had of it.

    `keep` costs a `detach` per step (no synchronisation with an accelerator); `flush` turns the
    kept losses into numbers, appends them to the history and sends the points the dashboard has
    not had. A dashboard that has just welcomed the probe first gets the whole history.
    """

    def __init__(self):
        self._pending = []
        self.steps, self.losses, self.rates = array.array("q"), array.array("d"), array.array("d")
        self.next_flush = 0.0
        self._synced = False   # whether the attached dashboard has had the history
        self._sent = 0         # points of the history it has had
        self._warned = False
        self.epoch_start = 0   # index of the current epoch's first point

    def keep(self, step, loss, optimizer):
        """Queues one step's loss (a tensor or a number) with the learning rate of the first param group."""
        if isinstance(loss, torch.Tensor):
            value = loss.detach()
            if value.numel() != 1:
                value = value.float().mean()
        else:
            value = float(loss)
        groups = optimizer.param_groups
        self._pending.append((step, value, groups[0].get("lr", 0.0) if groups else 0.0))

    def flush(self, link, now):
        """Reads the queued losses, keeps them and sends what `link`'s dashboard lacks; True after a welcome."""
        self.next_flush = now + LOSS_INTERVAL
        pending, self._pending = self._pending, []
        welcomed = link.take_welcome()
        if welcomed:
            self._synced, self._sent = True, 0
        points = _as_numbers(pending) if pending else []
        for step, value, lr in points:
            self.steps.append(step)
            self.losses.append(value)
            self.rates.append(lr)
        if len(self.steps) > HISTORY_LIMIT:
            drop = len(self.steps) - HISTORY_LIMIT // 2
            for column in (self.steps, self.losses, self.rates):
                del column[:drop]
            self.epoch_start = max(0, self.epoch_start - drop)
            self._sent = max(0, self._sent - drop)
        if not link.live:
            self._synced = False
            return welcomed
        if self._synced:
            for start in range(self._sent, len(self.steps), HISTORY_CHUNK):
                end = min(len(self.steps), start + HISTORY_CHUNK)
                link.send(wire.losses(zip(self.steps[start:end], self.losses[start:end], self.rates[start:end])))
            self._sent = len(self.steps)
        if not self._warned:
            bad = next(((step, value) for step, value, _ in points if not math.isfinite(value)), None)
            if bad is not None:
                self._warned = True
                link.send(wire.event("warning", text=f"the loss is {bad[1]} at step {bad[0]}"))
        return welcomed

    def epoch_mean(self):
        """The mean loss of the current epoch's points so far (None without any)."""
        losses = self.losses[self.epoch_start:]
        return math.fsum(losses) / len(losses) if len(losses) else None

    def start_epoch(self):
        """Marks where the next epoch's points begin."""
        self.epoch_start = len(self.losses)


def _as_numbers(pending):
    """(step, loss, lr) as floats from pending triples whose loss and lr may be tensors.

    CPU tensors are read one by one (cheapest); tensors on one accelerator in one transfer.
    """
    tensors = [value for _, value, _ in pending if isinstance(value, torch.Tensor)]
    if len(tensors) > 1 and all(t.device.type != "cpu" for t in tensors) and len({t.device for t in tensors}) == 1:
        converted = iter(torch.stack([t.reshape(()).to(torch.float64) for t in tensors]).tolist())
    else:
        converted = iter([t.item() for t in tensors])
    return [(step, next(converted) if isinstance(value, torch.Tensor) else value,
             float(lr.item() if isinstance(lr, torch.Tensor) else lr)) for step, value, lr in pending]
