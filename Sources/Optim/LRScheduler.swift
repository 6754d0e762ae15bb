#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Changes an optimizer's learning rate once per epoch, PyTorch's `lr_scheduler`.
///
/// Call `step()` after each epoch's optimizer steps, as in PyTorch.
public protocol LRScheduler: AnyObject {
    /// The optimizer whose `lr` is set.
    var optimizer: Optimizer { get }
    /// Epochs stepped so far (`last_epoch`).
    var lastEpoch: Int { get }
    /// Advances one epoch and sets the optimizer's learning rate.
    func step()
}

/// Multiplies the learning rate by `gamma` every `stepSize` epochs (`StepLR`).
public final class StepLR: LRScheduler {
    public let optimizer: Optimizer
    public let stepSize: Int
    public let gamma: Float
    public private(set) var lastEpoch = 0

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepLR step_size must be positive, got \(stepSize)")
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func step() {
        lastEpoch += 1
        if lastEpoch % stepSize == 0 { optimizer.lr *= gamma }
    }
}

/// Anneals the learning rate along a cosine from its initial value to `etaMin` over `tMax`
/// epochs (`CosineAnnealingLR`), using PyTorch's recursive form so that it composes with
/// learning-rate changes made in between.
public final class CosineAnnealingLR: LRScheduler {
    public let optimizer: Optimizer
    public let tMax: Int
    public let etaMin: Float
    /// The learning rate when the scheduler was created.
    public let baseLR: Float
    public private(set) var lastEpoch = 0

    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Float = 0) {
        precondition(tMax > 0, "CosineAnnealingLR T_max must be positive, got \(tMax)")
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        baseLR = optimizer.lr
    }

    public func step() {
        lastEpoch += 1
        let (e, t, lr, eta, base) = (Double(lastEpoch), Double(tMax), Double(optimizer.lr), Double(etaMin), Double(baseLR))
        let next: Double
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            next = lr + (base - eta) * (1 - cos(Double.pi / t)) / 2
        } else {
            next = (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t)) * (lr - eta) + eta
        }
        optimizer.lr = Float(next)
    }
}
