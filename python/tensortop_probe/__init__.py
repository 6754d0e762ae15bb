"""Stream a PyTorch training run to a TensorTop dashboard (`tensortop attach`) and obey its commands.

    from tensortop_probe import Probe
    probe = Probe(model, optimizer)
    ...
    probe.step(loss, inputs=x, targets=y, outputs=logits)   # after backward, before optimizer.step()
"""
from .probe import Probe, StopTraining
from .wire import PROBE_VERSION as __version__

__all__ = ["Probe", "StopTraining", "__version__"]
