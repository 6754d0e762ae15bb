"""A whole script in its own process: the exit handler's bye, and running with no dashboard."""
import os
import tempfile
import time
import unittest

from fake_dashboard import start_dashboard
from helpers import HERE, MessageChecks, run_python

SCRIPT = os.path.join(HERE, "scripts", "plain_tiny.py")


class ScriptTests(MessageChecks, unittest.TestCase):
    def test_exit_handler_sends_finished_and_bye(self):
        dashboard = start_dashboard()
        self.addCleanup(dashboard.close)
        result = run_python(SCRIPT, env=dict(dashboard.env, TT_TEST_STEPS="60"))
        self.assertEqual(result.returncode, 0, result.stderr)
        dashboard.wait_for(lambda d: d.of_kind("bye"), what="bye")
        self.assertEqual([p["step"] for p in dashboard.loss_points()], list(range(1, 61)))
        events = dashboard.events()
        self.assertIn({"finished": {}}, events)
        epoch = next(e["epochFinished"]["result"] for e in events if "epochFinished" in e)
        self.assertEqual((epoch["epoch"], epoch["step"], epoch["testLoss"], epoch["testAccuracy"]), (1, 60, "nan", 0.5))
        last = dashboard.snapshots()[-1]
        self.check_snapshot(last)
        self.assertEqual(last["state"], {"finished": {}})
        self.assertNotIn("modelMode", last)  # Flatten and Linear behave the same in train and eval
        self.assertFalse(dashboard.problems)

    def test_uncaught_exception_ends_the_run_as_failed(self):
        dashboard = start_dashboard()
        self.addCleanup(dashboard.close)
        result = run_python(SCRIPT, env=dict(dashboard.env, TT_TEST_CRASH="1"))
        self.assertNotEqual(result.returncode, 0)
        dashboard.wait_for(lambda d: d.of_kind("bye"), what="bye")
        self.assertIn({"failed": {"message": "RuntimeError: the script crashed"}}, dashboard.events())
        self.assertEqual(dashboard.snapshots()[-1]["state"], {"failed": {"message": "RuntimeError: the script crashed"}})

    def test_no_dashboard_listening(self):
        with tempfile.TemporaryDirectory() as folder:
            started = time.monotonic()
            result = run_python(SCRIPT, env={"TENSORTOP_ATTACH": f"unix:{folder}/none.sock"})
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("trained 40", result.stdout)
            # One line says no dashboard was found and how to start one; nothing more.
            self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
            self.assertIn(f"tensortop_probe: no dashboard at unix:{folder}/none.sock yet; training goes on", result.stderr)
            self.assertIn("tensortop attach", result.stderr)
            self.assertLess(time.monotonic() - started, 60)

    def test_bad_address_is_a_clear_error(self):
        result = run_python(SCRIPT, env={"TENSORTOP_ATTACH": "nowhere"})
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("unix:PATH, tcp:HOST:PORT or HOST:PORT", result.stderr)


if __name__ == "__main__":
    unittest.main()
