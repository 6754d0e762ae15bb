import Foundation

// float64 elementwise functions of one tensor, with PyTorch's gradients (and conventions at kinks).

extension Float64Ops {
    /// An elementwise function in float64: `f` forward, the gradient `g · derivative(x, y)`
    /// from the input `x` and the output `y`.
    static func unary(
        _ x: Tensor, name: String, _ f: (Double) -> Double,
        derivative: @escaping (_ x: Double, _ y: Double) -> Double
    ) -> Tensor {
        let out = DoubleKernels.map(x, f)
        return Tensor.record(out, name: name, inputs: [x]) { g in
            let slopes = DoubleKernels.zip(x, out, derivative)
            return [DoubleKernels.zip(g, slopes, *)]
        }
    }

    /// `x ** exponent` (`PowBackward0`); the gradient of `x ** 0` is 0.
    static func pow(_ x: Tensor, _ exponent: Double) -> Tensor {
        unary(x, name: "PowBackward0", { Foundation.pow($0, exponent) }) { x, _ in
            exponent == 0 ? 0 : exponent * Foundation.pow(x, exponent - 1)
        }
    }

    /// e to the `x` (`ExpBackward0`).
    static func exp(_ x: Tensor) -> Tensor {
        unary(x, name: "ExpBackward0", Foundation.exp) { _, y in y }
    }

    /// The natural logarithm (`LogBackward0`).
    static func log(_ x: Tensor) -> Tensor {
        unary(x, name: "LogBackward0", Foundation.log) { x, _ in 1 / x }
    }

    /// The square root (`SqrtBackward0`); the gradient at 0 is inf.
    static func sqrt(_ x: Tensor) -> Tensor {
        unary(x, name: "SqrtBackward0", { $0.squareRoot() }) { _, y in 1 / (2 * y) }
    }

    /// The absolute value (`AbsBackward0`); the gradient at 0 is 0.
    static func abs(_ x: Tensor) -> Tensor {
        unary(x, name: "AbsBackward0", Swift.abs) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
    }

    /// `x` for positive elements, `slope · x` otherwise (`ReluBackward0` for slope 0, else
    /// `LeakyReluBackward0`). ReLU's gradient at 0 is 0; leaky ReLU's is `slope`, as in PyTorch.
    static func rectifier(_ x: Tensor, slope: Double) -> Tensor {
        if slope == 0 {
            return unary(x, name: "ReluBackward0", { $0 > 0 ? $0 : 0 }) { _, y in y > 0 ? 1 : 0 }
        }
        return unary(x, name: "LeakyReluBackward0", { $0 > 0 ? $0 : $0 * slope }) { x, _ in x > 0 ? 1 : slope }
    }

    /// 1 / (1 + e^-x) (`SigmoidBackward0`), never exponentiating a large positive number.
    static func sigmoid(_ x: Tensor) -> Tensor {
        unary(x, name: "SigmoidBackward0", { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }) { _, y in
            y * (1 - y)
        }
    }

    /// The hyperbolic tangent (`TanhBackward0`).
    static func tanh(_ x: Tensor) -> Tensor {
        unary(x, name: "TanhBackward0", Foundation.tanh) { _, y in 1 - y * y }
    }

    /// `x` limited to `[lower, upper]`; the gradient passes only strictly inside the bounds.
    static func clamp(_ x: Tensor, lower: Double, upper: Double, name: String) -> Tensor {
        unary(x, name: name, { Swift.min(Swift.max($0, lower), upper) }) { x, _ in x > lower && x < upper ? 1 : 0 }
    }
}
