"""Turning the dashboard's commands into decisions (rank 0) and carrying decisions out (every rank).

A decision is a plain dict that pickles (it is broadcast under torch.distributed):
`{"ops": [op, ...], "hold": bool, "stop": id or None}`, each op a tuple whose second item is the
command id: ("lr", id, value), ("scale", id, factor), ("reinit", id, parameter, method, arguments),
("save", id, path).
"""
import math
import os

import torch

from . import inits
from .link import note
from .wire import enum_case

# Commands a probe refuses, with the reason the dashboard shows.
REFUSALS = {
    "reset": "a PyTorch script cannot be started over from the dashboard",
    "load": "the PyTorch probe does not load checkpoints (load them in the script)",
    "setSpeed": "a PyTorch run always trains at full speed",
    "advance": "the PyTorch probe cannot step and return (advance)",
    "seek": "a live run has no timeline",
    "first": "a live run has no timeline",
    "last": "a live run has no timeline",
    "to": "a live run has no timeline",
    "setHyperparameter": "the PyTorch probe changes only the learning rate",
}


def _finite(value):
    """Whether `value` is a finite JSON number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class CommandDesk:
    """Rank 0's run state (running, paused, stepping) and the decisions the commands lead to.

    `answer(kind, id, text, journal kind)` sends an applied/refused event at once for commands
    needing no broadcast (and notes an applied one in the journal under that kind); `step` is a callable giving the current step.
    """

    def __init__(self, answer, step, parameter_names, quiet=False):
        self.paused = False
        self.budget = None            # steps left to run before pausing (a `step` command)
        self.snapshot_wanted = False  # a snapshot should go out now (requestSnapshot, pause)
        self._answer = answer
        self._step = step
        self._parameter_names = parameter_names
        self._quiet = quiet

    def decide(self, commands, connected):
        """The decision for this step boundary from the queued `commands`, or None to carry on."""
        ops, stop = [], None
        while commands:
            identifier, command = commands.popleft()
            result = self._take(identifier, command)
            if result == "stop":
                stop = identifier
            elif result is not None:
                ops.append(result)
        if self.paused and not connected:
            self.paused, self.budget = False, None
            if not self._quiet:
                note(f"resuming at step {self._step()}: no dashboard to resume it")
        if not self.paused and self.budget is not None and stop is None:
            if self.budget <= 0:
                self.paused, self.budget = True, None
                self.snapshot_wanted = True
            else:
                self.budget -= 1
        if not ops and stop is None and not self.paused:
            return None
        return {"ops": ops, "hold": self.paused and stop is None, "stop": stop}

    def _take(self, identifier, command):
        """Handles one command: answers it now, or returns an op (or "stop") for the decision."""
        name, body = enum_case(command)
        step = self._step()
        if name == "pause" or (name == "togglePause" and not self.paused):
            self.paused, self.budget, self.snapshot_wanted = True, None, True
            self._answer("applied", identifier, f"paused at step {step}", "pause")
        elif name == "resume" or name == "togglePause":
            self.paused, self.budget = False, None
            self._answer("applied", identifier, f"resumed at step {step}", "resume")
        elif name == "step":
            count = body.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                self._answer("refused", identifier, f"a step count must be a whole number of at least 1, got {count!r}")
            else:
                self.paused, self.budget = False, count
                self._answer("applied", identifier, f"{count} step{'s' if count != 1 else ''} from step {step}")
        elif name == "setLearningRate":
            value = body.get("value")
            if not _finite(value) or value < 0:
                self._answer("refused", identifier, f"a learning rate must be a finite number of at least 0, got {value!r}")
            else:
                return ("lr", identifier, float(value))
        elif name == "scaleLearningRate":
            factor = body.get("factor")
            if not _finite(factor) or factor <= 0:
                self._answer("refused", identifier, f"a learning-rate factor must be a finite number above 0, got {factor!r}")
            else:
                return ("scale", identifier, float(factor))
        elif name == "reinitialize":
            return self._reinitialize(identifier, body)
        elif name == "save":
            path = body.get("path")
            if path is not None and (not isinstance(path, str) or not path):
                self._answer("refused", identifier, "a save path must be a non-empty string")
            else:
                return ("save", identifier, path or os.path.join(DEFAULT_CHECKPOINTS, f"tensortop-step-{step}.pth"))
        elif name == "requestSnapshot":
            self.snapshot_wanted = True
            self._answer("applied", identifier, "")
        elif name == "stop":
            return "stop"
        elif name in REFUSALS:
            self._answer("refused", identifier, REFUSALS[name])
        else:
            self._answer("refused", identifier, f"the PyTorch probe does not know the command {name!r}")
        return None

    def _reinitialize(self, identifier, body):
        """A reinit op from a `reinitialize` command, or None after refusing it."""
        parameter, method = body.get("parameter"), body.get("method")
        if parameter is not None and parameter not in self._parameter_names():
            self._answer("refused", identifier, f"the model has no parameter {parameter!r}")
            return None
        if not isinstance(method, dict) or not isinstance(method.get("name"), str):
            self._answer("refused", identifier, "reinitialize needs a method with a name")
            return None
        try:
            arguments = inits.parse_arguments(method["name"], method.get("arguments"))
        except inits.InitError as error:
            self._answer("refused", identifier, str(error))
            return None
        return ("reinit", identifier, parameter, method["name"], arguments)


def set_learning_rates(optimizer, value=None, factor=None):
    """Sets (or scales) every param group's lr; returns (old, new) of the first group."""
    first = None
    for group in optimizer.param_groups:
        old = group["lr"]
        old_value = float(old.item() if isinstance(old, torch.Tensor) else old)
        new_value = value if value is not None else old_value * factor
        if isinstance(old, torch.Tensor):
            old.fill_(new_value)
        else:
            group["lr"] = new_value
        if first is None:
            first = (old_value, new_value)
    return first or (0.0, 0.0)


DEFAULT_CHECKPOINTS = "checkpoints"
"""Where `save` without a path writes (created when missing), as the dashboard's `s` says."""


def save_state(model, path):
    """torch.save(model.state_dict()) to `path` through a temporary file renamed into place."""
    path = os.path.abspath(path)
    if os.path.dirname(path) == os.path.abspath(DEFAULT_CHECKPOINTS):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        torch.save(model.state_dict(), temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
