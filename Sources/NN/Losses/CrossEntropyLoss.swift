import Tensors

/// PyTorch's `nn.CrossEntropyLoss`: log-softmax and negative log-likelihood, fused.
///
/// Targets are class indices (int64, shape [N]) or class probabilities (float, shape [N, C]).
/// With indices, `weight` rescales classes, `ignoreIndex` drops rows, and `.mean` divides by
/// the summed weights of the kept targets; with probabilities `.mean` divides by N.
/// `labelSmoothing` mixes the target with the uniform distribution.
public struct CrossEntropyLoss: Loss {
    /// Per-class weights ([C]), or nil for all ones.
    public var weight: Tensor?
    /// A target value whose rows contribute nothing (class-index targets only).
    public var ignoreIndex: Int
    public var reduction: Reduction
    /// ε in [0, 1]: the target becomes (1 − ε)·target + ε/C.
    public var labelSmoothing: Float

    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Float = 0) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        if target.dtype.isFloatingPoint {
            return Tensor.crossEntropy(input, probabilities: target, weight: weight, labelSmoothing: labelSmoothing, reduction: reduction)
        }
        return Tensor.crossEntropy(input, target, weight: weight, ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing, reduction: reduction)
    }

    public var description: String { "CrossEntropyLoss()" }
}

/// PyTorch's `nn.NLLLoss` on log-probabilities (e.g. the output of `logSoftmax`).
public struct NLLLoss: Loss {
    public var weight: Tensor?
    public var ignoreIndex: Int
    public var reduction: Reduction

    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Tensor.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }

    public var description: String { "NLLLoss()" }
}
