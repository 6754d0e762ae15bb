"""TensorBoard itself reads what `tensortop train --tensorboard` writes.

Run by `make test-torch` (and by `make test` when torch is importable). Needs the `tensorboard`
package next to torch (pip install tensorboard); without it the test is skipped and says so.
Uses the release `tensortop` binary in $TENSORTOP and Fashion-MNIST in $TENSORTOP_DATA.
"""
import os
import subprocess
import tempfile
import unittest

TENSORTOP = os.environ.get("TENSORTOP", ".build/release/tensortop")
DATA = os.environ.get("TENSORTOP_DATA", "/usr/share/datasets/fashion-mnist")

try:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
except ImportError:  # pragma: no cover - depends on the environment
    EventAccumulator = None


@unittest.skipIf(EventAccumulator is None, "the tensorboard package is not installed (pip install tensorboard)")
class TensorBoardReadsOurLogs(unittest.TestCase):
    def test_scalars_histograms_and_the_batch_image(self):
        with tempfile.TemporaryDirectory() as folder:
            logs = os.path.join(folder, "run")
            subprocess.run([TENSORTOP, "train", "--data", DATA, "--epochs", "2", "--train-limit", "1280",
                            "--test-limit", "200", "--batch-size", "64", "--tensorboard", logs,
                            "--tensorboard-every", "5"], check=True, capture_output=True)
            accumulator = EventAccumulator(logs, size_guidance={"scalars": 0, "histograms": 0, "images": 0})
            accumulator.Reload()
            tags = accumulator.Tags()
            for tag in ("loss/train", "lr", "loss/test", "accuracy/test", "loss/train_epoch"):
                self.assertIn(tag, tags["scalars"])
            loss = accumulator.Scalars("loss/train")
            self.assertEqual([event.step for event in loss], list(range(1, 41)))  # 1280 / 64 = 20 steps an epoch
            self.assertEqual([event.step for event in accumulator.Scalars("accuracy/test")], [20, 40])
            self.assertIn("weights/1.weight", tags["histograms"])
            histogram = accumulator.Histograms("weights/1.weight")[-1].histogram_value
            self.assertEqual(histogram.num, 784 * 256)
            self.assertEqual(sum(histogram.bucket), 784 * 256)
            image = accumulator.Images("batch")[-1]
            self.assertEqual((image.width, image.height), (115, 115))
            self.assertTrue(image.encoded_image_string.startswith(b"\x89PNG"))


if __name__ == "__main__":
    unittest.main()
