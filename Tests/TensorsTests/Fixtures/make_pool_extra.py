"""Writes golden-pool-extra.json: pooling with rectangular kernels, strides, padding, dilation and
ceil_mode combined, 3-D input and adaptive sizes with None, which the shared i_pool case lacks.

Run with PyTorch installed: python make_pool_extra.py (torch 2.15, one thread, seed per case).
"""
import json
import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def encode(t):
    if t.dtype == torch.int64:
        return {"dtype": "int64", "shape": list(t.shape), "data": t.tolist()}
    return {"dtype": "float32", "shape": list(t.shape), "data": [float(v) for v in t.detach().flatten().tolist()]}


CASES = [
    ("max_rect_all", "max", [2, 3, 9, 8], dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), ceil_mode=True)),
    ("max_dilated_padded_ceil", "max", [1, 2, 10, 11], dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("max_unbatched", "max", [3, 7, 6], dict(kernel_size=2, stride=(1, 2), padding=1)),
    ("avg_rect_ceil_no_pad_count", "avg", [2, 2, 9, 10], dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True, count_include_pad=False)),
    ("avg_rect_ceil_pad_count", "avg", [2, 2, 9, 10], dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True, count_include_pad=True)),
    ("avg_divisor_padded", "avg", [1, 2, 6, 7], dict(kernel_size=(2, 3), stride=1, padding=(1, 1), divisor_override=5)),
    ("adaptive_avg_4x3", "adaptive_avg", [2, 2, 9, 7], dict(output_size=(4, 3))),
    ("adaptive_avg_none_2", "adaptive_avg", [1, 3, 5, 9], dict(output_size=(None, 2))),
    ("adaptive_max_unbatched_5x4", "adaptive_max", [3, 7, 9], dict(output_size=(5, 4))),
    ("adaptive_max_2_none", "adaptive_max", [1, 2, 8, 5], dict(output_size=(2, None))),
]

cases = {}
for seed, (name, op, shape, kwargs) in enumerate(CASES, start=1):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(*shape, generator=g).requires_grad_()
    indices = None
    if op == "max":
        out, indices = F.max_pool2d(x, return_indices=True, **kwargs)
    elif op == "avg":
        out = F.avg_pool2d(x, **kwargs)
    elif op == "adaptive_avg":
        out = F.adaptive_avg_pool2d(x, **kwargs)
    else:
        out, indices = F.adaptive_max_pool2d(x, return_indices=True, **kwargs)
    grad_output = torch.randn(out.shape, generator=g)
    out.backward(grad_output)
    case = {"op": op, "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
            "input": encode(x), "output": encode(out), "grad_output": encode(grad_output), "grad_input": encode(x.grad)}
    if indices is not None:
        case["indices"] = encode(indices)
    cases[name] = case

with open("golden-pool-extra.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
