import Foundation
import NN

/// The least memory a training run, or running a model, needs, worked out before anything
/// is allocated, so what cannot fit is refused up front with the figure instead of failing
/// (or being killed) mid-allocation.
///
/// Counts 4-byte floats. Training: each parameter with its gradient, the trainer's backup
/// copy and the optimizer's state (Adam: two moments; SGD with momentum: one buffer), and a
/// batch: its pixels (plus the loader's prefetched batches) and every layer's output and
/// gradient. Running: the parameters, and a layer's input and output for a batch.
/// Sums saturate at `Int.max` rather than overflow.
public struct MemoryEstimate: Sendable, Equatable {
    /// Parameters (with, for training, gradients, backups and optimizer state).
    public let modelBytes: Int
    /// One batch: inputs (with, for training, prefetched inputs), activations (and their gradients).
    public let batchBytes: Int

    /// The sum of both.
    public var totalBytes: Int { Self.add(modelBytes, batchBytes) }

    /// The estimate for `config` training on `trainImages` images (a batch never holds more).
    public init(_ config: TrainingConfig, trainImages: Int) {
        let spec = config.model.spec
        let parameters = spec.parameterCount ?? Int.max
        let optimizerCopies = switch config.optimizer {
        case .adam, .adamw: 2
        case .sgd: config.momentum > 0 ? 1 : 0
        }
        // The parameter, its gradient, the trainer's last-finite backup, and the optimizer's state.
        modelBytes = Self.multiply(parameters, (3 + optimizerCopies) * 4)
        let images = Swift.min(config.batchSize, Swift.max(trainImages, 1))
        let pixels = 784
        let prefetched = Swift.max(config.effectiveDataWorkers, 1) * 2
        // Each layer's output and its gradient (views such as Flatten cost nothing).
        let activations = (try? spec.activationCount(forInput: [1, 1, 28, 28])) ?? Int.max
        let perImage = Self.add(Self.multiply(pixels, 1 + prefetched), Self.multiply(activations, 2))
        batchBytes = Self.multiply(Self.multiply(images, perImage), 4)
    }

    /// The estimate for running `spec` without gradients (as `eval` and `predict` do) on a
    /// batch of `shape`: its weights, and a layer's input and output alive at once, both
    /// counted as the largest tensor the batch passes through.
    /// - Throws: `ModuleSpecError` when a layer cannot take what the one before it produces.
    public init(running spec: ModuleSpec, forInput shape: [Int]) throws {
        let peak = try spec.peakActivationCount(forInput: shape)
        modelBytes = Self.multiply(spec.parameterCount ?? Int.max, 4)
        batchBytes = Self.multiply(peak, 2 * 4)
    }

    private static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    private static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }
}

extension TrainingConfig {
    /// Throws a `TrainingSettingError` naming the setting to change when the run cannot fit in `memory` bytes.
    func checkMemory(available memory: Int = PhysicalMemory.bytes) throws(TrainingSettingError) {
        let estimate = MemoryEstimate(self, trainImages: trainLimit ?? FashionMNISTSize.trainImages)
        guard estimate.totalBytes > memory else { return }
        let modelIsLarger = estimate.modelBytes >= estimate.batchBytes
        let images = Swift.min(batchSize, trainLimit ?? FashionMNISTSize.trainImages)
        let advice: SettingText = modelIsLarger ? "narrower layers" : "a smaller \(setting: .batchSize)"
        throw TrainingSettingError(modelIsLarger ? .layers : .batchSize, """
            training this needs at least \(PhysicalMemory.describe(estimate.totalBytes)) \
            (model, gradients and optimizer state \(PhysicalMemory.describe(estimate.modelBytes)); \
            a batch of \(images) images \(PhysicalMemory.describe(estimate.batchBytes))) \
            but this machine has \(PhysicalMemory.describe(memory)) of memory; choose \(advice)
            """)
    }
}

/// Fashion-MNIST's split sizes, for estimates made before the files are read.
enum FashionMNISTSize {
    static let trainImages = 60_000
}
