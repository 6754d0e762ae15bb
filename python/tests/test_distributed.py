"""Two ranks under `torchrun --nproc_per_node 2` (gloo, CPU): the dashboard steers both together."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

import torch.distributed as dist

from fake_dashboard import start_dashboard
from helpers import HERE, PYTHON_DIR, wait_until

SCRIPT = os.path.join(HERE, "scripts", "ddp_tiny.py")


def read_rank(folder, rank):
    """(steps, lr) that rank `rank` last wrote, or (0, None) before its first step."""
    try:
        with open(os.path.join(folder, f"rank{rank}.txt")) as f:
            steps, lr = f.read().split()
        return int(steps), float(lr)
    except (OSError, ValueError):
        return 0, None


@unittest.skipUnless(dist.is_available() and dist.is_gloo_available(), "torch.distributed with gloo is not available")
class TwoRankTests(unittest.TestCase):
    def test_pause_resume_lr_and_stop_reach_both_ranks(self):
        dashboard = start_dashboard()
        self.addCleanup(dashboard.close)
        folder = tempfile.mkdtemp(prefix="tt-ddp-")
        env = dict(os.environ, TT_TEST_OUT=folder, OMP_NUM_THREADS="1",
                   PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""), **dashboard.env)
        run = subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                                SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: run.poll() is None and run.kill())
        try:
            dashboard.wait_for(lambda d: d.snapshots(), timeout=90, what="rank 0's first snapshot")
            self.assertEqual(len(dashboard.hellos), 1, "only rank 0 connects")
            self.assertEqual(dashboard.hellos[0]["run"]["worldSize"], 2)
            self.assertEqual(dashboard.hellos[0]["run"]["backend"], "gloo")
            names = [p["name"] for p in dashboard.snapshots()[0]["parameters"]]
            self.assertEqual(names, ["0.weight", "0.bias", "3.weight", "3.bias"], "the model inside DDP, without module.")

            self.assertIn("applied", dashboard.wait_answer(dashboard.command({"pause": {}})))
            time.sleep(0.5)
            held = [read_rank(folder, rank)[0] for rank in (0, 1)]
            time.sleep(1.0)  # several 0.2 s rounds of the paused ranks' exchange
            self.assertEqual([read_rank(folder, rank)[0] for rank in (0, 1)], held, "both ranks stand still")
            self.assertEqual(held[0], held[1])

            self.assertIn("applied", dashboard.wait_answer(dashboard.command({"setLearningRate": {"value": 0.0321}})))
            self.assertIn("applied", dashboard.wait_answer(dashboard.command({"resume": {}})))
            for rank in (0, 1):
                wait_until(lambda: read_rank(folder, rank)[0] > held[rank] + 3, what=f"rank {rank} to go on")
                self.assertEqual(read_rank(folder, rank)[1], 0.0321, f"rank {rank}'s optimizer lr")

            stop = dashboard.command({"stop": {}})
            output, _ = run.communicate(timeout=60)
            self.assertEqual(run.returncode, 0, output)
            self.assertIn("applied", dashboard.answer(stop))
            self.assertIn({"stopped": {}}, dashboard.events())
            dashboard.wait_for(lambda d: d.of_kind("bye"), what="bye")
            for rank in (0, 1):
                self.assertTrue(os.path.exists(os.path.join(folder, f"rank{rank}.stopped")), f"rank {rank} got StopTraining")
        finally:
            if run.poll() is None:
                run.kill()
                print(run.communicate()[0][-3000:])


if __name__ == "__main__":
    unittest.main()
