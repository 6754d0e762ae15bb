"""What a model looks like as pictures: the first layer's filters or rows as tiles, and the feature
maps a convolutional net makes of one image (the dashboard's weights panel and feature-map page)."""
import base64
import ctypes
import sys

import torch

TILE_UNITS = 16     # filters or rows kept as tiles, as TensorTop's own trainer keeps
MAX_LAYERS = 8      # FeatureMaps.maxLayers
MAX_CHANNELS = 16   # FeatureMaps.maxChannels
# Layers whose output the next activation or pooling shows better (as TensorTop's own trainer).
_SHOWN_BY_THE_NEXT = (torch.nn.modules.conv._ConvNd, torch.nn.modules.batchnorm._NormBase,
                      torch.nn.modules.dropout._DropoutNd)


def packed(values):
    """A 1-D float tensor as the wire's packed float32 (base64 of little-endian floats)."""
    values = values.detach().to("cpu", torch.float32).contiguous().reshape(-1)
    if sys.byteorder != "little":
        return [float(v) for v in values.tolist()]  # the plain-array form; non-finite values are rare here
    return base64.b64encode(ctypes.string_at(values.data_ptr(), values.numel() * 4)).decode("ascii")


def tile_parameters(named_parameters, image_shape):
    """{name: tileShape} of the parameter drawn as tiles: the first 4-D (conv) weight's filters, or
    else the first 2-D weight when its rows are images of `image_shape` ([C, H, W]): an MLP's first layer."""
    conv = next(((name, p) for name, p in named_parameters if p.dim() == 4 and p.numel() > 0), None)
    if conv is not None:
        return {conv[0]: [int(size) for size in conv[1].shape[1:]]}
    first = next(((name, p) for name, p in named_parameters if p.dim() == 2), None)
    if image_shape and first is not None and int(first[1].shape[1]) == image_shape[0] * image_shape[1] * image_shape[2]:
        return {first[0]: list(image_shape)}
    return {}


def tiles(tensor):
    """The first TILE_UNITS units of `tensor` (filters or rows) copied now, flat; None without a tensor."""
    if tensor is None:
        return None
    return tensor.detach()[:TILE_UNITS].reshape(-1).clone()


def has_convolutions(model):
    """Whether `model` has a 2-D convolution (feature maps are worth showing)."""
    return any(isinstance(module, torch.nn.Conv2d) for module in model.modules())


class PendingMaps:
    """Feature maps still as tensors; `to_json()` makes the FeatureMaps object."""

    def __init__(self, layers):
        self.layers = layers

    def to_json(self):
        return {"image": 0, "layers": [{"name": name, "kind": kind, "shape": shape, "values": packed(values)}
                                       for name, kind, shape, values in self.layers]}


def feature_maps(model, inputs):
    """PendingMaps of what `model`'s layers make of the first image of `inputs` (N×C×H×W), or None.

    The image goes through the model once more in evaluation mode without gradients (batch norm
    uses, and does not update, its running statistics; dropout is off), every module's own mode
    put back afterwards. Forward hooks on the leaf modules keep each output that is still a map
    `[1, C, H, W]`, except convolutions, batch norms and dropouts when other layers (activations,
    pooling) show their result; at most MAX_LAYERS layers of at most MAX_CHANNELS maps.
    """
    if not isinstance(inputs, torch.Tensor) or inputs.dim() != 4 or inputs.shape[0] < 1:
        return None
    outputs = []
    hooks = []
    modes = [(module, module.training) for module in model.modules()]
    try:
        for name, module in model.named_modules():
            if name and next(module.children(), None) is None:
                hooks.append(module.register_forward_hook(
                    lambda module, _inputs, output, name=name: outputs.append((name, module, output))))
        model.eval()
        with torch.no_grad():
            model(inputs[:1].detach())
    except Exception:  # a model that needs more than one input, or a batch bigger than one
        return None
    finally:
        for hook in hooks:
            hook.remove()
        for module, mode in modes:
            module.train(mode)
    maps = [(name, module, output) for name, module, output in outputs
            if isinstance(output, torch.Tensor) and output.dim() == 4 and output.shape[0] == 1
            and all(1 <= int(size) <= 4096 for size in output.shape[1:])]
    shown = [entry for entry in maps if not isinstance(entry[1], _SHOWN_BY_THE_NEXT)] or maps
    layers = []
    for name, module, output in shown[:MAX_LAYERS]:
        channels, height, width = (int(size) for size in output.shape[1:])
        values = output[0, :MAX_CHANNELS].float().reshape(-1)
        layers.append((name, type(module).__name__, [channels, height, width], values))
    return PendingMaps(layers) if layers else None
