import Tensors

/// A loss function object, called as `loss(input, target)` like PyTorch's loss modules.
public protocol Loss: CustomStringConvertible {
    /// How per-element losses are combined.
    var reduction: Reduction { get }
    /// The loss of `input` against `target`.
    func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor
}

extension Reduction {
    /// Applies the reduction to per-element losses.
    func apply(_ losses: Tensor) -> Tensor {
        switch self {
        case .none: return losses
        case .mean: return losses.mean()
        case .sum: return losses.sum()
        }
    }
}
