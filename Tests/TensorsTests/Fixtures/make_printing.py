"""Writes printing.json: how PyTorch prints each tensor below (str(tensor)).

Run with PyTorch installed (pip install torch numpy):
    python3 make_printing.py > printing.json
"""
import torch
torch.set_printoptions()
cases = {
 "ints": torch.tensor([[11,22,33],[44,55,66]]),
 "int0d": torch.tensor(0),
 "float0d": torch.tensor(4.),
 "float0d_frac": torch.tensor(0.0219),
 "neg_mix": torch.tensor([-1.5, 0.25, 3.0]),
 "sci_small": torch.tensor([1e-5, 0.5, 2.0]),
 "sci_ratio": torch.tensor([0.001, 2.0, 30.0]),
 "int_sci": torch.tensor([1.0, 5000.0]),
 "big": torch.tensor([1e9, 1.0]),
 "nan_inf": torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5]),
 "nan_int": torch.tensor([float('nan'), 2.0]),
 "zeros": torch.zeros(3),
 "bools": torch.tensor([True, False, True]),
 "long_1d": torch.arange(0, 30.0) / 7,
 "summ_1d": torch.arange(0, 2000.0),
 "summ_2d": (torch.arange(0, 7840.0).reshape(10, 784) - 3000) / 10000,
 "three_d": torch.arange(0, 24.0).reshape(2, 3, 4),
 "summ_3d": torch.arange(0, 2400.0).reshape(10, 10, 24),
 "empty": torch.zeros(0),
 "empty2": torch.zeros(0, 3),
 "req": torch.ones(2, requires_grad=True),
 "neg_zero_mix": torch.tensor([0.0, -0.0, 1.0]),
 "wide_req": torch.arange(0, 12.0, requires_grad=True) * 1.123456,
 "bias10": torch.tensor([0.0065, 0.0262, 0.0049, 0.0251, 0.0071, 0.0131, 0.0164, 0.0283, 0.0192, 0.0208]),
}
import json
import math


def encode(value):
    """Nested lists with non-finite floats as the strings "nan", "inf", "-inf" (valid JSON)."""
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


out = {k: {"data": encode(v.detach().tolist()), "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "requires_grad": v.requires_grad, "grad_fn": (type(v.grad_fn).__name__ if v.grad_fn is not None else None), "text": str(v)} for k, v in cases.items()}
print(json.dumps(out, indent=1))
