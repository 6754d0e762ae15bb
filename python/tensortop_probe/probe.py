"""The Probe: two lines in a training script stream it to a TensorTop dashboard and let it steer."""
import atexit
import collections
import os
import socket
import sys
import time

import torch

from . import commands as desk_commands
from . import inits, wire
from .address import resolve_address
from .batch import batch_preview, image_shape
from .commands import CommandDesk
from .distributed import Ranks
from .gradients import NormHistory
from .link import Link
from .losses import LossBook
from .pictures import feature_maps, has_convolutions
from .snapshot import capture, has_mode_layers, learning_rate, model_description, numbers, optimizer_description

SNAPSHOT_INTERVAL = 0.1   # at most 10 snapshots a second
SNAPSHOT_SHARE = 0.02     # snapshots may take at most about this share of the training thread's time
PAUSE_TICK = 0.2          # while paused, ranks exchange a message this often


class StopTraining(Exception):
    """Raised by `Probe.step` when the dashboard stopped the run; a script may catch it and finish."""


def unwrap(model):
    """The user's model inside DistributedDataParallel, DataParallel or torch.compile wrappers."""
    seen = set()
    while id(model) not in seen:
        seen.add(id(model))
        if isinstance(model, (torch.nn.parallel.DistributedDataParallel, torch.nn.DataParallel)):
            model = model.module
        elif hasattr(model, "_orig_mod") and isinstance(model._orig_mod, torch.nn.Module):
            model = model._orig_mod
    return model


class Probe:
    """Streams a PyTorch training run to a waiting `tensortop attach` and obeys its commands.

    Call `step(loss, inputs=..., targets=..., outputs=...)` once per training step, after
    `loss.backward()` and before `optimizer.step()`; optionally `epoch(...)` after each epoch;
    `close()` at the end (or use `with Probe(...) as probe:`; an exit handler closes it too).

    The dashboard is `address` (`unix:PATH`, `tcp:HOST:PORT`, `HOST:PORT`), else $TENSORTOP_ATTACH,
    else the default Unix socket; `token` (else $TENSORTOP_TOKEN) is sent over TCP. The first
    connection attempt is made at the first `step` (when the probe knows what the inputs look like),
    then again at most every 2 s while no dashboard is attached; without one, training just runs.

    Under torch.distributed every rank makes a Probe and calls `step` equally often; rank 0 talks to
    the dashboard and shares its decisions with the other ranks at each step.
    `total_epochs` and `steps_per_epoch` are optional, for the dashboard's progress display.
    """

    def __init__(self, model, optimizer, class_names=None, address=None, token=None, *,
                 total_epochs=None, steps_per_epoch=None, quiet=False):
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"Probe needs the torch.nn.Module being trained, got {type(model).__name__}")
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"Probe needs the torch.optim optimizer, got {type(optimizer).__name__}")
        self.model = unwrap(model)
        self.optimizer = optimizer
        self.class_names = [str(name) for name in class_names] if class_names is not None else []
        self._ranks = Ranks()
        self._address = resolve_address(address)
        self._token = token if token is not None else os.environ.get("TENSORTOP_TOKEN")
        self._total_epochs = int(total_epochs or 0)
        self._steps_per_epoch = int(steps_per_epoch or 0)
        self._pid = os.getpid()
        self._closed = False
        self._end_state = {"finished": {}}
        self._start = time.monotonic()
        self._step = 0
        self._epoch = 1
        self._step_in_epoch = 0
        self._epoch_start = self._start
        self._epoch_samples = 0
        self._paused_seconds = 0.0
        self._batch_size = 0
        self._throughput = collections.deque(maxlen=32)
        self._samples = 0
        self._epoch_results = []
        self._journal = collections.deque(maxlen=1000)
        self._inits = {}
        self._norms = NormHistory()
        self._has_modes = has_mode_layers(self.model)
        self._image_shape = None
        self._capabilities = None
        self._batch = None
        self._last_preview = None  # the newest batch preview, for snapshots taken between steps (the last one)
        self._last_maps = None  # likewise the newest feature maps
        self._convolutional = has_convolutions(self.model)
        self._losses = LossBook()
        self._next_snapshot = 0.0
        self._link = None
        if self._ranks.leader:
            self._link = Link(self._address, self._token, self._hello, quiet=quiet)
        self._desk = CommandDesk(self._answer, lambda: self._step, lambda: dict(self.model.named_parameters()),
                                 quiet=quiet)
        self._watch = inits.InitWatch(self.model.named_parameters, self.model.named_modules, lambda: self._step,
                                      self._record_init)
        self._watch.install()
        self._watch.record_starting_values()
        atexit.register(self._close_at_exit)

    # --- the public calls -------------------------------------------------------------------

    def step(self, loss=None, inputs=None, targets=None, outputs=None):
        """Ends one training step: records the loss, sends telemetry, obeys the dashboard's commands.

        Blocks while the run is paused; raises StopTraining when the dashboard stops the run.
        `inputs`, `targets` and `outputs` (optional) feed the batch preview: images N×C×H×W with
        class-index targets and N×K class scores.
        """
        if self._closed:
            return
        now = time.monotonic()
        self._step += 1
        self._step_in_epoch += 1
        if isinstance(inputs, torch.Tensor) and inputs.dim() > 0:
            self._batch_size = int(inputs.shape[0])
        self._samples += self._batch_size
        self._epoch_samples += self._batch_size
        self._throughput.append((now, self._samples))
        if self._link is None:  # a rank other than 0: only the shared decisions matter
            if self._ranks.enabled:
                self._boundary()
            return
        if loss is not None:
            self._losses.keep(self._step, loss, self.optimizer)
        if self._capabilities is None:
            self._first_step(inputs)
        link = self._link
        link.poke(now)
        if now >= self._losses.next_flush:
            self._flush_losses(now)
        if not (self._ranks.enabled or link.commands or self._desk.paused or self._desk.budget is not None
                or self._desk.snapshot_wanted) and (not link.live or now < self._next_snapshot):
            return  # the common case: nothing to do
        self._batch = (inputs, targets, outputs)
        try:
            self._boundary()
            if link.live and (self._desk.snapshot_wanted or time.monotonic() >= self._next_snapshot):
                self._send_snapshot({"running": {}})
        finally:
            self._batch = None

    def epoch(self, test_loss=None, test_accuracy=None, train_loss=None):
        """Marks the end of an epoch: an `epochFinished` event with the losses and accuracy given.

        `train_loss` defaults to the mean of the epoch's step losses; `test_accuracy` is a fraction (0–1).
        """
        if self._closed:
            return
        now = time.monotonic()
        if self._link is not None:
            self._flush_losses(now)
            if train_loss is None:
                train_loss = self._losses.epoch_mean()
            result = {"epoch": self._epoch, "step": self._step,
                      "trainLoss": wire.number(_float(train_loss)), "testLoss": wire.number(_float(test_loss)),
                      "testAccuracy": wire.number(_float(test_accuracy)),
                      "seconds": max(0.0, now - self._epoch_start - self._paused_seconds),
                      "samples": self._epoch_samples * self._ranks.world_size,
                      "perClassAccuracy": [], "confusion": []}
            self._epoch_results.append(result)
            self._link.send(wire.event("epochFinished", result=result))
            self._losses.start_epoch()
            self._next_snapshot = 0.0
        if not self._steps_per_epoch:
            self._steps_per_epoch = self._step_in_epoch
        self._epoch += 1
        self._step_in_epoch = 0
        self._epoch_start = now
        self._epoch_samples = 0
        self._paused_seconds = 0.0

    def close(self):
        """Ends the probe: a last snapshot, `finished` (or `stopped`) and `bye`; puts nn.init back."""
        if self._closed or os.getpid() != self._pid:
            return
        self._closed = True
        atexit.unregister(self._close_at_exit)
        self._watch.uninstall()
        if self._link is None:
            return
        final = []
        if self._link.live:
            self._flush_losses(time.monotonic())
            final.append(self._capture(self._end_state))
            if "finished" in self._end_state:
                final.append(wire.event("finished"))
            final.append(wire.bye())
        self._link.close(final)

    def _close_at_exit(self):
        """The exit handler: closes the probe, as `failed` when the script ended by an uncaught exception."""
        error = getattr(sys, "last_value", None)
        if isinstance(error, BaseException) and not isinstance(error, StopTraining) and "finished" in self._end_state:
            self._fail(error)
        self.close()

    def _fail(self, error):
        """Marks the run failed by `error`: the last snapshot's state and a `failed` event."""
        message = f"{type(error).__name__}: {error}"
        self._end_state = {"failed": {"message": message}}
        if self._link is not None:
            self._link.send(wire.event("failed", message=message))

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        """Closes the probe; leaving the block by StopTraining is a normal end, so it is not re-raised."""
        if kind is not None and not issubclass(kind, StopTraining):
            self._fail(error if error is not None else kind())
        self.close()
        return kind is not None and issubclass(kind, StopTraining)

    # --- losses ---------------------------------------------------------------------------

    def _flush_losses(self, now):
        """Reads and sends the losses; a dashboard that has just attached also gets a snapshot soon."""
        if self._losses.flush(self._link, now):
            self._next_snapshot = 0.0

    # --- snapshots --------------------------------------------------------------------------

    def _first_step(self, inputs):
        """Learns from the first batch whether inputs are images, which sets the capabilities."""
        self._image_shape = image_shape(inputs)
        capabilities = (wire.CAP_PAUSE | wire.CAP_STEP | wire.CAP_CHANGE_LEARNING_RATE | wire.CAP_REINITIALIZE
                        | wire.CAP_SAVE | wire.CAP_GRADIENTS | wire.CAP_STOP_RUN)
        if self._image_shape is not None:
            capabilities |= wire.CAP_BATCH_IMAGES
        self._capabilities = capabilities

    def _hello(self, token):
        """The hello message for a new connection."""
        first = next(self.model.parameters(), None)
        run = {"command": " ".join(getattr(sys, "orig_argv", None) or [sys.executable] + sys.argv),
               "pid": os.getpid(), "host": socket.gethostname(), "rank": self._ranks.rank,
               "worldSize": self._ranks.world_size, "torchVersion": torch.__version__,
               "device": str(first.device) if first is not None else "cpu"}
        if self._ranks.backend:
            run["backend"] = self._ranks.backend
        return wire.hello(self._capabilities or 0, token, run)

    def _fields(self, state):
        """The snapshot's plain fields (everything but parameters, buffers and the batch)."""
        now = time.monotonic()
        rate = 0.0
        if len(self._throughput) >= 2:
            (t0, s0), (t1, s1) = self._throughput[0], self._throughput[-1]
            if t1 > t0:
                rate = (s1 - s0) / (t1 - t0) * self._ranks.world_size
        fields = numbers(
            state=state, step=self._step, epoch=self._epoch if not self._total_epochs else min(self._epoch, self._total_epochs),
            totalEpochs=self._total_epochs, stepInEpoch=self._step_in_epoch, stepsPerEpoch=self._steps_per_epoch,
            samplesPerSecond=float(rate), seconds=float(now - self._start), learningRate=learning_rate(self.optimizer),
            optimizerName=type(self.optimizer).__name__, optimizerDescription=optimizer_description(self.optimizer),
            modelDescription=model_description(self.model), batchSize=self._batch_size, classNames=self.class_names,
            imageShape=self._image_shape or [], epochResults=list(self._epoch_results), initChoices=inits.choices(),
            journal=list(self._journal))
        if self._has_modes:
            fields["modelMode"] = "train" if self.model.training else "eval"
        return fields

    def _capture(self, state):
        """A SnapshotCapture of the run now, in `state`."""
        batch, maps = self._last_preview, self._last_maps
        if self._batch is not None and self._batch[0] is not None:
            batch = self._last_preview = batch_preview(*self._batch)
            if self._convolutional and batch is not None:
                maps = self._last_maps = feature_maps(self.model, self._batch[0])
        return capture(self.model, self._fields(state), self._inits, self._norms, learning_rate(self.optimizer), batch,
                       self._image_shape, maps)

    def _send_snapshot(self, state):
        """Captures a snapshot and queues it, spacing snapshots so they cost a small share of the time."""
        started = time.monotonic()
        self._desk.snapshot_wanted = False
        self._link.send_snapshot(self._capture(state))
        cost = time.monotonic() - started
        self._next_snapshot = started + max(SNAPSHOT_INTERVAL, cost / SNAPSHOT_SHARE)

    def _record_init(self, name, record):
        """Keeps a parameter's latest InitRecord and asks for a snapshot soon."""
        self._inits[name] = record
        self._next_snapshot = 0.0

    # --- commands ---------------------------------------------------------------------------

    def _answer(self, kind, identifier, text, journal=None):
        """Sends an applied or refused event for command `identifier` (rank 0); notes an applied
        intervention in the snapshot's journal under the kind `journal` (e.g. "learningRate")."""
        if kind == "applied" and journal is not None:
            self._journal.append({"step": self._step, "kind": journal, "text": text})
        if self._link is not None:
            key = "text" if kind == "applied" else "reason"
            self._link.send(wire.event(kind, id=identifier, **{key: text}))

    def _boundary(self):
        """Obeys the dashboard at a step boundary: applies its decisions and blocks while paused."""
        paused_since = None
        try:
            while True:
                decision = None
                if self._link is not None:
                    decision = self._desk.decide(self._link.commands, self._link.live)
                decision = self._ranks.share(decision)
                if decision is None:
                    return
                self._apply(decision["ops"])
                if decision["stop"] is not None:
                    self._stop(decision["stop"])
                if not decision["hold"]:
                    return
                if paused_since is None:
                    paused_since = time.monotonic()
                if self._link is not None:
                    if self._desk.snapshot_wanted or decision["ops"]:
                        if self._link.live:
                            self._send_snapshot({"paused": {}})
                    self._link.command_arrived.wait(PAUSE_TICK)
                    self._link.command_arrived.clear()
                    now = time.monotonic()
                    self._link.poke(now)
                    if now >= self._losses.next_flush:
                        self._flush_losses(now)
        finally:
            if paused_since is not None:
                paused = time.monotonic() - paused_since
                self._paused_seconds += paused
                self._throughput.clear()

    def _apply(self, ops):
        """Carries out the decision's operations on this rank; rank 0 answers each command."""
        for op in ops:
            kind, identifier = op[0], op[1]
            try:
                if kind in ("lr", "scale"):
                    old, new = desk_commands.set_learning_rates(
                        self.optimizer, value=op[2] if kind == "lr" else None, factor=op[2] if kind == "scale" else None)
                    self._answer("applied", identifier, f"lr {old:g} → {new:g}", "learningRate")
                elif kind == "reinit":
                    self._reinitialize(identifier, *op[2:])
                elif kind == "save" and self._ranks.leader:
                    path = desk_commands.save_state(self.model, op[2])
                    self._journal.append({"step": self._step, "kind": "save", "text": f"saved {path}"})
                    self._answer("applied", identifier, "")  # the `saved` event below says where (shown once)
                    if self._link is not None:
                        self._link.send(wire.event("saved", path=path))
            except Exception as error:  # a failed command must not end the run
                self._answer("refused", identifier, f"{type(error).__name__}: {error}")

    def _reinitialize(self, identifier, parameter, method, arguments):
        """Carries out a reinit op on this rank and makes every rank's values rank 0's."""
        try:
            done, problems = inits.reinitialize(self._watch, self.model, parameter, method, arguments)
        except inits.InitError as error:
            self._answer("refused", identifier, str(error))
            return
        named = dict(self.model.named_parameters())
        for name in done:
            self._ranks.broadcast_tensor(named[name])
            named[name].grad = None  # this step's gradient belongs to the old values
        text = f"{method} on {parameter}" if parameter is not None else f"{method} on {len(done)} parameters"
        if problems:
            text += f" ({len(problems)} skipped: {problems[0]})"
        self._answer("applied", identifier, text, "reinitialize")

    def _stop(self, identifier):
        """Answers the stop command, says `stopped`, and raises StopTraining."""
        self._end_state = {"stopped": {}}
        if self._link is not None:
            self._answer("applied", identifier, f"stopping at step {self._step}")
            self._link.send(wire.event("stopped"))
        raise StopTraining(f"the dashboard stopped the run at step {self._step}")


def _float(value):
    """`value` (None, a number or a one-element tensor) as a float; None is NaN."""
    if value is None:
        return float("nan")
    if isinstance(value, torch.Tensor):
        return float(value.item())
    return float(value)
