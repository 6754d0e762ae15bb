import Tensors

/// PyTorch's `nn.MSELoss`: (input − target)², reduced.
public struct MSELoss: Loss {
    public var reduction: Reduction
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        reduction.apply((input - target).pow(2))
    }
    public var description: String { "MSELoss()" }
}

/// PyTorch's `nn.L1Loss`: |input − target|, reduced.
public struct L1Loss: Loss {
    public var reduction: Reduction
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        reduction.apply((input - target).abs())
    }
    public var description: String { "L1Loss()" }
}

/// PyTorch's `nn.BCEWithLogitsLoss`: binary cross-entropy on raw scores, computed stably.
///
/// loss = (1 − y)·x + (1 + (pw − 1)·y)·(log(1 + e^−|x|) + max(−x, 0)), times `weight`,
/// where pw is `posWeight` (1 when nil).
public struct BCEWithLogitsLoss: Loss {
    /// A rescaling weight broadcast over the elements.
    public var weight: Tensor?
    /// A weight for positive examples, broadcast over the classes.
    public var posWeight: Tensor?
    public var reduction: Reduction

    public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
    }

    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        precondition(input.shape == target.shape, "Target size (\(target.shape)) must be the same as input size (\(input.shape))")
        let softplusOfNegative = ((-input.abs()).exp() + 1).log() + (-input).relu()
        var losses: Tensor
        if let posWeight {
            losses = (1 - target) * input + (1 + (posWeight - 1) * target) * softplusOfNegative
        } else {
            losses = (1 - target) * input + softplusOfNegative
        }
        if let weight { losses = losses * weight }
        return reduction.apply(losses)
    }

    public var description: String { "BCEWithLogitsLoss()" }
}
