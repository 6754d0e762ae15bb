import NN
import Testing
@testable import Training

/// Training's setting errors name settings, never a front end's flags or keys (issue 11, debt 7).
@Suite struct SettingErrorTests {
    /// One impossible configuration for each check `validate()` makes, with the setting it names.
    static let impossible: [(TrainingSetting, @Sendable (inout TrainingConfig) -> Void)] = [
        (.epochs, { $0.epochs = 0 }),
        (.batchSize, { $0.batchSize = -1 }),
        (.learningRate, { $0.learningRate = .nan }),
        (.learningRate, { $0.learningRate = 1e300 }),
        (.momentum, { $0.optimizer = .sgd; $0.momentum = 1 }),
        (.momentum, { $0.momentum = 0.9 }),  // with the default Adam
        (.weightDecay, { $0.weightDecay = -1 }),
        (.nesterov, { $0.nesterov = true }),
        (.threads, { $0.threads = 0 }),
        (.dataWorkers, { $0.dataWorkers = 17 }),
        (.layers, { $0.model = .layers([784, 100, 9], .relu) }),
        (.layers, { $0.model = .layers([784, Int.max, 10], .relu) }),  // cannot fit in memory
        (.trainLimit, { $0.trainLimit = 0 }),
        (.testLimit, { $0.testLimit = 0 }),
        (.initMethod, { $0.initMethod = try? InitMethod(spelling: "dirac") }),
    ]

    @Test func noValidationErrorNamesAFlag() {
        for (index, (setting, change)) in Self.impossible.enumerated() {
            var config = TrainingConfig()
            change(&config)
            let error = #expect(throws: (any Error).self, "case \(index)") { try config.validate() }
            let settingError = error.flatMap { TrainingSettingError(from: $0) }
            #expect(settingError?.setting == setting, "case \(index): \(String(describing: error))")
            let texts = [error.map { "\($0)" }, settingError?.description, settingError?.problem.spelled(\.rawValue)]
            for text in texts.compactMap({ $0 }) {
                #expect(!text.contains("--"), "case \(index): \(text)")
            }
        }
        let parsers: [() throws -> Void] = [
            { _ = try ModelPreset(name: "resnet") },
            { _ = try ModelPreset(layers: "784,x,10", activation: .relu) },
            { _ = try Activation(name: "gelu") },
            { _ = try OptimizerKind(name: "lbfgs") },
        ]
        for parse in parsers {
            let error = #expect(throws: TrainingSettingError.self) { try parse() }
            #expect(error.map { !$0.description.contains("--") } == true, "\(String(describing: error))")
        }
    }

    /// Mentions of other settings are left to the front end to spell.
    @Test func aFrontEndSpellsEverySettingInTheMessage() throws {
        var config = TrainingConfig()
        config.momentum = 0.9
        let error = try #require(#expect(throws: TrainingSettingError.self) { try config.validate() })
        #expect(error.description == "momentum: applies only to optimizer sgd (adam keeps its own moments), got momentum 0.9 with optimizer adam")
        #expect(error.message { "<\($0.rawValue)>" }
                == "<momentum>: applies only to <optimizer> sgd (adam keeps its own moments), got <momentum> 0.9 with <optimizer> adam")
        #expect(TrainingSettingError(from: InitMethodError.empty) == TrainingSettingError(InitMethodError.empty))
        #expect(TrainingSettingError(from: CancellationError()) == nil)
    }

    @Test func aBatchTooLargeForMemoryNamesTheBatchSize() {
        var config = TrainingConfig()
        config.batchSize = 60_000
        let error = #expect(throws: TrainingSettingError.self) { try config.checkMemory(available: 1_000_000) }
        #expect(error?.setting == .batchSize)
        #expect(error?.problem.spelled { "[\($0.rawValue)]" }.hasSuffix("of memory; choose a smaller [batchSize]") == true)
    }
}
