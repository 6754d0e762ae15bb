"""Copies the float64 reference values of ../shared/golden into the test fixtures.

PyTorch wrote every case twice, in float32 and float64 (float32 inputs are the float64 ones
rounded). The float32 parts were copied before; this adds the float64 ones next to them, so
the same tests run in both precisions:

- Tests/TensorsTests/Fixtures/golden-tensors-float64.json: b_compositions, c_cross_entropy_plain
  and d_linear_2_1 in float64, shaped like golden-tensors.json (its float32 twin);
- a "float64" member beside each "float32" one in conv-tensors.json (h_conv2d), golden-pool.json
  (i_pool), and in Tests/NNTests/Fixtures: conv-nn.json (h_conv2d padding modes),
  batchnorm-nn.json (j_batchnorm) and golden-nn.json (c_cross_entropy variants, f_optimizers);
  golden-nn.json also gets d_linear_2_1_float64.

Run from the repository root: python3 Tests/TensorsTests/Fixtures/make_float64.py [../shared/golden]
"""
import json
import sys

golden_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/golden"
cases = json.load(open(f"{golden_dir}/golden.json"))["cases"]
conv = json.load(open(f"{golden_dir}/conv/conv_golden.json"))["cases"]
tensors_dir = "Tests/TensorsTests/Fixtures"
nn_dir = "Tests/NNTests/Fixtures"


def update(path, change, compact):
    data = json.load(open(path))
    change(data)
    with open(path, "w") as f:
        if compact:
            json.dump(data, f, separators=(",", ":"))
        else:
            json.dump(data, f, indent=1)
            f.write("\n")


def add_float64(fixture_cases, source_cases):
    for name, case in fixture_cases.items():
        case["float64"] = source_cases[name]["float64"]


cross_entropy = cases["c_cross_entropy"]
plain = {k: v for k, v in cross_entropy["variants"]["plain"].items() if k != "float32"}
float64_tensors = {
    "source": "PyTorch 2.15.0+cu132 (one thread), extracted from ../shared/golden/golden.json (float64 cases)",
    "tolerance": "float64: |a - b| <= 1e-12 + 1e-10 * |b|",
    "b_compositions": {name: case["float64"] for name, case in cases["b_compositions"].items() if name.startswith("b")
                       and isinstance(case, dict) and "float64" in case},
    "c_cross_entropy_plain": {"logits": cross_entropy["logits"], "targets": cross_entropy["targets"], "plain": plain},
    "d_linear_2_1": cases["d_linear_2_1"]["float64"],
}
with open(f"{tensors_dir}/golden-tensors-float64.json", "w") as f:
    json.dump(float64_tensors, f, indent=1)
    f.write("\n")

update(f"{tensors_dir}/conv-tensors.json", lambda d: add_float64(d["h_conv2d"], conv["h_conv2d"]), compact=True)
update(f"{tensors_dir}/golden-pool.json", lambda d: add_float64(d["i_pool"], conv["i_pool"]), compact=True)
update(f"{nn_dir}/conv-nn.json", lambda d: add_float64(d["h_conv2d"], conv["h_conv2d"]), compact=True)


def batchnorm(d):
    add_float64(d["cases"], conv["j_batchnorm"])
    d["source"] = "conv_golden.json j_batchnorm (float32 and float64), PyTorch 2.15"


with open(f"{nn_dir}/batchnorm-nn.json") as f:
    bn = json.load(f)
batchnorm(bn)
with open(f"{nn_dir}/batchnorm-nn.json", "w") as f:
    json.dump(bn, f)


def nn_golden(d):
    add_float64(d["c_cross_entropy"]["variants"], cross_entropy["variants"])
    add_float64(d["f_optimizers"]["optimizers"], cases["f_optimizers"]["optimizers"])
    d["d_linear_2_1_float64"] = cases["d_linear_2_1"]["float64"]


update(f"{nn_dir}/golden-nn.json", nn_golden, compact=False)
