import Datasets
import Foundation
import NN
import Telemetry

/// A model architecture: one of the presets or any MLP.
public enum ModelPreset: Sendable, Equatable, CustomStringConvertible {
    /// Flatten → Linear(784, 10): the notebook's SoftMaxNet.
    case softmax
    /// Flatten → Linear(784, 256) → ReLU → Linear(256, 10): the notebook's second net.
    case mlp
    /// Flatten → Linear(784, 256) → ReLU → Linear(256, 128) → ReLU → Linear(128, 10).
    case mlp2
    /// Two Conv2d(5×5) → BatchNorm2d → ReLU → MaxPool2d(2) blocks of 16 and 32 channels, then
    /// Flatten → Linear(1568, 10): a small CNN past 0.91 test accuracy in 10 epochs.
    case cnn
    /// LeNet-5 with ReLU and max pooling: Conv2d(1, 6, 5, padding 2) and Conv2d(6, 16, 5), each
    /// followed by ReLU and MaxPool2d(2), then Linear 400 → 120 → 84 → 10 with ReLU between.
    case lenet
    /// Flatten → Linear layers of these widths with `activation` between them.
    case layers([Int], Activation)

    /// The preset names the CLI accepts.
    public static let names = ["softmax", "mlp", "mlp2", "cnn", "lenet"]

    public init(name: String) throws(TrainingSettingError) {
        switch name {
        case "softmax": self = .softmax
        case "mlp": self = .mlp
        case "mlp2": self = .mlp2
        case "cnn": self = .cnn
        case "lenet": self = .lenet
        default:
            throw TrainingSettingError(.model, "unknown model '\(name)'; choose one of: \(Self.names.joined(separator: ", ")) (or \(setting: .layers))")
        }
    }

    /// Any MLP from comma-separated widths such as `784,512,256,10` (checked by `validate()`).
    ///
    /// An empty piece (`784,,10`, a trailing comma) is refused, not dropped: it is more likely
    /// a width left out than a wish for one layer fewer.
    public init(layers text: String, activation: Activation) throws(TrainingSettingError) {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if let empty = pieces.firstIndex(where: \.isEmpty) {
            throw TrainingSettingError(.layers, "expected comma-separated widths like 784,512,256,10, got '\(text)', whose width \(empty + 1) is empty")
        }
        let widths = pieces.map { Int($0) }
        guard widths.allSatisfy({ $0 != nil }) else {
            throw TrainingSettingError(.layers, "expected comma-separated widths like 784,512,256,10, got '\(text)'")
        }
        self = .layers(widths.map { $0! }, activation)
    }

    /// Throws a `TrainingSettingError` of `layers` unless the widths make a Fashion-MNIST
    /// classifier: 784 inputs (28×28 pixels), 10 outputs (classes), every width at least 1.
    ///
    /// Whether the model fits in memory depends on what is done with it: `TrainingConfig.validate()`
    /// checks a training run (`MemoryEstimate(_:trainImages:)`), `tensortop eval` one batch
    /// (`MemoryEstimate(running:forInput:)`).
    public func validate() throws(TrainingSettingError) {
        if isConvolutional { return }
        guard widths.count >= 2, widths.first == 784, widths.last == 10, widths.allSatisfy({ $0 > 0 }) else {
            throw TrainingSettingError(.layers, "must start with 784 (28×28 pixels) and end with 10 (classes), e.g. 784,512,256,10; got \(widths.map(String.init).joined(separator: ","))")
        }
    }

    /// The layer widths of an MLP, input first; empty for the convolutional presets.
    public var widths: [Int] {
        switch self {
        case .softmax: [784, 10]
        case .mlp: [784, 256, 10]
        case .mlp2: [784, 256, 128, 10]
        case .layers(let widths, _): widths
        case .cnn, .lenet: []
        }
    }

    /// Whether the model has convolutions (and takes its images as [N, 1, 28, 28]).
    public var isConvolutional: Bool {
        switch self {
        case .cnn, .lenet: true
        case .softmax, .mlp, .mlp2, .layers: false
        }
    }

    public var activation: Activation {
        if case .layers(_, let activation) = self { return activation }
        return .relu
    }

    /// The module tree: the convolutional presets' layers, or Flatten then Linear layers with
    /// the activation between them.
    public var spec: ModuleSpec {
        switch self {
        case .cnn:
            return .sequential([
                .convolution(1, 16, kernel: 5, padding: 2), .batchNorm2d(settings: BatchNormSettings(numFeatures: 16)), .relu, .maxPooling(2),
                .convolution(16, 32, kernel: 5, padding: 2), .batchNorm2d(settings: BatchNormSettings(numFeatures: 32)), .relu, .maxPooling(2),
                .flatten(startDim: 1, endDim: -1), .linear(inFeatures: 1568, outFeatures: 10, bias: true),
            ])
        case .lenet:
            return .sequential([
                .convolution(1, 6, kernel: 5, padding: 2), .relu, .maxPooling(2),
                .convolution(6, 16, kernel: 5), .relu, .maxPooling(2),
                .flatten(startDim: 1, endDim: -1),
                .linear(inFeatures: 400, outFeatures: 120, bias: true), .relu,
                .linear(inFeatures: 120, outFeatures: 84, bias: true), .relu,
                .linear(inFeatures: 84, outFeatures: 10, bias: true),
            ])
        case .softmax, .mlp, .mlp2, .layers:
            break
        }
        var layers: [ModuleSpec] = [.flatten(startDim: 1, endDim: -1)]
        for (i, pair) in zip(widths, widths.dropFirst()).enumerated() {
            if i > 0 { layers.append(activation.spec) }
            layers.append(.linear(inFeatures: pair.0, outFeatures: pair.1, bias: true))
        }
        return .sequential(layers)
    }

    public var description: String {
        switch self {
        case .softmax: "softmax (784→10)"
        case .mlp: "mlp (784→256→10)"
        case .mlp2: "mlp2 (784→256→128→10)"
        case .cnn: "cnn (2×[conv5×5, BatchNorm, ReLU, max-pool] 16→32 ch → 10)"
        case .lenet: "lenet (LeNet-5: conv 6, conv 16, 120→84→10, ReLU)"
        case .layers(let widths, let activation): "mlp " + widths.map(String.init).joined(separator: "→") + " (\(activation.rawValue))"
        }
    }
}

/// The nonlinearity between Linear layers.
public enum Activation: String, Sendable, CaseIterable {
    case relu, tanh, sigmoid
    case leakyRelu = "leaky-relu"

    public init(name: String) throws(TrainingSettingError) {
        guard let value = Activation(rawValue: name) else {
            throw TrainingSettingError(.activation, "unknown activation '\(name)'; choose one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }

    var spec: ModuleSpec {
        switch self {
        case .relu: .relu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .leakyRelu: .leakyRelu(negativeSlope: 0.01)
        }
    }
}

/// The optimizer family.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam, adamw

    public init(name: String) throws(TrainingSettingError) {
        guard let value = OptimizerKind(rawValue: name.lowercased()) else {
            throw TrainingSettingError(.optimizer, "unknown optimizer '\(name)'; choose one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}

/// The learning rates the trainer accepts: 0, or a Float that stays finite and non-zero
/// however often it is doubled or halved from the keyboard (each press is clamped here).
public enum LearningRateRange {
    public static let smallest = 1e-12
    public static let largest = 1e38

    /// `value` brought into [smallest, largest], keeping 0 as 0 (a non-negative, non-NaN `value`).
    public static func clamp(_ value: Double) -> Double {
        value == 0 ? 0 : Swift.min(Swift.max(value, smallest), largest)
    }
}

/// Everything a training run needs, checked before it starts.
public struct TrainingConfig: Sendable {
    public var model: ModelPreset = .mlp
    public var epochs = 10
    public var batchSize = 128
    public var optimizer: OptimizerKind = .adam
    public var learningRate = 0.001
    public var momentum = 0.0
    public var nesterov = false
    public var weightDecay = 0.0
    /// The initialisation applied at the start and at every reset (nil: PyTorch's default for Linear).
    public var initMethod: InitMethod?
    public var seed: UInt64 = 0
    /// The data folder (nil: the usual places).
    public var dataRoot: String?
    /// Threads a training step uses (`setComputeThreads` on the trainer's thread: the trainer and
    /// `threads − 1` helpers sharing each op). 1 by default; 2 is faster on an idle 2-core
    /// machine and, since a helper kept off its core takes no work, never far slower.
    public var threads = 1
    /// Run every matrix product and `orthogonal_` in a fixed order (`useDeterministicAlgorithms`), so
    /// the same settings give the same numbers on any CPU, thread count and build; slower than BLAS.
    public var deterministic = false
    /// Data-loader worker threads; nil chooses: one while training uses one thread (the batch is
    /// made on the other core meanwhile), none with more (the batch is made between steps, so
    /// it never takes a core from the step's own threads).
    public var dataWorkers: Int?

    /// The data-loader worker threads the run uses (`dataWorkers`, or the automatic choice).
    public var effectiveDataWorkers: Int { dataWorkers ?? (threads > 1 ? 0 : 1) }
    /// Use only the first N training / test images (nil: all).
    public var trainLimit: Int?
    public var testLimit: Int?
    /// Seconds between periodic snapshots; nil publishes only at epoch ends and on request.
    public var snapshotInterval: Double? = 0.1
    /// Images in the batch preview.
    public var previewCount = 16
    /// Keep the thread alive (waiting for commands) after the last epoch, as the dashboard wants.
    public var keepAliveWhenFinished = false
    /// Start paused (the first step waits for resume or step).
    public var startPaused = false
    /// Steps happen only through `step` and `advance` commands, never by running freely, so
    /// a scripted session is the same on a slow or a fast machine.
    public var manualStepping = false
    /// Where `save` writes by default.
    public var checkpointFolder = "checkpoints"

    public init() {}

    /// Throws a `TrainingSettingError` for the first impossible setting, or an `InitMethodError`
    /// for an initialisation the model cannot take; neither names a front end's flag or key.
    public func validate() throws {
        guard epochs > 0 else { throw TrainingSettingError(.epochs, "must be at least 1, got \(epochs)") }
        guard batchSize > 0 else { throw TrainingSettingError(.batchSize, "must be at least 1, got \(batchSize)") }
        guard learningRate >= 0, learningRate.isFinite else {
            throw TrainingSettingError(.learningRate, "must be a non-negative number, got \(learningRate)")
        }
        guard learningRate == LearningRateRange.clamp(learningRate) else {
            throw TrainingSettingError(.learningRate, "must be 0 or between \(LearningRateRange.smallest) and \(LearningRateRange.largest), got \(learningRate)")
        }
        guard momentum >= 0, momentum < 1 else { throw TrainingSettingError(.momentum, "must be in [0, 1), got \(momentum)") }
        guard momentum == 0 || optimizer == .sgd else {
            throw TrainingSettingError(.momentum, """
                applies only to \(setting: .optimizer) sgd (\(optimizer.rawValue) keeps its own moments), \
                got \(setting: .momentum) \(momentum) with \(setting: .optimizer) \(optimizer.rawValue)
                """)
        }
        guard weightDecay >= 0 else { throw TrainingSettingError(.weightDecay, "must be non-negative, got \(weightDecay)") }
        guard !nesterov || (optimizer == .sgd && momentum > 0) else {
            throw TrainingSettingError(.nesterov, "needs \(setting: .optimizer) sgd with a \(setting: .momentum) above 0")
        }
        guard (1...64).contains(threads) else { throw TrainingSettingError(.threads, "must be between 1 and 64, got \(threads)") }
        if let dataWorkers, !(0...16).contains(dataWorkers) {
            throw TrainingSettingError(.dataWorkers, "must be between 0 and 16, got \(dataWorkers)")
        }
        try model.validate()
        if let limit = trainLimit, limit < 1 { throw TrainingSettingError(.trainLimit, "must be at least 1, got \(limit)") }
        if let limit = testLimit, limit < 1 { throw TrainingSettingError(.testLimit, "must be at least 1, got \(limit)") }
        try checkMemory()
        if let initMethod {
            if let problem = initMethod.argumentProblem { throw InitMethodError.impossibleArguments(method: initMethod.name, problem: problem) }
            // Every model here is Linear layers: 2-D weights.
            if let problem = initMethod.rankProblem(weightRank: 2) { throw InitMethodError.unfitWeights(problem) }
        }
    }
}
