"""The wire's pieces without a dashboard: addresses, frames, JSON numbers, histograms."""
import json
import os
import struct
import unittest
from unittest import mock

import helpers  # noqa: F401  (puts the probe on sys.path)
import torch

from tensortop_probe import wire
from tensortop_probe.address import Address, default_socket_path, parse_address, resolve_address
from tensortop_probe.histogram import BINS, histogram_json, run_length, run_length_tensor


class AddressTests(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(parse_address("unix:/tmp/a.sock"), Address("unix", "/tmp/a.sock"))
        self.assertEqual(parse_address("tcp:127.0.0.1:7000"), Address("tcp", ("127.0.0.1", 7000)))
        self.assertEqual(parse_address("localhost:7000"), Address("tcp", ("localhost", 7000)))
        self.assertEqual(parse_address("[::1]:7000"), Address("tcp", ("::1", 7000)))

    def test_bad_addresses_name_the_problem(self):
        for text, fragment in (("unix:", "socket path"), ("localhost", "unix:PATH"), ("host:port", "not a number"),
                               ("host:70000", "outside")):
            with self.assertRaises(ValueError) as caught:
                parse_address(text)
            self.assertIn(fragment, str(caught.exception))

    def test_environment_and_default(self):
        with mock.patch.dict(os.environ, {"TENSORTOP_ATTACH": "tcp:h:9", "XDG_RUNTIME_DIR": "/run/user/5"}):
            self.assertEqual(resolve_address(), Address("tcp", ("h", 9)))
            self.assertEqual(resolve_address("unix:/x"), Address("unix", "/x"))
        with mock.patch.dict(os.environ, {"XDG_RUNTIME_DIR": "/run/user/5"}):
            os.environ.pop("TENSORTOP_ATTACH", None)
            self.assertEqual(resolve_address(), Address("unix", "/run/user/5/tensortop/attach.sock"))
        with mock.patch.dict(os.environ, {}):
            os.environ.pop("XDG_RUNTIME_DIR", None)
            self.assertEqual(default_socket_path(), f"/tmp/tensortop-{os.getuid()}/attach.sock")


class FrameTests(unittest.TestCase):
    def test_frame_is_length_and_json_without_bare_nan(self):
        data = wire.encode_message({"losses": {"points": [{"step": 1, "loss": float("nan")}]}})
        (length,) = struct.unpack("<I", data[:4])
        self.assertEqual(length, len(data) - 4)
        self.assertEqual(json.loads(data[4:])["losses"]["points"][0]["loss"], "nan")
        self.assertEqual(wire.number(float("-inf")), "-inf")
        self.assertEqual(wire.number(2), 2.0)

    def test_frame_limits(self):
        for bad in (0, wire.MAX_FRAME + 1):
            with self.assertRaises(wire.FrameError):
                wire.frame_length(struct.pack("<I", bad))
        with self.assertRaises(wire.FrameError):
            wire.decode_message(b"[1, 2]")
        with self.assertRaises(wire.FrameError):
            wire.decode_message(b"\xff")
        self.assertEqual(wire.decode_message(b'{"welcome":{}}'), {"welcome": {}})


class HistogramTests(unittest.TestCase):
    def test_run_length(self):
        self.assertEqual(run_length([0, 0, 0, 5, 0, 1]), [-3, 5, 0, 1])
        self.assertEqual(run_length([1, 0]), [1, 0])
        self.assertEqual(run_length([0, 0]), [-2])
        for counts in ([0, 0, 0, 5, 0, 1], [1, 0], [0, 0], [3, 4], [0, 2, 0, 0, 0, 7, 0, 0], [5]):
            self.assertEqual(run_length_tensor(torch.tensor(counts)), run_length(counts), counts)
        torch.manual_seed(3)
        for share in (0.3, 0.05, 0.01, 0.0):  # dense ones take the plain walk, sparse ones the other
            counts = (torch.rand(200) < share).long() * torch.randint(1, 9, (200,))
            self.assertEqual(run_length_tensor(counts), run_length(counts.tolist()))

    def test_histogram_matches_a_reference(self):
        torch.manual_seed(1)
        values = torch.randn(5000)
        h = histogram_json(values)
        counts = [c for c in h["counts"]]
        self.assertEqual(sum(-c if c < 0 else 1 for c in counts), BINS)
        self.assertEqual(sum(c for c in counts if c > 0) + h["below"] + h["above"], 5000)
        self.assertAlmostEqual(h["mean"], values.mean().item(), places=5)
        self.assertAlmostEqual(h["std"], values.std().item(), places=4)
        self.assertEqual(h["min"], values.min().item())
        self.assertLess(h["min"], h["low"])  # clipped at the 0.5th percentile
        self.assertEqual(h["below"], int((values < h["low"]).sum()))

    def test_non_finite_and_tiny_tensors(self):
        h = histogram_json(torch.tensor([1.0, float("nan"), float("inf"), 3.0]))
        self.assertEqual((h["count"], h["min"], h["max"], h["mean"]), (4, 1.0, 3.0, 2.0))
        json.dumps(h, allow_nan=False)
        h = histogram_json(torch.tensor([float("nan")]))
        self.assertEqual(h["mean"], "nan")
        h = histogram_json(torch.tensor(7, dtype=torch.int64))
        self.assertEqual((h["count"], h["mean"], h["std"]), (1, 7.0, 0.0))
        self.assertLess(h["low"], 7.0)
        self.assertGreater(h["high"], 7.0)


if __name__ == "__main__":
    unittest.main()
