import Foundation
import Testing
import Checkpoints
import Datasets
import NN
import Optim
import Tensors
import Telemetry
import Training

@Suite struct TrainerTests {
    @Test func shortRunLowersTheLossAndEvaluates() throws {
        var config = SyntheticData.config(epochs: 3)
        config.keepAliveWhenFinished = true  // so the stop below is what ends the run
        let controller = try TrainerController.start(config)
        let events = try #require(controller.events { $0 == .finished })
        controller.send(.stop)
        controller.join()
        let results = events.compactMap { if case .epochFinished(let r) = $0 { r } else { nil } }
        #expect(results.map(\.epoch) == [1, 2, 3])
        #expect(results.last!.testLoss < results.first!.testLoss)
        #expect(results.last!.testAccuracy > 0.8)
        #expect(results.last!.confusion.flatMap { $0 }.reduce(0, +) == 200)
        let losses = controller.allLosses
        #expect(losses.count == 3 * 20)
        #expect(losses.suffix(10).reduce(0, +) < losses.prefix(10).reduce(0, +))
        let snapshot = try #require(controller.latestSnapshot())
        #expect(snapshot.state == .stopped)
        #expect(snapshot.epochResults.count == 3)
    }

    @Test func sameSeedSameLossAtEveryStepWhateverTheWorkers() throws {
        func run(workers: Int, seed: UInt64) throws -> [Double] {
            var config = SyntheticData.config(epochs: 1, seed: seed)
            config.dataWorkers = workers
            let controller = try TrainerController.start(config)
            _ = controller.events { $0 == .finished }
            controller.send(.stop)
            controller.join()
            return controller.allLosses
        }
        let reference = try run(workers: 0, seed: 7)
        #expect(try run(workers: 0, seed: 7) == reference)
        #expect(try run(workers: 2, seed: 7) == reference)
        #expect(try run(workers: 0, seed: 8) != reference)
    }

    @Test func pauseStepAndResume() throws {
        var config = SyntheticData.config(epochs: 5)
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(3))?.applied == true)
        // After the steps the trainer pauses by itself; a snapshot request is answered while paused.
        let snapshot = controller.snapshot { $0.state == .paused && $0.step == 3 }
        #expect(snapshot?.step == 3)
        #expect(controller.allLosses.count == 3)
        #expect(controller.acknowledge(.pause)?.applied == false)  // already paused
        #expect(controller.acknowledge(.resume)?.applied == true)
        #expect(controller.acknowledge(.pause)?.applied == true)
        #expect(controller.acknowledge(.stop)?.applied == true)
        controller.join()
    }

    @Test func hyperparametersAndTheirRefusals() throws {
        var config = SyntheticData.config()
        config.startPaused = true
        config.optimizer = .sgd
        config.learningRate = 0.1
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.scaleLearningRate(2))?.text == "lr 0.1 → 0.2")
        #expect(controller.acknowledge(.setLearningRate(-1))?.applied == false)
        #expect(controller.acknowledge(.setHyperparameter(name: "momentum", value: 0.9))?.applied == true)
        let unknown = controller.acknowledge(.setHyperparameter(name: "beta1", value: 0.5))
        #expect(unknown?.applied == false)
        #expect(unknown?.text.contains("SGD has no hyperparameter 'beta1'") == true)
        _ = controller.acknowledge(.requestSnapshot)
        let snapshot = try #require(controller.latestSnapshot())
        #expect(abs(snapshot.learningRate - 0.2) < 1e-7)
        #expect(snapshot.optimizerDescription.contains("momentum=0.9"))
        #expect(snapshot.journal.map(\.kind) == [.learningRate, .hyperparameter])
        controller.send(.stop)
        controller.join()
    }

    @Test func reinitialisationRecordsBeforeAndAfter() throws {
        var config = SyntheticData.config()
        config.startPaused = true
        let controller = try TrainerController.start(config)
        _ = controller.acknowledge(.requestSnapshot)
        let initial = try #require(controller.latestSnapshot())
        let weight = try #require(initial.parameters.first { $0.name == "1.weight" })
        #expect(weight.initialization?.method.name == "default")
        guard case .uniform(let low, let high)? = weight.initialization?.spread else { Issue.record("no uniform spread"); return }
        #expect(abs(high - 1 / 28) < 1e-6 && low == -high)  // kaiming_uniform_(a=√5): bound 1/√fan_in

        let normal = InitChoice(name: "normal_", arguments: [.init("std", "0.01")])
        #expect(controller.acknowledge(.reinitialize(parameter: nil, method: normal))?.applied == true)
        let xavier = InitChoice(name: "xavier_uniform_")
        let refused = controller.acknowledge(.reinitialize(parameter: "1.bias", method: xavier))
        #expect(refused?.applied == false)
        #expect(refused?.text.contains("needs a tensor with 2 or more dims") == true)
        #expect(controller.acknowledge(.reinitialize(parameter: "nope", method: normal))?.applied == false)
        #expect(controller.acknowledge(.reinitialize(parameter: nil, method: InitChoice(name: "magic")))?.applied == false)
        _ = controller.acknowledge(.requestSnapshot)
        let after = try #require(controller.latestSnapshot()?.parameters.first { $0.name == "1.weight" }?.initialization)
        #expect(after.method.description == "normal_(mean=0.0, std=0.01)")
        #expect(after.spread == .normal(mean: 0, std: Double(Float(0.01))))
        #expect(abs(after.before.max - 1 / 28) < 1e-3)
        #expect(abs(after.after.std - 0.01) < 1e-3)
        controller.send(.stop)
        controller.join()
    }

    @Test func saveLoadAndAFailedLoadChangesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-ckpt-\(UUID().uuidString)")
        var config = SyntheticData.config()
        config.startPaused = true
        config.checkpointFolder = folder.path
        let controller = try TrainerController.start(config)
        _ = controller.acknowledge(.step(2))
        #expect(controller.snapshot { $0.state == .paused && $0.step == 2 } != nil)
        let saved = try #require(controller.acknowledge(.save(path: nil)))
        #expect(saved.applied)
        #expect(saved.text.contains("step-000002.safetensors"))
        let path = folder.appendingPathComponent("step-000002.safetensors").path
        #expect(FileManager.default.fileExists(atPath: path))
        let model = try ModelFile.load(from: URL(fileURLWithPath: path))  // a whole-model file
        #expect(model.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])

        let wrong = folder.appendingPathComponent("wrong.safetensors")
        try Sequential(Linear(784, 32), ReLU(), Linear(32, 10)).saveStateDict(to: wrong)
        _ = controller.acknowledge(.requestSnapshot)
        let before = try #require(controller.latestSnapshot()?.parameters.map(\.values))
        let refused = try #require(controller.acknowledge(.load(path: wrong.path)))
        #expect(!refused.applied)
        #expect(refused.text.contains("size mismatch") || refused.text.contains("Missing key"))
        _ = controller.acknowledge(.requestSnapshot)
        #expect(controller.latestSnapshot()?.parameters.map(\.values) == before)
        #expect(controller.acknowledge(.load(path: path))?.applied == true)
        controller.send(.stop)
        controller.join()
    }

    @Test func divergenceIsCaughtAndTheRunSurvives() throws {
        var config = SyntheticData.config(epochs: 3)
        config.optimizer = .sgd
        config.learningRate = 1e6
        let controller = try TrainerController.start(config)
        let events = try #require(controller.events { if case .diverged = $0 { true } else { false } })
        guard case .diverged(let step, let loss)? = events.last else { Issue.record("no divergence"); return }
        #expect(!loss.isFinite)
        _ = controller.acknowledge(.requestSnapshot)
        let snapshot = try #require(controller.latestSnapshot())
        #expect(snapshot.state == .diverged(step: step))
        #expect(snapshot.journal.last?.kind == .diverged)
        #expect(snapshot.parameters.allSatisfy { $0.values.max.isFinite && $0.values.min.isFinite })
        // Lower the learning rate and carry on.
        #expect(controller.acknowledge(.setLearningRate(0.01))?.applied == true)
        #expect(controller.acknowledge(.step(1))?.applied == true)
        controller.send(.stop)
        controller.join()
    }

    @Test func resetStartsANewCurveSegment() throws {
        var config = SyntheticData.config(epochs: 1)
        config.keepAliveWhenFinished = true
        let controller = try TrainerController.start(config)
        _ = controller.events { $0 == .finished }
        #expect(controller.acknowledge(.resume)?.applied == false)  // finished
        #expect(controller.acknowledge(.reset)?.applied == true)
        _ = controller.events { $0 == .finished }
        controller.send(.stop)
        controller.join()
        let points = controller.losses(from: 0).points
        #expect(Set(points.map(\.segment)) == [0, 1])
        #expect(points.map(\.step) == Array(1...points.count))
    }

    @Test func resetWhilePausedStaysPausedWithTheStartingLearningRate() throws {
        var config = SyntheticData.config()
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(1))?.applied == true)
        #expect(controller.acknowledge(.setLearningRate(1e6))?.applied == true)  // as after a divergence
        #expect(controller.acknowledge(.reset)?.applied == true)
        let s = try #require(controller.snapshot { $0.journal.last?.kind == .reset })
        #expect(s.state == .paused)
        #expect(s.learningRate == Double(Float(config.learningRate)))
        controller.send(.stop)
        controller.join()
    }

    @Test func snapshotsCarryHistogramsGradientsAndTheBatch() throws {
        var config = SyntheticData.config()
        config.startPaused = true
        let controller = try TrainerController.start(config)
        _ = controller.acknowledge(.step(1))
        let s = try #require(controller.snapshot { $0.step == 1 && $0.state == .paused })
        #expect(s.parameters.map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        let w = s.parameters[0]
        #expect(w.values.counts.reduce(0, +) + w.values.below + w.values.above == 256 * 784)
        #expect(w.gradient != nil && w.gradient!.l2Norm > 0 && w.gradient!.updateRatio > 0)
        #expect(w.gradientText.hasPrefix("tensor([["))
        #expect(w.tiles.count == 16 * 784 && w.gradientTiles.count == 16 * 784)
        let batch = try #require(s.batch)
        #expect(batch.count == 16 && batch.pixels.count == 16 * 784)
        #expect(batch.confidences.allSatisfy { $0 > 0 && $0 <= 1 })
        #expect(s.initChoices.contains { $0.name == "kaiming_uniform_" })
        #expect(s.lossCount == 1)
        controller.send(.stop)
        controller.join()
    }
}

@Suite struct ConfigTests {
    @Test func impossibleSettingsNameTheOption() throws {
        var config = TrainingConfig()
        config.batchSize = 0
        #expect(throws: ConfigError("--batch-size", "must be at least 1, got 0")) { try config.validate() }
        config = TrainingConfig()
        config.learningRate = -0.1
        #expect((try? config.validate()) == nil)
        config = TrainingConfig()
        config.model = .layers([784, 100, 9], .relu)
        let error = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(error?.option == "--layers")
        #expect(throws: ConfigError.self) { try ModelPreset(name: "resnet") }
        #expect(throws: ConfigError.self) { try OptimizerKind(name: "lbfgs") }
        #expect(throws: ConfigError.self) { try Activation(name: "gelu") }
        #expect(throws: InitMethodError.self) { try InitMethod(spelling: "magic") }
        #expect(throws: InitMethodError.notANumber(method: "normal", argument: "mean", text: "zero")) {
            try InitMethod(spelling: "normal:mean=zero")
        }
        #expect(throws: InitMethodError.unknownMode(method: "kaiming-uniform", text: "sideways")) {
            try InitMethod(spelling: "kaiming-uniform:mode=sideways")
        }
        #expect(try InitMethod(spelling: "normal:std=0.01").description == "normal_(mean=0.0, std=0.01)")
        #expect(throws: ConfigError.self) { try TrainerController.start(config) }  // start validates first
    }
}

/// `deterministic` reaches the trainer's own thread: its losses and gradients are those of the
/// fixed-order kernels, step for step, bit for bit.
@Suite struct DeterministicTrainingTests {
    @Test func theTrainerThreadComputesWithTheFixedOrderKernels() throws {
        var config = SyntheticData.config(epochs: 1, seed: 5)
        config.deterministic = true
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(4))?.applied == true)
        let snapshot = try #require(controller.snapshot { $0.step == 4 && $0.state == .paused })
        controller.send(.stop)
        controller.join()
        // The same run by hand on this thread with deterministic algorithms. The gradient norms
        // (double sums of squares of every gradient element, in order) change if any element's
        // last bit does, so they tell the fixed-order products from BLAS's.
        let (losses, gradientNorms) = try withDeterministicAlgorithms { () throws -> ([Double], [Double]) in
            manualSeed(config.seed)
            let model = config.model.spec.makeModule()
            let optimizer = Adam(model.parameters(), lr: Float(config.learningRate))
            let data = try FashionMNIST(root: URL(fileURLWithPath: config.dataRoot!), train: true)
            let loader = DataLoader(data, batchSize: config.batchSize, shuffle: true, generator: Generator(seed: config.seed &+ 1), numWorkers: 0)
            let batches = loader.makeIterator()
            var losses: [Double] = []
            for _ in 0..<4 {
                let batch = try #require(try batches.nextBatchData()).tensors()
                optimizer.zeroGrad()
                let loss = Tensor.crossEntropy(model(batch[0]), batch[1])
                losses.append(Double(loss.item()))
                try loss.backward()
                optimizer.step()
            }
            let norms = model.parameters().map { p in p.grad!.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
            return (losses, norms)
        }
        #expect(controller.allLosses == losses)
        #expect(snapshot.parameters.map { $0.gradient?.l2Norm } == gradientNorms)
    }
}
