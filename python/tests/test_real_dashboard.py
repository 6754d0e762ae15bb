"""End to end: a real `tensortop attach` in tmux steering tiny_training.py through the probe.

Needs the tensortop binary ($TENSORTOP, default .build/release/tensortop), tmux and torch.
Keys go to the dashboard with `tmux send-keys`; what the script did is read from its progress
file, what the dashboard shows from `tmux capture-pane`.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TENSORTOP = os.path.abspath(os.environ.get("TENSORTOP", os.path.join(ROOT, ".build/release/tensortop")))


def wait_for(condition, seconds=30, what="a condition"):
    """Polls `condition` until it returns something true; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def progress_lines(path):
    """The progress file's JSON lines (a partial last line is left out)."""
    try:
        with open(path) as file:
            text = file.read()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.endswith("}")]


def last_step(path):
    steps = [line["step"] for line in progress_lines(path) if "step" in line]
    return steps[-1] if steps else 0


@unittest.skipUnless(os.path.exists(TENSORTOP), f"no tensortop binary at {TENSORTOP} (make build, or set TENSORTOP)")
@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class RealDashboardTest(unittest.TestCase):
    """The dashboard's keys reach a real PyTorch run, which trains on when the dashboard quits."""

    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="tt-attach-")
        self.socket = os.path.join(self.folder, "attach.sock")
        self.session = f"tt-attach-test-{os.getpid()}"
        command = f"TERM=xterm-256color {TENSORTOP} attach --socket {self.socket}; sleep 30"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", command], check=True)
        self.addCleanup(lambda: subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True))
        self.addCleanup(shutil.rmtree, self.folder, True)
        wait_for(lambda: os.path.exists(self.socket), 20, "the dashboard's socket")

    def screen(self):
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True).stdout

    def keys(self, *keys):
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def start(self, command, steps=3000):
        env = dict(os.environ, TENSORTOP_ATTACH=f"unix:{self.socket}",
                   PYTHONPATH=os.path.join(ROOT, "python") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        progress = os.path.join(self.folder, "progress")
        script = [os.path.join(HERE, "tiny_training.py"), "--steps", str(steps), "--progress", progress]
        process = subprocess.Popen(command + script, cwd=self.folder, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        def end():
            if process.poll() is None:
                process.kill()
            process.communicate()
        self.addCleanup(end)
        return process, progress

    def test_keys_steer_one_process_and_quitting_leaves_it_training(self):
        process, progress = self.start([sys.executable])
        wait_for(lambda: "RUNNING" in self.screen(), 60, "RUNNING on the dashboard")
        # Pause: the script's steps stop.
        self.keys("Space")
        wait_for(lambda: "PAUSED" in self.screen(), 20, "PAUSED on the dashboard")
        time.sleep(0.5)
        paused_at = last_step(progress)
        time.sleep(1.0)
        self.assertEqual(last_step(progress), paused_at, "the script went on while paused")
        # n: exactly one step, then paused again.
        self.keys("n")
        wait_for(lambda: last_step(progress) == paused_at + 1, 20, "one step after n")
        time.sleep(1.0)
        self.assertEqual(last_step(progress), paused_at + 1, "n ran more than one step")
        # i, enter: the init menu's choice (the modules' own reset_parameters on every parameter,
        # at first), carried out by the script, which answers with what it did.
        self.keys("i")
        wait_for(lambda: "xavier_uniform_" in self.screen(), 20, "the init menu")
        self.keys("Enter")
        wait_for(lambda: re.search(r"\w+ on (\d+ parameters|0\.weight)", self.screen()), 20, "the re-initialisation's answer")
        # + doubles the learning rate, which the script's optimizer sees once it runs again.
        self.keys("+")
        self.keys("Space")
        wait_for(lambda: last_step(progress) > paused_at + 5, 20, "steps after resuming")
        wait_for(lambda: any(abs(line.get("lr", 0) - 0.1) < 1e-9 for line in progress_lines(progress)), 20, "lr 0.1 in the script")
        # s saves a checkpoint on the script's side, loadable by torch.
        self.keys("s")
        saved = wait_for(lambda: [os.path.join(root, name) for root, _, names in os.walk(self.folder)
                                  for name in names if name.endswith(".pth")], 20, "a checkpoint file")
        import torch
        state = torch.load(saved[0], map_location="cpu")
        self.assertTrue(any(key.endswith("weight") for key in state))
        # q quits the dashboard; the script trains on to its end.
        before = last_step(progress)
        self.keys("q")
        wait_for(lambda: last_step(progress) > before + 20, 30, "steps after the dashboard quit")

    def test_x_stops_the_script(self):
        process, progress = self.start([sys.executable])
        wait_for(lambda: "RUNNING" in self.screen(), 60, "RUNNING on the dashboard")
        # The first X asks; the run goes on until a second X confirms.
        self.keys("X")
        wait_for(lambda: "X again stops the run" in self.screen(), 20, "the dashboard asking to confirm")
        before = last_step(progress)
        wait_for(lambda: last_step(progress) > before + 5, 30, "steps while the dashboard asks")
        self.keys("X")
        self.assertEqual(process.wait(timeout=60), 0, process.stdout.read())
        self.assertEqual(progress_lines(progress)[-1], {"stopped": True, "rank": 0})
        wait_for(lambda: "tiny_training.py ended; waiting for a run" in self.screen(), 20, "the dashboard waiting for the next run")

    def test_a_two_rank_torchrun_job_pauses_changes_lr_and_stops_together(self):
        torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
        process, progress = self.start(torchrun)
        ranks = [f"{progress}.rank0", f"{progress}.rank1"]
        wait_for(lambda: all(last_step(rank) > 3 for rank in ranks), 120, "both ranks running")
        wait_for(lambda: "tiny_training.py (pid" in self.screen() and "2 ranks, gloo" in self.screen(), 20, "the run's summary")
        self.keys("Space")
        wait_for(lambda: "PAUSED" in self.screen(), 20, "PAUSED on the dashboard")
        time.sleep(0.5)
        paused = [last_step(rank) for rank in ranks]
        time.sleep(1.5)
        self.assertEqual([last_step(rank) for rank in ranks], paused, "a rank went on while paused")
        self.assertLessEqual(abs(paused[0] - paused[1]), 1, "the ranks paused at different steps")
        self.keys("n")
        for rank, before in zip(ranks, paused):
            wait_for(lambda: last_step(rank) == before + 1, 20, f"one step after n on {rank}")
        self.keys("+")
        self.keys("Space")
        for rank in ranks:
            wait_for(lambda: any(abs(line.get("lr", 0) - 0.1) < 1e-9 for line in progress_lines(rank)), 30, f"lr 0.1 on {rank}")
        self.keys("X", "X")
        self.assertEqual(process.wait(timeout=60), 0, process.stdout.read())
        for rank, path in enumerate(ranks):
            self.assertEqual(progress_lines(path)[-1], {"stopped": True, "rank": rank})


if __name__ == "__main__":
    unittest.main()
