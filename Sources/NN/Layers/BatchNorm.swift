import Tensors

/// What `BatchNorm1d` and `BatchNorm2d` share, PyTorch's `_BatchNorm`: per-channel
/// normalisation with batch statistics in training and running estimates in evaluation.
///
/// State-dict entries use PyTorch's names: `weight`, `bias` (with `affine`), then the buffers
/// `running_mean`, `running_var` and the int64 `num_batches_tracked` (with `trackRunningStats`).
public class BatchNormBase: Module {
    /// The number of channels C.
    public let numFeatures: Int
    /// Added to the variance before the square root.
    public let eps: Double
    /// The weight of each new batch in the running estimates, or nil for a cumulative average.
    public let momentum: Double?
    /// Whether the layer has a learnable per-channel weight (and bias).
    public let affine: Bool
    /// Whether running estimates are kept (and used outside training).
    public let trackRunningStats: Bool
    /// The [C] scale γ, initialised to 1; nil without `affine`.
    @OptionalParameter public var weight: Tensor?
    /// The [C] shift β, initialised to 0; nil without `affine` or with `bias: false`.
    @OptionalParameter public var bias: Tensor?
    /// The [C] running mean, initialised to 0; nil without `trackRunningStats`.
    @OptionalBuffer public var running_mean: Tensor?
    /// The [C] running (unbiased) variance, initialised to 1; nil without `trackRunningStats`.
    @OptionalBuffer public var running_var: Tensor?
    /// The number of training batches seen, a 0-d int64 tensor; nil without `trackRunningStats`.
    @OptionalBuffer public var num_batches_tracked: Tensor?

    /// Creates the layer with PyTorch's defaults and initial values.
    init(features numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool, bias: Bool) {
        precondition(numFeatures > 0, "\(Self.self) needs a positive number of features, got \(numFeatures)")
        precondition(eps >= 0, "\(Self.self) needs eps >= 0, got \(eps)")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        weight = affine ? Tensor.ones([numFeatures]) : nil
        self.bias = affine && bias ? Tensor.zeros([numFeatures]) : nil
        if trackRunningStats {
            running_mean = Tensor.zeros([numFeatures])
            running_var = Tensor.ones([numFeatures])
            num_batches_tracked = Tensor(shape: [], int64Scalars: [0])
        }
        super.init()
    }

    /// The input ranks the layer accepts and PyTorch's wording of them ("4D", "2D or 3D").
    var acceptedRanks: (ranks: Set<Int>, text: String) { preconditionFailure("\(typeName) must override acceptedRanks") }

    /// Resets the running estimates to mean 0, variance 1 and no batches (`reset_running_stats`).
    public func resetRunningStats() {
        running_mean?.zero_()
        running_var?.fill_(1)
        num_batches_tracked?.zero_()
    }

    /// Resets the running estimates and sets the weight to 1 and the bias to 0 (`reset_parameters`).
    public func resetParameters() {
        resetRunningStats()
        noGrad {
            weight?.fill_(1)
            bias?.zero_()
        }
    }

    /// Throws PyTorch's error for an input this layer cannot normalise (wrong rank or channel count).
    public func check(_ input: Tensor) throws {
        if let problem = Self.inputProblem(input.shape, features: numFeatures, accepted: acceptedRanks) { throw TensorError(problem) }
    }

    /// PyTorch's message for an input of `shape` that a layer of `features` channels accepting
    /// `accepted` ranks cannot normalise, or nil if it can.
    static func inputProblem(_ shape: [Int], features: Int, accepted: (ranks: Set<Int>, text: String)) -> String? {
        guard accepted.ranks.contains(shape.count) else { return "expected \(accepted.text) input (got \(shape.count)D input)" }
        guard shape[1] == features else { return "running_mean should contain \(shape[1]) elements not \(features)" }
        return nil
    }

    /// Normalises `input`, updating the running estimates and `num_batches_tracked` in training.
    ///
    /// Traps with PyTorch's message for a wrong rank or channel count (see `check`), or for
    /// a training batch with one value per channel.
    public override func forward(_ input: Tensor) -> Tensor {
        do {
            try check(input)
            var factor = momentum ?? 0
            if isTraining, trackRunningStats, let tracked = num_batches_tracked {
                let count = tracked.intItem() + 1
                tracked.copy_(Tensor(shape: [], int64Scalars: [Int64(count)]))
                factor = momentum ?? 1 / Double(count)
            }
            return try Tensor.batchNorm(
                input, runningMean: running_mean, runningVar: running_var, weight: weight, bias: bias,
                training: isTraining || running_mean == nil, momentum: factor, eps: eps)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    public override func extraDescription() -> String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(pythonBool(affine)), "
            + "bias=\(pythonBool(bias != nil)), track_running_stats=\(pythonBool(trackRunningStats))"
    }
}

/// Batch normalisation of (N, C) or (N, C, L) inputs over N (and L), PyTorch's `nn.BatchNorm1d`.
public final class BatchNorm1d: BatchNormBase {
    /// Creates the layer for `numFeatures` channels with PyTorch's defaults.
    ///
    /// `momentum: nil` keeps a cumulative average; `bias: false` (with `affine`) drops the shift.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true) {
        super.init(features: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, bias: bias)
    }

    override var acceptedRanks: (ranks: Set<Int>, text: String) { Self.inputRanks }
    /// The input ranks the layer takes, in PyTorch's words.
    static let inputRanks: (ranks: Set<Int>, text: String) = ([2, 3], "2D or 3D")
}

/// Batch normalisation of (N, C, H, W) inputs over N, H and W, PyTorch's `nn.BatchNorm2d`.
public final class BatchNorm2d: BatchNormBase {
    /// Creates the layer for `numFeatures` channels with PyTorch's defaults.
    ///
    /// `momentum: nil` keeps a cumulative average; `bias: false` (with `affine`) drops the shift.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, bias: Bool = true) {
        super.init(features: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, bias: bias)
    }

    override var acceptedRanks: (ranks: Set<Int>, text: String) { Self.inputRanks }
    /// The input ranks the layer takes, in PyTorch's words.
    static let inputRanks: (ranks: Set<Int>, text: String) = ([4], "4D")
}
