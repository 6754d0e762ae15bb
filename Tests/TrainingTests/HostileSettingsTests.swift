import Foundation
import Testing
import NN
import Telemetry
import Training

/// Settings and runs that trapped, hung or misled in the fuzzing run (issue 10).
@Suite struct HostileSettingsTests {
    /// fuzz: `train --data /nonexistent --save X` waited for ever for the save's acknowledgement
    /// from a trainer that had already ended. Every command after the end is refused.
    @Test func aTrainerThatCouldNotStartRefusesLaterCommands() throws {
        var config = SyntheticData.config()
        config.dataRoot = "/nonexistent-\(UUID().uuidString)"
        config.keepAliveWhenFinished = true
        let controller = try TrainerController.start(config)
        #expect(controller.startupFailure()?.contains("Dataset not found") == true)
        let events = try #require(controller.events { if case .failed = $0 { true } else { false } })
        guard case .failed(let message) = events.last else { Issue.record("no failure in \(events)"); return }
        #expect(message.contains("Dataset not found"))
        let save = try #require(controller.acknowledge(.save(path: "x.safetensors")))
        #expect(!save.applied)
        #expect(save.text.contains("could not start"))
        controller.join()
        #expect(controller.acknowledge(.stop)?.applied == false)
    }

    /// fuzz: ~130 presses of `+` made the Float learning rate inf; then `-` was refused for ever.
    @Test func theLearningRateStaysFiniteUnderRepeatedScaling() throws {
        var config = SyntheticData.config()
        config.optimizer = .sgd
        config.learningRate = 0.1
        config.startPaused = true
        config.keepAliveWhenFinished = true
        let controller = try TrainerController.start(config)
        defer {
            controller.send(.stop)
            controller.join()
        }
        var last: (applied: Bool, text: String)?
        for _ in 0..<140 { last = controller.acknowledge(.scaleLearningRate(2)) }
        #expect(last?.applied == true)
        #expect(last?.text.contains("the largest learning rate allowed") == true)
        let high = try #require(controller.snapshot { $0.learningRate > 0 })
        let largest = Double(Float(LearningRateRange.largest))  // the optimizer keeps a Float
        #expect(high.learningRate == largest)
        #expect(controller.acknowledge(.scaleLearningRate(0.5))?.applied == true)
        #expect(controller.snapshot { _ in true }?.learningRate == largest / 2)
        #expect(controller.acknowledge(.reset)?.applied == true)
        #expect(controller.snapshot { _ in true }?.learningRate.isFinite == true)
        for _ in 0..<200 { last = controller.acknowledge(.scaleLearningRate(0.5)) }
        #expect(last?.text.contains("the smallest positive learning rate allowed") == true)
        #expect(controller.snapshot { _ in true }?.learningRate ?? 0 > 0)
    }

    /// fuzz: `--lr 1000` with SGD trained to chance accuracy, finite, and nothing said so.
    @Test func aLossFarAboveItsStartIsWarnedAbout() throws {
        var config = SyntheticData.config(epochs: 3)
        config.optimizer = .sgd
        config.learningRate = 1000
        let controller = try TrainerController.start(config)
        let events = try #require(controller.events { $0 == .finished || { if case .diverged = $0 { true } else { false } }($0) })
        controller.join()
        let warnings = events.compactMap { if case .warning(let text) = $0 { text } else { nil } }
        #expect(warnings.count == 1, "\(events)")
        #expect(warnings.first?.contains("learning rate 1000 may be too high") == true)
    }

    /// The demo's normal_(std=1) re-initialisation raised the loss tenfold: that is the new start,
    /// not a learning-rate problem.
    @Test func aReinitialisationStartsTheLossWatchOver() throws {
        var config = SyntheticData.config(epochs: 3)
        config.optimizer = .sgd
        config.learningRate = 1e-4  // the loss stays where the re-initialisation puts it
        config.startPaused = true
        let controller = try TrainerController.start(config)
        #expect(controller.acknowledge(.step(10))?.applied == true)
        #expect(controller.snapshot { $0.step >= 10 && $0.state == .paused } != nil)
        #expect(controller.acknowledge(.reinitialize(parameter: nil, method: try InitMethod(spelling: "normal:std=1").choice))?.applied == true)
        #expect(controller.acknowledge(.resume)?.applied == true)
        let events = try #require(controller.events { $0 == .finished })
        controller.join()
        #expect(!events.contains { if case .warning = $0 { true } else { false } }, "\(events)")
    }

    @Test func anOrdinaryRunIsNotWarnedAbout() throws {
        let controller = try TrainerController.start(SyntheticData.config(epochs: 3))
        #expect(controller.startupFailure() == nil)
        let events = try #require(controller.events { $0 == .finished })
        controller.join()
        #expect(!events.contains { if case .warning = $0 { true } else { false } })
    }

    /// fuzz: `--layers 784,100000000,10` allocated 313 GB; `784,9223372036854775807,10` trapped.
    @Test(arguments: [100_000_000, Int.max])
    func aModelThatCannotFitIsRefusedUpFront(width: Int) throws {
        var config = SyntheticData.config()
        config.model = .layers([784, width, 10], .relu)
        let error = #expect(throws: TrainingSettingError.self) { try config.validate() }
        #expect(error?.setting == .layers)
        #expect(error?.description.contains("training this needs at least") == true)
        #expect(error?.description.hasSuffix("of memory; choose narrower layers") == true)
    }

    @Test func theMemoryEstimateCountsParametersStateAndABatch() {
        var config = TrainingConfig()  // mlp 784→256→10, Adam, batch 128, one data worker
        let mlpParameters = 784 * 256 + 256 + 256 * 10 + 10
        var estimate = MemoryEstimate(config, trainImages: 60_000)
        #expect(estimate.modelBytes == mlpParameters * 5 * 4)  // weights, grads, backup, two Adam moments
        #expect(estimate.batchBytes == 128 * (784 * 3 + (256 + 256 + 10) * 2) * 4)  // Linear, ReLU, Linear outputs and gradients
        config.optimizer = .sgd
        config.batchSize = Int.max
        estimate = MemoryEstimate(config, trainImages: 1000)
        #expect(estimate.modelBytes == mlpParameters * 3 * 4)
        #expect(estimate.batchBytes == 1000 * (784 * 3 + (256 + 256 + 10) * 2) * 4)  // a batch holds at most the data
        config.model = .layers([784, Int.max, 10], .relu)
        #expect(MemoryEstimate(config, trainImages: 1000).totalBytes == Int.max)  // saturates, never traps
        #expect(PhysicalMemory.describe(313_600_000_000) == "313.6 GB")
    }

    /// fuzz: `eval --layers 784,9223372036854775807,10` trapped building the model: running a
    /// model has its estimate too, counting weights and a layer's input and output for a batch.
    @Test func theMemoryEstimateForRunningAModelCountsWeightsAndABatch() throws {
        let input = [1000, 1, 28, 28]
        let mlp = try MemoryEstimate(running: ModelPreset.mlp.spec, forInput: input)
        #expect(mlp.modelBytes == (784 * 256 + 256 + 256 * 10 + 10) * 4)
        #expect(mlp.batchBytes == 1000 * 784 * 2 * 4)  // the input is the largest tensor
        let huge = try MemoryEstimate(running: ModelPreset.layers([784, Int.max, 10], .relu).spec, forInput: input)
        #expect(huge.modelBytes == Int.max)  // saturates, never traps
        #expect(huge.batchBytes == Int.max)
        #expect(throws: ModuleSpecError.self) { try MemoryEstimate(running: ModelPreset.mlp.spec, forInput: [1000, 100]) }
    }

    /// fuzz: `--layers 784,,10` was read as 784,10; an empty width is refused with the value.
    @Test func anEmptyWidthIsRefusedNotDropped() throws {
        for (text, piece) in [("784,,10", 2), ("784,10,", 3), (",784,10", 1), ("784, ,10", 2), ("", 1)] {
            #expect(throws: TrainingSettingError(.layers, "expected comma-separated widths like 784,512,256,10, got '\(text)', whose width \(piece) is empty")) {
                try ModelPreset(layers: text, activation: .relu)
            }
        }
        #expect(try ModelPreset(layers: " 784 , 32,10", activation: .relu) == .layers([784, 32, 10], .relu))
        #expect(throws: TrainingSettingError.self) { try ModelPreset.layers([784, 0, 10], .relu).validate() }
        try ModelPreset.mlp2.validate()
    }

    @Test func optionsThatWouldBeIgnoredAreRefused() throws {
        var config = SyntheticData.config()
        config.momentum = 0.9  // with the default Adam
        #expect((#expect(throws: TrainingSettingError.self) { try config.validate() })?.setting == .momentum)
        config.optimizer = .sgd
        try config.validate()
    }

    /// fuzz: invalid --init values fell back to the default initialisation without a word.
    @Test(arguments: ["dirac", "dirac:groups=1e30", "dirac:groups=-2", "sparse:sparsity=2", "trunc-normal:a=1,b=0",
                      "uniform:a=2,b=1", "normal:std=-1", "trunc-normal:std=0"])
    func invalidInitMethodsAreRefused(text: String) throws {
        let refusal = #expect(throws: InitMethodError.self) {
            var config = SyntheticData.config()
            config.initMethod = try InitMethod(spelling: text)
            try config.validate()
        }
        #expect(refusal?.description.contains("--init") == false)  // only the CLI names its flag
    }

    @Test func aFarTailTruncatedNormalInitTrains() throws {
        var config = SyntheticData.config(epochs: 1)
        config.initMethod = try InitMethod(spelling: "trunc-normal:mean=0,std=0.001,a=1,b=2")
        let controller = try TrainerController.start(config)
        let events = try #require(controller.events { $0 == .finished || { if case .diverged = $0 { true } else { false } }($0) })
        controller.join()
        #expect(!events.contains { if case .failed = $0 { true } else { false } })
    }

    /// fuzz: `--init constant:val=3e38` trapped binning the histogram of a single huge value.
    @Test func histogramsOfExtremeValuesDoNotTrap() {
        for values: [Float] in [[Float](repeating: 3e38, count: 500), [-3e38, 3e38, 0], [Float.leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude],
                                [.nan, .infinity], [Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude]] {
            let histogram = values.withUnsafeBufferPointer { Histogram($0) }
            #expect(histogram.counts.reduce(0, +) + histogram.below + histogram.above == values.filter(\.isFinite).count)
        }
    }
}
