import Foundation
import Checkpoints
import NN
import Telemetry
import Testing
@testable import Training

/// Branching a run (`b`): a branch starts from the parent's weights, optimizer state and place in
/// the data; switching (`B`) puts each back exactly where it was.
@Suite(.serialized) struct BranchingTests {
    /// A paused run at `step`, stepped there with `n`.
    private func pausedRun(_ config: TrainingConfig, at step: Int) throws -> TrainerController {
        var config = config
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(step))?.applied == true)
        #expect(controller.snapshot { $0.state == .paused && $0.step == step } != nil)
        return controller
    }

    /// Steps the active branch `n` times and waits until it is paused at `step`.
    private func step(_ controller: TrainerController, _ n: Int, to step: Int, branch: Int) {
        #expect(controller.acknowledge(.step(n))?.applied == true)
        #expect(controller.snapshot { $0.state == .paused && $0.step == step && $0.branch == branch } != nil)
    }

    /// A branch's losses after `step`, by step.
    private func losses(_ controller: TrainerController, branch: Int, after step: Int) -> [Int: Double] {
        Dictionary(controller.losses(from: 0).points.filter { $0.branch == branch && $0.step > step }.map { ($0.step, $0.loss) },
                   uniquingKeysWith: { _, last in last })
    }

    @Test func aBranchWithTheSameSettingsAndItsParentGoOnStepForStepAlike() throws {
        let controller = try pausedRun(SyntheticData.config(epochs: 3), at: 5)
        let said = controller.acknowledge(.branch(.none))
        #expect(said?.applied == true)
        #expect(said?.text.hasPrefix("branch B from A at step 5: same settings") == true)
        // Past the end of the first epoch (20 steps): the next epoch's order is the same for both.
        step(controller, 25, to: 30, branch: 1)
        #expect(controller.acknowledge(.switchBranch(nil))?.text.hasPrefix("branch A trains now (step 5)") == true)
        step(controller, 25, to: 30, branch: 0)
        let a = losses(controller, branch: 0, after: 5), b = losses(controller, branch: 1, after: 5)
        #expect(a.count >= 24)
        #expect(a == b)
        let snapshot = try #require(controller.latestSnapshot())
        #expect(snapshot.branches.map(\.name) == ["A", "B"])
        #expect(snapshot.branches[1].parent == 0 && snapshot.branches[1].fromStep == 5)
        #expect(snapshot.branches.map(\.step) == [30, 30])
        #expect(snapshot.journal.contains { $0.kind == .branch && $0.step == 5 })
        controller.send(.stop)
        controller.join()
    }

    @Test func aLearningRateBranchLeavesItsParentAsIfItNeverBranched() throws {
        let config = SyntheticData.config(epochs: 3, seed: 3)
        let reference = try pausedRun(config, at: 5)
        step(reference, 10, to: 15, branch: 0)
        let unbranched = losses(reference, branch: 0, after: 5)
        reference.send(.stop)
        reference.join()

        let controller = try pausedRun(config, at: 5)
        let lr = try #require(controller.latestSnapshot()?.learningRate)
        #expect(controller.acknowledge(.branch(.scaleLearningRate(10)))?.text.contains("lr 0.001 → 0.01") == true)
        #expect(controller.snapshot { $0.branch == 1 }?.learningRate == Double(Float(lr) * 10))
        step(controller, 10, to: 15, branch: 1)
        #expect(controller.acknowledge(.switchBranch(0))?.applied == true)
        #expect(controller.snapshot { $0.branch == 0 }?.learningRate == lr)
        step(controller, 10, to: 15, branch: 0)
        #expect(losses(controller, branch: 0, after: 5) == unbranched)
        #expect(losses(controller, branch: 1, after: 5) != unbranched)
        controller.send(.stop)
        controller.join()
    }

    @Test func anOptimizerOrBatchSizeBranchTrainsWithIt() throws {
        let controller = try pausedRun(SyntheticData.config(epochs: 3), at: 5)
        #expect(controller.acknowledge(.branch(.optimizer("sgd")))?.text.contains("Adam → SGD (fresh state)") == true)
        #expect(controller.snapshot { $0.branch == 1 }?.optimizerName == "SGD")
        // From B: the rest of the epoch (640 − 5·32 = 480 samples) in batches of 64 ends it 8 steps on.
        #expect(controller.acknowledge(.branch(.batchSize(64)))?.text.contains("batch size 32 → 64") == true)
        let c = try #require(controller.snapshot { $0.branch == 2 })
        #expect(c.batchSize == 64 && c.optimizerName == "SGD" && c.branches[2].parent == 1)
        _ = controller.acknowledge(.step(12))
        let finished = controller.snapshot { $0.state == .paused && $0.epochResults.count == 1 }
        #expect(finished?.epochResults.first?.step == 13)
        // The epoch's samples: A's 160 before the branch, then B's and C's 480.
        #expect(finished?.epochResults.first?.samples == 640)
        controller.send(.stop)
        controller.join()
    }

    @Test func impossibleBranchesAndSwitchesAreRefusedAndChangeNothing() throws {
        let controller = try pausedRun(SyntheticData.config(epochs: 2), at: 2)
        #expect(controller.acknowledge(.switchBranch(nil))?.text == "the run has no branch yet: b branches it here")
        #expect(controller.acknowledge(.branch(.optimizer("lbfgs")))?.text.contains("unknown optimizer 'lbfgs'") == true)
        #expect(controller.acknowledge(.branch(.batchSize(0)))?.text == "the batch size must be at least 1, got 0")
        #expect(controller.acknowledge(.branch(.scaleLearningRate(-1)))?.applied == false)
        #expect(controller.latestSnapshot()?.branches == [])
        for _ in 1..<8 { #expect(controller.acknowledge(.branch(.none))?.applied == true) }
        #expect(controller.acknowledge(.branch(.none))?.text.contains("the most it keeps") == true)
        #expect(controller.acknowledge(.switchBranch(9))?.text.contains("there is no branch 9") == true)
        #expect(controller.acknowledge(.switchBranch(7))?.text == "branch H trains already")
        controller.send(.stop)
        controller.join()
    }

    @Test func aFinishedBranchStaysFinishedAndItsSiblingGoesOn() throws {
        var config = SyntheticData.config(epochs: 1)
        config.keepAliveWhenFinished = true
        let controller = try pausedRun(config, at: 10)
        #expect(controller.acknowledge(.branch(.none))?.applied == true)
        _ = controller.acknowledge(.resume)
        #expect(controller.snapshot { $0.state == .finished && $0.branch == 1 } != nil)
        #expect(controller.acknowledge(.branch(.none))?.text.contains("has finished its 1 epochs") == true)
        #expect(controller.acknowledge(.switchBranch(nil))?.applied == true)
        let a = controller.snapshot { $0.branch == 0 }
        #expect(a?.state == .paused && a?.step == 10)
        #expect(controller.acknowledge(.switchBranch(nil))?.applied == true)
        #expect(controller.snapshot { $0.branch == 1 }?.state == .finished)
        controller.send(.stop)
        controller.join()
    }

    @Test func aCheckpointBranchStartsFromTheSavedWeights() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-branch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let early = folder.appendingPathComponent("early.safetensors").path, again = folder.appendingPathComponent("again.safetensors").path
        let controller = try pausedRun(SyntheticData.config(epochs: 3), at: 5)
        #expect(controller.acknowledge(.save(path: early))?.applied == true)
        step(controller, 5, to: 10, branch: 0)
        let missing = folder.appendingPathComponent("missing.safetensors").path
        #expect(controller.acknowledge(.branch(.checkpoint(path: missing)))?.applied == false)
        #expect(controller.latestSnapshot()?.branches == [], "a failed load makes no branch")
        // Named another way than when it was saved (as the checkpoint list may): still found.
        let roundabout = folder.appendingPathComponent("sub/../early.safetensors").path
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let said = try #require(controller.acknowledge(.branch(.checkpoint(path: roundabout))))
        #expect(said.applied && said.text.contains("weights of early.safetensors (saved at step 5), fresh Adam state"))
        #expect(controller.acknowledge(.save(path: again))?.applied == true)
        #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: early))
        controller.send(.stop)
        controller.join()
    }

    @Test func aDivergedCheckpointBranchGoesBackToTheCheckpointsWeights() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-branch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let early = folder.appendingPathComponent("early.safetensors").path, after = folder.appendingPathComponent("after.safetensors").path
        let controller = try pausedRun(SyntheticData.config(epochs: 3), at: 5)
        #expect(controller.acknowledge(.save(path: early))?.applied == true)
        step(controller, 10, to: 15, branch: 0)
        #expect(controller.acknowledge(.branch(.checkpoint(path: early)))?.text.contains("weights of early.safetensors (saved at step 5)") == true)
        #expect(controller.acknowledge(.setLearningRate(1e38))?.applied == true)
        #expect(controller.acknowledge(.step(3))?.applied == true)
        let diverged = controller.snapshot { if case .diverged = $0.state { return true } else { return false } }
        #expect(diverged?.journal.last { $0.kind == .diverged }?.text.contains("restored the parameters of step 15") == true)
        #expect(controller.acknowledge(.save(path: after))?.applied == true)
        #expect(FileManager.default.contents(atPath: after) == FileManager.default.contents(atPath: early))
        // The diverged branch stays diverged through a switch there and back.
        #expect(controller.acknowledge(.switchBranch(0))?.applied == true)
        #expect(controller.snapshot { $0.branch == 0 }?.state == .paused)
        #expect(controller.acknowledge(.switchBranch(1))?.applied == true)
        let back = controller.snapshot { $0.branch == 1 }
        if case .diverged = back?.state {} else { Issue.record("branch B should still be diverged, is \(String(describing: back?.state))") }
        controller.send(.stop)
        controller.join()
    }

    @Test func eachBranchKeepsItsInitRecordsGradientsAndNormHistory() throws {
        let controller = try pausedRun(SyntheticData.config(epochs: 3), at: 3)
        let a = try #require(controller.latestSnapshot())
        #expect(controller.acknowledge(.branch(.none))?.applied == true)
        #expect(controller.acknowledge(.reinitialize(parameter: nil, method: InitChoice(name: "normal_", arguments: [.init("std", "1.0")])))?.applied == true)
        step(controller, 4, to: 7, branch: 1)
        #expect(controller.acknowledge(.switchBranch(0))?.applied == true)
        let back = try #require(controller.snapshot { $0.branch == 0 })
        #expect(back.parameters.map(\.initialization) == a.parameters.map(\.initialization))
        #expect(back.parameters.map(\.normHistory) == a.parameters.map(\.normHistory))
        #expect(back.parameters.map(\.gradient) == a.parameters.map(\.gradient))
        controller.send(.stop)
        controller.join()
    }
}

/// The autograd stepper's copy of the model: the trainer's weights at the moment asked.
@Suite(.serialized) struct ModelCopyTests {
    @Test func theCopyHasTheTrainersWeightsAndAnEndedRunLendsNone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = SyntheticData.config(epochs: 2)
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(3))?.applied == true)
        #expect(controller.snapshot { $0.state == .paused && $0.step == 3 } != nil)
        let copy = try #require(controller.modelCopy(timeout: 30))
        let saved = folder.appendingPathComponent("now.pth").path
        #expect(controller.acknowledge(.save(path: saved))?.applied == true)
        let fresh = SyntheticData.config().model.spec.makeModule()
        try fresh.loadStateDict(from: URL(fileURLWithPath: saved))
        let mine = Dictionary(uniqueKeysWithValues: copy.namedParameters().map { ($0.name, $0.tensor.scalars) })
        #expect(fresh.namedParameters().allSatisfy { mine[$0.name] == $0.tensor.scalars })
        controller.send(.stop)
        controller.join()
        #expect(controller.modelCopy(timeout: 1) == nil)
    }
}
