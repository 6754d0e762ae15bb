"""The probe against a dashboard speaking the wire: handshake, telemetry and every command."""
import base64
import os
import struct
import tempfile
import time
import unittest

import torch

from fake_dashboard import start_dashboard
from helpers import MessageChecks, StopTraining, Trainer, tiny_model, wait_until

ALL_CAPABILITIES = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 9) | (1 << 12)


class AttachTests(MessageChecks, unittest.TestCase):
    def setUp(self):
        self.dashboard = start_dashboard()
        self.addCleanup(self.dashboard.close)
        self.trainer = None

    def tearDown(self):
        if self.trainer is not None:
            self.dashboard.vanish()  # a run left paused resumes by itself and then ends
            self.trainer.stop()

    def start(self, **options):
        self.trainer = Trainer(self.dashboard.address, **options).start()
        self.dashboard.wait_for(lambda d: d.snapshots(), what="a first snapshot")
        return self.trainer

    def pause(self):
        answer = self.dashboard.wait_answer(self.dashboard.command({"pause": {}}))
        self.assertIn("applied", answer)
        wait_until(lambda: self.trainer.steps == self._settled(), what="the run to stand still")

    def _settled(self):
        before = self.trainer.steps
        time.sleep(0.15)
        return before

    def test_hello_then_welcome_then_telemetry(self):
        self.start()
        hello = self.dashboard.hellos[0]
        self.assertEqual(hello["schemaVersion"], 1)
        self.assertEqual(hello["capabilities"], ALL_CAPABILITIES)
        self.assertNotIn("token", hello)  # a Unix socket needs none
        self.assertEqual(hello["run"]["worldSize"], 1)
        self.assertEqual(hello["run"]["pid"], os.getpid())
        first = self.dashboard.messages[0][1]
        self.assertTrue("losses" in first or "snapshot" in first or "event" in first)

    def test_losses_and_snapshot_content(self):
        self.start()
        self.dashboard.wait_for(lambda d: len(d.loss_points()) >= 20 and len(d.snapshots()) >= 3, what="losses")
        points = self.dashboard.loss_points()
        self.assertEqual([p["step"] for p in points], list(range(1, len(points) + 1)))
        self.assertTrue(all(p["learningRate"] == 0.1 and isinstance(p["loss"], float) for p in points))
        snapshot = self.dashboard.snapshots()[-1]
        self.check_snapshot(snapshot)
        self.assertEqual(snapshot["state"], {"running": {}})
        self.assertEqual(snapshot["epoch"], 1)
        self.assertEqual(snapshot["batchSize"], 16)
        self.assertEqual(snapshot["imageShape"], [1, 8, 8])
        self.assertEqual(snapshot["classNames"][3], "c3")
        self.assertEqual(snapshot["optimizerName"], "SGD")
        self.assertEqual(snapshot["modelMode"], "train")
        self.assertEqual([p["name"] for p in snapshot["parameters"]],
                         ["0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"])
        weight = snapshot["parameters"][0]
        self.assertEqual(weight["shape"], [4, 1, 3, 3])
        self.assertEqual(weight["values"]["count"], 36)
        self.assertGreater(weight["gradient"]["l2Norm"], 0)
        self.assertGreater(weight["gradient"]["updateRatio"], 0)
        self.assertTrue(weight["normHistory"])
        self.assertEqual([b["name"] for b in snapshot["buffers"]], ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        self.assertEqual(snapshot["buffers"][2]["dtype"], "int64")
        batch = snapshot["batch"]
        self.assertEqual((batch["channels"], batch["width"], batch["height"]), (1, 8, 8))
        self.assertEqual(len(batch["labels"]), 16)
        self.assertEqual(len(batch["predictions"]), 16)
        self.assertTrue(all(0 < c <= 1 for c in batch["confidences"]))
        import base64
        self.assertEqual(len(base64.b64decode(batch["pixels"])), 16 * 64)
        # The raw scores (float32 little-endian) for the reduction explorer: their argmax is the prediction.
        import struct
        raw = base64.b64decode(batch["logits"])
        classes = len(raw) // (16 * 4)
        self.assertEqual(len(raw), 16 * classes * 4)
        scores = struct.unpack("<%df" % (16 * classes), raw)
        rows = [scores[i * classes:(i + 1) * classes] for i in range(16)]
        self.assertEqual([row.index(max(row)) for row in rows], batch["predictions"])
        self.assertIn("kaiming_uniform_", [c["name"] for c in snapshot["initChoices"]])
        self.assertFalse(self.dashboard.problems)  # among them: a bare NaN in JSON

    def test_pause_blocks_step_until_resume(self):
        self.start()
        self.pause()
        held = self.trainer.steps
        time.sleep(0.6)
        self.assertEqual(self.trainer.steps, held, "a paused run must not step")
        self.dashboard.wait_for(lambda d: any(s["state"] == {"paused": {}} for s in d.snapshots()), what="a paused snapshot")
        count = len(self.dashboard.snapshots())
        self.assertIn("applied", self.dashboard.wait_answer(self.dashboard.command({"requestSnapshot": {}})))
        self.dashboard.wait_for(lambda d: len(d.snapshots()) > count, what="the requested snapshot")
        self.assertEqual(self.dashboard.snapshots()[-1]["state"], {"paused": {}})
        self.assertEqual(self.dashboard.snapshots()[-1]["step"], held + 1)  # the step that is waiting
        self.assertIn("applied", self.dashboard.wait_answer(self.dashboard.command({"togglePause": {}})))
        wait_until(lambda: self.trainer.steps > held + 5, what="training to go on after resume")

    def test_step_command_runs_that_many_steps_then_pauses(self):
        self.start()
        self.pause()
        held = self.trainer.steps
        self.assertIn("applied", self.dashboard.wait_answer(self.dashboard.command({"step": {"count": 3}})))
        wait_until(lambda: self.trainer.steps == held + 3, what="three steps")
        time.sleep(0.5)
        self.assertEqual(self.trainer.steps, held + 3)
        self.assertIn("refused", self.dashboard.wait_answer(self.dashboard.command({"step": {"count": 0}})))

    def test_learning_rate_commands_reach_the_optimizer(self):
        self.start()
        answer = self.dashboard.wait_answer(self.dashboard.command({"setLearningRate": {"value": 0.05}}))
        self.assertEqual(answer["applied"]["text"], "lr 0.1 → 0.05")
        self.dashboard.wait_for(lambda d: any(e["kind"] == "learningRate" for e in d.snapshots()[-1].get("journal", [])),
                                what="the lr change in the journal")
        self.assertEqual(self.trainer.optimizer.param_groups[0]["lr"], 0.05)
        self.dashboard.wait_answer(self.dashboard.command({"scaleLearningRate": {"factor": 0.5}}))
        self.assertAlmostEqual(self.trainer.optimizer.param_groups[0]["lr"], 0.025)
        self.dashboard.wait_for(lambda d: d.loss_points() and d.loss_points()[-1]["learningRate"] == 0.025, what="losses at the new lr")
        refused = self.dashboard.wait_answer(self.dashboard.command({"setLearningRate": {"value": "nan"}}))
        self.assertIn("refused", refused)

    def test_reinitialize_runs_nn_init_with_before_and_after(self):
        self.start()
        self.pause()
        command = {"reinitialize": {"parameter": "5.weight", "method": {
            "name": "normal_", "arguments": [{"name": "mean", "value": "0.0"}, {"name": "std", "value": "0.01"}]}}}
        self.assertIn("applied", self.dashboard.wait_answer(self.dashboard.command(command)))
        weight = self.trainer.model[5].weight
        self.assertAlmostEqual(weight.std().item(), 0.01, delta=0.003)

        def initialised(d):
            for snapshot in reversed(d.snapshots()):
                entry = next(p for p in snapshot["parameters"] if p["name"] == "5.weight")
                if entry.get("initialization", {}).get("method", {}).get("name") == "normal_":
                    return entry["initialization"]
        record = self.dashboard.wait_for(initialised, what="the normal_ initialization record")
        self.assertEqual(record["method"]["name"], "normal_")
        self.assertIn({"name": "std", "value": "0.01"}, record["method"]["arguments"])
        self.assertEqual(record["spread"], {"normal": {"mean": 0.0, "std": 0.01}})
        self.assertGreater(record["before"]["std"], 0.05)  # kaiming_uniform_ on 64 inputs: about 0.07
        self.assertAlmostEqual(record["after"]["std"], 0.01, delta=0.003)
        self.check_snapshot(self.dashboard.snapshots()[-1])
        # The module's own init ("default") and a user's own nn.init call are recorded too.
        self.assertIn("applied", self.dashboard.wait_answer(self.dashboard.command(
            {"reinitialize": {"parameter": "0.weight", "method": {"name": "default", "arguments": []}}})))
        torch.nn.init.zeros_(self.trainer.model[5].bias)
        self.assertEqual(self.trainer.probe._inits["5.bias"]["method"]["name"], "zeros_")
        self.assertEqual(self.trainer.probe._inits["0.weight"]["method"]["name"], "kaiming_uniform_")
        refused = self.dashboard.wait_answer(self.dashboard.command(
            {"reinitialize": {"parameter": "9.weight", "method": {"name": "normal_", "arguments": []}}}))
        self.assertIn("no parameter", refused["refused"]["reason"])
        refused = self.dashboard.wait_answer(self.dashboard.command(
            {"reinitialize": {"parameter": "5.weight", "method": {"name": "normal_", "arguments": [{"name": "x", "value": "1"}]}}}))
        self.assertIn("no argument", refused["refused"]["reason"])
        # Without a parameter: every parameter the method can take (xavier needs 2 dimensions).
        answer = self.dashboard.wait_answer(self.dashboard.command(
            {"reinitialize": {"method": {"name": "xavier_uniform_", "arguments": []}}}))
        self.assertIn("xavier_uniform_ on 2 parameters (4 skipped", answer["applied"]["text"])
        self.assertEqual(self.trainer.probe._inits["0.weight"]["method"]["name"], "xavier_uniform_")
        self.dashboard.wait_answer(self.dashboard.command({"resume": {}}))

    def test_default_init_of_every_parameter_records_the_values_kept(self):
        self.start()
        self.pause()
        answer = self.dashboard.wait_answer(self.dashboard.command(
            {"reinitialize": {"method": {"name": "default", "arguments": []}}}))
        self.assertIn("applied", answer)
        # Each module's reset_parameters ran once per parameter; the other tensors' redraws were
        # put back, so every record's "after" must be the values the parameter now has.
        for name, parameter in self.trainer.model.named_parameters():
            record = self.trainer.probe._inits[name]
            self.assertIn(record["method"]["name"], ("default", "kaiming_uniform_", "uniform_", "ones_", "zeros_"), name)
            self.assertAlmostEqual(record["after"]["mean"], parameter.detach().double().mean().item(), places=6, msg=name)
        self.dashboard.wait_answer(self.dashboard.command({"resume": {}}))

    def test_values_set_before_the_probe_are_the_after_of_an_unseen_init(self):
        self.start()
        snapshot = self.dashboard.wait_for(lambda d: d.snapshots() and d.snapshots()[-1], what="a snapshot")
        for entry in snapshot["parameters"]:
            record = entry["initialization"]
            self.assertEqual(record["method"], {"name": "before the probe", "arguments": []}, entry["name"])
            self.assertEqual((record["step"], record["before"]["count"], record["spread"]), (0, 0, {"none": {}}))
            self.assertEqual(record["after"]["count"], self.trainer.model.get_parameter(entry["name"]).numel())

    def test_filters_as_tiles_and_feature_maps_of_the_first_image(self):
        self.start()
        self.pause()
        self.dashboard.wait_answer(self.dashboard.command({"requestSnapshot": {}}))
        step = self.trainer.probe._step  # the paused step (probe.step counts it before optimizer.step)
        latest = self.dashboard.wait_for(
            lambda d: next((s for s in reversed(d.snapshots()) if s["step"] == step and "featureMaps" in s), None),
            what="a snapshot of the paused step with feature maps")

        def floats(text):
            raw = base64.b64decode(text)
            return list(struct.unpack(f"<{len(raw) // 4}f", raw))

        parameters = {p["name"]: p for p in latest["parameters"]}
        conv = parameters["0.weight"]
        self.assertEqual(conv["tileShape"], [1, 3, 3])
        weight = self.trainer.model[0].weight.detach()
        self.assertEqual(floats(conv["tiles"]), weight.reshape(-1).tolist())
        self.assertEqual(len(floats(conv["gradientTiles"])), 4 * 9)
        self.assertNotIn("tiles", parameters["5.weight"])  # a Linear after convolutions has no image rows
        maps = latest["featureMaps"]
        self.assertEqual(maps["image"], 0)
        # ReLU and MaxPool2d show what the conv and batch norm made; eval mode, the model's mode put back.
        self.assertEqual([(l["name"], l["kind"], l["shape"]) for l in maps["layers"]],
                         [("2", "ReLU", [4, 8, 8]), ("3", "MaxPool2d", [4, 4, 4])])
        model = self.trainer.model
        self.assertTrue(model.training and model[1].training)
        with torch.no_grad():
            expected = model[3](model[2](model[1].eval()(model[0](self.trainer.x[:1]))))
        model.train()
        for got, want in zip(floats(maps["layers"][1]["values"]), expected.reshape(-1).tolist()):
            self.assertAlmostEqual(got, want, places=5)
        self.check_snapshot(latest)
        self.dashboard.wait_answer(self.dashboard.command({"resume": {}}))

    def test_nn_init_is_restored_on_close(self):
        original = torch.nn.init.normal_
        self.start()
        self.assertIsNot(torch.nn.init.normal_, original)
        self.trainer.stop()
        self.assertIs(torch.nn.init.normal_, original)
        self.assertEqual(torch.nn.Linear.reset_parameters.__qualname__, "Linear.reset_parameters")

    def test_save_writes_a_loadable_state_dict(self):
        self.start()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "checkpoint.pth")
            answer = self.dashboard.wait_answer(self.dashboard.command({"save": {"path": path}}))
            self.assertIn("applied", answer)
            self.dashboard.wait_for(lambda d: {"saved": {"path": path}} in d.events(), what="the saved event")
            fresh = tiny_model()
            fresh.load_state_dict(torch.load(path))
            self.assertEqual(os.listdir(folder), ["checkpoint.pth"])  # no temporary file left
            refused = self.dashboard.wait_answer(self.dashboard.command({"save": {"path": os.path.join(folder, "no", "x.pth")}}))
            self.assertIn("refused", refused)

    def test_stop_raises_stop_training(self):
        self.start()
        identifier = self.dashboard.command({"stop": {}})
        self.assertTrue(self.trainer.done.wait(20), "the run did not end")
        self.assertIsInstance(self.trainer.error, StopTraining)
        events = self.dashboard.events()
        self.assertIn("applied", self.dashboard.answer(identifier))
        self.assertIn({"stopped": {}}, events)
        self.dashboard.wait_for(lambda d: d.of_kind("bye"), what="bye")
        self.assertEqual(self.dashboard.snapshots()[-1]["state"], {"stopped": {}})

    def test_unsupported_commands_are_refused_with_a_reason(self):
        self.start()
        for command in ({"reset": {}}, {"load": {"path": "x"}}, {"setSpeed": {}}, {"fly": {}}):
            answer = self.dashboard.wait_answer(self.dashboard.command(command))
            self.assertTrue(answer["refused"]["reason"], command)

    def test_dashboard_vanishing_does_not_stop_or_hang_training(self):
        self.start()
        self.pause()
        held = self.trainer.steps
        self.dashboard.vanish()  # while paused: the run must go on by itself
        wait_until(lambda: self.trainer.steps > held + 10, what="training to resume without a dashboard")
        self.assertIsNone(self.trainer.error)
        started = time.monotonic()
        self.trainer.stop()
        self.assertLess(time.monotonic() - started, 5)


class ConnectionTests(MessageChecks, unittest.TestCase):
    def test_no_dashboard_at_all(self):
        with tempfile.TemporaryDirectory() as folder:
            trainer = Trainer(f"unix:{os.path.join(folder, 'nobody.sock')}", steps=30, delay=0).start()
            self.assertTrue(trainer.done.wait(30))
            self.assertIsNone(trainer.error)
            self.assertEqual(trainer.steps, 30)

    def test_dashboard_started_later_gets_the_loss_history(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "later.sock")
            trainer = Trainer(f"unix:{path}", delay=0.01).start()
            try:
                wait_until(lambda: trainer.steps >= 20, what="some steps")
                dashboard = start_dashboard(path=path)
                dashboard.wait_for(lambda d: d.loss_points() and d.loss_points()[0]["step"] == 1 and len(d.loss_points()) >= 20,
                                   timeout=10, what="the history from step 1")
                steps = [point["step"] for point in dashboard.loss_points()]
                self.assertEqual(steps, list(range(1, len(steps) + 1)), "each point once, in order")
                dashboard.close()
            finally:
                trainer.stop()

    def test_dashboard_that_stops_reading_is_dropped(self):
        dashboard = start_dashboard(read=False)
        self.addCleanup(dashboard.close)
        trainer = Trainer(dashboard.address, delay=0.005).start()
        try:
            wait_until(lambda: trainer.probe._link.live, what="the welcome")
            wait_until(lambda: not trainer.probe._link.live, timeout=30, what="the probe to give up on the hung dashboard")
            held = trainer.steps
            wait_until(lambda: trainer.steps > held + 10, what="training to go on")
        finally:
            trainer.stop()
        self.assertIsNone(trainer.error)

    def test_tcp_with_the_token(self):
        dashboard = start_dashboard("tcp", token="0123abcd")
        self.addCleanup(dashboard.close)
        trainer = Trainer(dashboard.address, token="0123abcd").start()
        try:
            dashboard.wait_for(lambda d: d.snapshots(), what="a snapshot over TCP")
            self.assertEqual(dashboard.hellos[0]["token"], "0123abcd")
        finally:
            trainer.stop()

    def test_refused_token_leaves_training_alone(self):
        dashboard = start_dashboard("tcp", token="right")
        self.addCleanup(dashboard.close)
        trainer = Trainer(dashboard.address, token="wrong").start()
        try:
            dashboard.wait_for(lambda d: d.hellos, what="a hello")
            held = trainer.steps
            wait_until(lambda: trainer.steps > held + 10, what="training to go on after a refusal")
            self.assertEqual(dashboard.messages, [])
            self.assertFalse(trainer.probe._link.live)
        finally:
            trainer.stop()
        self.assertIsNone(trainer.error)


if __name__ == "__main__":
    unittest.main()
