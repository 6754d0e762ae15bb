import Tensors

/// max(x, 0), PyTorch's `nn.ReLU`.
public final class ReLU: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

/// x for x > 0, `negativeSlope`·x otherwise, PyTorch's `nn.LeakyReLU`.
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Float
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor { input.leakyRelu(negativeSlope) }
    public override func extraDescription() -> String { "negative_slope=\(pythonFloat(negativeSlope))" }
}

/// The hyperbolic tangent, PyTorch's `nn.Tanh`.
public final class Tanh: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// The logistic function, PyTorch's `nn.Sigmoid`.
public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Softmax along `dim`, PyTorch's `nn.Softmax`.
public final class Softmax: Module {
    /// The dimension that sums to 1.
    public let dim: Int
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }
    public override func forward(_ input: Tensor) -> Tensor {
        do {
            return try input.softmax(dim: dim)
        } catch {
            preconditionFailure("Softmax(dim=\(dim)) on input of shape \(input.shape): \(error)")
        }
    }
    public override func extraDescription() -> String { "dim=\(dim)" }
}

/// Passes its input through unchanged, PyTorch's `nn.Identity`.
public final class Identity: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Python's `repr` of a float: the shortest digits that round-trip, at least one decimal (`0.01`, `1.0`).
func pythonFloat(_ value: Float) -> String { "\(value)" }
