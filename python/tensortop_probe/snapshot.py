"""Snapshots: captured on the training thread as small tensors, turned into JSON on the writer thread."""
import itertools

import torch

from .gradients import gradient_stats
from .histogram import EMPTY, histogram
from .pictures import packed, tile_parameters, tiles
from .wire import number

_sequence = itertools.count(1)


def buffer_dtype(tensor):
    """The BufferSnapshot dtype: `int64` for integer and boolean buffers, `float32` for the rest."""
    return "float32" if tensor.is_floating_point() or tensor.is_complex() else "int64"


class SnapshotCapture:
    """One TrainingSnapshot with its tensor parts pending; calling it makes the `snapshot` message."""

    def __init__(self, fields, parameters, buffers, gradients, batch, inits, norms, learning_rate, pictures=None,
                 feature_maps=None):
        self.pictures = pictures or {}
        self.feature_maps = feature_maps
        self.fields = fields
        self.parameters = parameters
        self.buffers = buffers
        self.gradients = gradients
        self.batch = batch
        self.inits = inits
        self.norms = norms
        self.learning_rate = learning_rate

    def __call__(self):
        """The `snapshot` message, made on the writer thread (host copies happen here)."""
        snapshot = dict(self.fields)
        snapshot["sequence"] = next(_sequence)
        gradients = self.gradients.rows(self.learning_rate) if self.gradients is not None else {}
        parameters = []
        for name, shape, pending in self.parameters:
            entry = {"name": name, "shape": shape, "values": pending.to_json() if pending is not None else dict(EMPTY)}
            gradient = gradients.get(name)
            if gradient is not None:
                entry["gradient"] = gradient
                entry["normHistory"] = self.norms.add(name, gradient["l2Norm"])
            else:
                entry["normHistory"] = self.norms.get(name)
            if name in self.inits:
                entry["initialization"] = self.inits[name]
            if name in self.pictures:
                shape, values, gradient_values = self.pictures[name]
                entry["tileShape"] = shape
                entry["tiles"] = packed(values)
                if gradient_values is not None:
                    entry["gradientTiles"] = packed(gradient_values)
            parameters.append(entry)
        snapshot["parameters"] = parameters
        snapshot["buffers"] = [{"name": name, "shape": shape, "dtype": dtype,
                                "values": pending.to_json() if pending is not None else dict(EMPTY)}
                               for name, shape, dtype, pending in self.buffers]
        if self.batch is not None:
            snapshot["batch"] = self.batch.to_json()
        if self.feature_maps is not None:
            snapshot["featureMaps"] = self.feature_maps.to_json()
        return {"snapshot": {"snapshot": snapshot}}


def capture(model, fields, inits, norms, learning_rate, batch=None, image_shape=None, feature_maps=None):
    """A SnapshotCapture of `model` now: histograms of every parameter and buffer, gradient
    statistics, the first layer's filters (or image-sized rows, for inputs of `image_shape`) as tiles."""
    named = list(model.named_parameters())
    with torch.no_grad():
        parameters = [(name, list(p.shape), histogram(p)) for name, p in named]
        buffers = [(name, list(b.shape), buffer_dtype(b), histogram(b))
                   for name, b in model.named_buffers() if b is not None]
        gradients = gradient_stats(named)
        by_name = dict(named)
        pictures = {name: (shape, tiles(by_name[name]), tiles(by_name[name].grad))
                    for name, shape in tile_parameters(named, image_shape).items()}
    return SnapshotCapture(fields, parameters, buffers, gradients, batch, dict(inits), norms, learning_rate,
                           pictures, feature_maps)


def optimizer_description(optimizer):
    """`Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)` from the first param group."""
    group = optimizer.param_groups[0] if optimizer.param_groups else {}
    keys = ("lr", "momentum", "dampening", "betas", "alpha", "eps", "weight_decay", "nesterov", "amsgrad", "centered")
    parts = []
    for key in keys:
        if key in group:
            value = group[key]
            if isinstance(value, torch.Tensor):
                value = value.item()
            parts.append(f"{key}={value!r}")
    return f"{type(optimizer).__name__}({', '.join(parts)})"


def model_description(model):
    """`Sequential (27,562 parameters)`: the model's class and its number of parameters."""
    count = sum(p.numel() for p in model.parameters())
    return f"{type(model).__name__} ({count:,} parameters)"


def has_mode_layers(model):
    """Whether a module of `model` behaves differently in train and eval mode (batch norm, dropout)."""
    kinds = (torch.nn.modules.batchnorm._NormBase, torch.nn.modules.dropout._DropoutNd)
    return any(isinstance(module, kinds) for module in model.modules())


def learning_rate(optimizer):
    """The first param group's learning rate as a float (0 when there is none)."""
    if not optimizer.param_groups:
        return 0.0
    value = optimizer.param_groups[0].get("lr", 0.0)
    return float(value.item() if isinstance(value, torch.Tensor) else value)


def numbers(**values):
    """`values` with every float made JSON-safe (NaN and infinities as strings)."""
    return {key: number(value) if isinstance(value, float) else value for key, value in values.items()}
