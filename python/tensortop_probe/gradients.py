"""Per-parameter gradient statistics, computed on the device as one small tensor per snapshot."""
import collections

import torch

from .wire import number

NORM_HISTORY = 64


class PendingGradients:
    """Gradient statistics of several parameters still on the device: one row per parameter.

    Columns: l2 norm, mean, std, max |g|, zero fraction, ‖w‖. `rows()` makes host numbers.
    """

    def __init__(self, names, table):
        self.names = names
        self.table = table

    def rows(self, learning_rate):
        """{name: GradientStats JSON} with updateRatio = lr·‖g‖/‖w‖."""
        out = {}
        for name, (norm, mean, std, max_abs, zeros, weight_norm) in zip(self.names, self.table.tolist()):
            ratio = learning_rate * norm / weight_norm if weight_norm > 0 else 0.0
            out[name] = {"l2Norm": number(norm), "mean": number(mean), "std": number(std), "maxAbs": number(max_abs),
                         "zeroFraction": number(zeros), "updateRatio": number(ratio)}
        return out


def gradient_stats(named_parameters):
    """PendingGradients for the parameters of `named_parameters` (pairs) that have a gradient, or None."""
    names, rows = [], []
    with torch.no_grad():
        for name, parameter in named_parameters:
            grad = parameter.grad
            if grad is None or grad.numel() == 0 or grad.is_sparse:
                continue
            g = grad.detach().reshape(-1).float()
            count = g.numel()
            std = g.std() if count > 1 else torch.zeros((), device=g.device)
            rows.append(torch.stack([torch.linalg.vector_norm(g), g.mean(), std, g.abs().max(),
                                     (g == 0).sum() / count, torch.linalg.vector_norm(parameter.detach().float())]))
            names.append(name)
        if not rows:
            return None
        devices = {row.device for row in rows}
        if len(devices) > 1:
            rows = [row.cpu() for row in rows]
        return PendingGradients(names, torch.stack(rows).double())


class NormHistory:
    """The last NORM_HISTORY gradient norms of each parameter, oldest first."""

    def __init__(self):
        self._norms = collections.defaultdict(lambda: collections.deque(maxlen=NORM_HISTORY))

    def add(self, name, norm):
        """Appends one norm (a JSON number or string) to `name`'s history and returns the history as a list."""
        history = self._norms[name]
        history.append(norm)
        return list(history)

    def get(self, name):
        """`name`'s history as a list."""
        return list(self._norms.get(name, ()))
