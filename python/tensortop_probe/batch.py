"""The batch preview: a few input images with their labels, predictions and confidences."""
import base64
import ctypes
import sys

import torch
import torch.nn.functional as F

from .wire import number

MAX_IMAGES = 16


def image_shape(inputs):
    """`[C, H, W]` when `inputs` look like a batch of images (N×C×H×W, C 1 or 3, sides 1…4096), else None."""
    if not isinstance(inputs, torch.Tensor) or inputs.dim() != 4 or inputs.shape[0] < 1:
        return None
    channels, height, width = (int(size) for size in inputs.shape[1:])
    if channels not in (1, 3) or not (1 <= height <= 4096 and 1 <= width <= 4096):
        return None
    return [channels, height, width]


def _class_indices(targets, count):
    """The first `count` targets when they are one class index per sample, else None."""
    if (isinstance(targets, torch.Tensor) and targets.dim() == 1 and targets.shape[0] >= count
            and not targets.is_floating_point() and not targets.is_complex()):
        return targets[:count]
    return None


class PendingBatch:
    """A batch preview whose pixels and numbers are still tensors; `to_json()` makes the BatchPreview."""

    def __init__(self, shape, pixels, labels, predictions, confidences, losses, logits=None):
        self.shape = shape
        self.pixels = pixels
        self.labels = labels
        self.predictions = predictions
        self.confidences = confidences
        self.losses = losses
        self.logits = logits

    def to_json(self):
        """The BatchPreview JSON object (pixels as base64 bytes)."""
        pixels = self.pixels.to("cpu").contiguous()
        raw = ctypes.string_at(pixels.data_ptr(), pixels.numel())
        count = pixels.shape[0]
        channels, height, width = self.shape
        preview = {"channels": channels, "width": width, "height": height,
                   "pixels": base64.b64encode(raw).decode("ascii"),
                   "labels": self.labels.tolist() if self.labels is not None else [-1] * count,
                   "predictions": self.predictions.tolist() if self.predictions is not None else [],
                   "confidences": [number(v) for v in self.confidences.tolist()] if self.confidences is not None else [],
                   "losses": [number(v) for v in self.losses.tolist()] if self.losses is not None else []}
        if self.logits is not None and sys.byteorder == "little":
            # The raw scores as base64 little-endian float32, for the dashboard's reduction explorer.
            scores = self.logits.to("cpu").contiguous()
            preview["logits"] = base64.b64encode(ctypes.string_at(scores.data_ptr(), scores.numel() * 4)).decode("ascii")
        return preview


def batch_preview(inputs, targets=None, outputs=None):
    """A PendingBatch of the first images of `inputs`, or None when they are not images.

    Pixels are scaled to 0–255 from the batch's min and max (the shown images' when the batch
    holds NaN or infinities). Labels come from `targets` when they
    are class indices (-1 otherwise); predictions, confidences and per-sample losses from `outputs`
    when they are N×K class scores (sent too, as `logits`).
    """
    shape = image_shape(inputs)
    if shape is None:
        return None
    with torch.no_grad():
        count = min(MAX_IMAGES, int(inputs.shape[0]))
        images = inputs[:count].detach().float().nan_to_num()
        low, high = torch.aminmax(inputs.detach())  # one pass over the batch, no copy
        low, high = low.float(), high.float()
        finite = torch.isfinite(low) & torch.isfinite(high)
        preview_low, preview_high = torch.aminmax(images)
        low, high = torch.where(finite, low, preview_low), torch.where(finite, high, preview_high)
        scale = 255.0 / torch.clamp(high - low, min=1e-12)
        pixels = ((images - low) * scale).round_().clamp_(0, 255).to(torch.uint8)
        labels = _class_indices(targets, count)
        predictions = confidences = losses = logits = None
        if isinstance(outputs, torch.Tensor) and outputs.dim() == 2 and outputs.shape[0] >= count and outputs.shape[1] >= 2:
            scores = outputs[:count].detach().float()
            logits = scores
            probabilities = torch.softmax(scores, dim=1)
            confidences, predictions = probabilities.max(dim=1)
            if labels is not None:
                known = (labels >= 0) & (labels < scores.shape[1])
                safe = torch.where(known, labels, torch.zeros_like(labels)).long()
                losses = torch.where(known, F.cross_entropy(scores, safe, reduction="none"),
                                     torch.full_like(confidences, float("nan")))
        return PendingBatch(shape, pixels, labels, predictions, confidences, losses, logits)
