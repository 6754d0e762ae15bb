"""Writes the checkpoint fixtures: files PyTorch and safetensors wrote, and the values in them.

Run with PyTorch and safetensors installed (pip install torch safetensors numpy):
    python3 make_checkpoints.py
mlp_seed1.pth / mlp_seed1.safetensors are copies of the shared golden files (the model
torch.manual_seed(1); Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))).
"""
import io
import json
import os
import pickle
import zipfile

import torch
from safetensors.torch import save_file

torch.manual_seed(3)
base = torch.randn(2, 5)
state = {
    "transposed": torch.randn(3, 4).t(),                   # non-contiguous: strides (1, 4)
    "strided_slice": torch.arange(24.0).reshape(4, 6)[1:, ::2],  # offset 6, strides (6, 2)
    "float64": torch.randn(2, 3, dtype=torch.float64),
    "int64": torch.arange(-3, 5),
    "shared_row0": base[0],                                 # two views of one storage
    "shared_row1": base[1],
    "scalar": torch.tensor(2.5),
}
torch.save(state, "mixed.pth")
save_file({k: v.contiguous() for k, v in state.items() if not k.startswith("shared")} | {"shared_row0": base[0].clone(), "shared_row1": base[1].clone()},
          "mixed.safetensors", metadata={"source": "make_checkpoints.py"})
values = {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "data": v.tolist()} for k, v in state.items()}
with open("mixed.json", "w") as f:
    json.dump(values, f, indent=1)


class Payload:
    """Unpickling this would run a shell command: the reader must refuse it."""

    def __reduce__(self):
        return (os.system, ("echo pickle-ran-code > /tmp/tensortop-pickle-ran",))


with zipfile.ZipFile("evil.pth", "w") as z:
    z.writestr("evil/data.pkl", pickle.dumps(Payload(), protocol=2))
    z.writestr("evil/version", "3\n")


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)


torch.save(Net(), "whole_model.pth")  # torch.save(model): a pickled class, not a state dict
