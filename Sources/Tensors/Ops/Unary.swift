import CVectorKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Differentiable elementwise functions of one tensor.

extension Tensor {
    /// Raises every element to a scalar power (`PowBackward0`).
    public func pow(_ exponent: Float) -> Tensor {
        if dtype == .float64 { return Float64Ops.pow(self, exponent.asWrittenDouble) }
        let out: Tensor
        switch exponent {
        case 2: out = Kernels.map(self) { $0 * $0 }
        case 3: out = Kernels.map(self) { $0 * $0 * $0 }
        default: out = Kernels.map(self) { powf($0, exponent) }
        }
        return Tensor.record(out, name: "PowBackward0", inputs: [self]) { g in
            if exponent == 0 { return [Tensor.zerosLike(g)] }
            let dx: Tensor
            switch exponent {
            case 1: dx = Kernels.map(self) { _ in 1 }
            case 2: dx = Kernels.map(self) { 2 * $0 }
            case 3: dx = Kernels.map(self) { 3 * $0 * $0 }
            default: dx = Kernels.map(self) { exponent * powf($0, exponent - 1) }
            }
            return [Kernels.zipSameShape(g, dx, *)]
        }
    }

    /// e raised to every element (`ExpBackward0`).
    public func exp() -> Tensor {
        if dtype == .float64 { return Float64Ops.exp(self) }
        let out = Kernels.map(self) { expf($0) }
        return Tensor.record(out, name: "ExpBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, out, *)]
        }
    }

    /// The natural logarithm of every element (`LogBackward0`).
    public func log() -> Tensor {
        if dtype == .float64 { return Float64Ops.log(self) }
        let out = Kernels.map(self) { logf($0) }
        return Tensor.record(out, name: "LogBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, self, /)]
        }
    }

    /// The square root of every element (`SqrtBackward0`).
    public func sqrt() -> Tensor {
        if dtype == .float64 { return Float64Ops.sqrt(self) }
        let out = Kernels.map(self) { $0.squareRoot() }
        return Tensor.record(out, name: "SqrtBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, out) { $0 / (2 * $1) }]
        }
    }

    /// The absolute value of every element (`AbsBackward0`); the gradient at 0 is 0.
    public func abs() -> Tensor {
        if dtype == .float64 { return Float64Ops.abs(self) }
        let out = Kernels.map(self) { Swift.abs($0) }
        return Tensor.record(out, name: "AbsBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, self) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]
        }
    }

    /// max(x, 0) for every element (`ReluBackward0`); the gradient at 0 is 0.
    public func relu() -> Tensor {
        if dtype == .float64 { return Float64Ops.rectifier(self, slope: 0) }
        // In C (CVectorKernels): AVX2 where the CPU has it; a select per element, no branch.
        let out = Kernels.elementwise(self) { x, y, range in
            tt_relu(x + range.lowerBound, y + range.lowerBound, range.count)
        }
        return Tensor.record(out, name: "ReluBackward0", inputs: [self]) { g in
            [Kernels.elementwise(g, out) { g, y, dx, range in
                tt_relu_backward(g + range.lowerBound, y + range.lowerBound, dx + range.lowerBound, range.count)
            }]
        }
    }

    /// x for positive elements, `negativeSlope`·x otherwise (`LeakyReluBackward0`).
    ///
    /// The gradient at 0 is `negativeSlope`, as in PyTorch.
    public func leakyRelu(_ negativeSlope: Float = 0.01) -> Tensor {
        if dtype == .float64 { return Float64Ops.rectifier(self, slope: negativeSlope.asWrittenDouble) }
        let out = Kernels.map(self) { $0 > 0 ? $0 : $0 * negativeSlope }
        return Tensor.record(out, name: "LeakyReluBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, self) { $1 > 0 ? $0 : $0 * negativeSlope }]
        }
    }

    /// 1 / (1 + e^-x) for every element (`SigmoidBackward0`).
    public func sigmoid() -> Tensor {
        if dtype == .float64 { return Float64Ops.sigmoid(self) }
        let out = Kernels.map(self) { x in
            // Stable for large |x|: never exponentiates a large positive number.
            x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
        }
        return Tensor.record(out, name: "SigmoidBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, out) { $0 * $1 * (1 - $1) }]
        }
    }

    /// The hyperbolic tangent of every element (`TanhBackward0`).
    public func tanh() -> Tensor {
        if dtype == .float64 { return Float64Ops.tanh(self) }
        let out = Kernels.map(self) { tanhf($0) }
        return Tensor.record(out, name: "TanhBackward0", inputs: [self]) { g in
            [Kernels.zipSameShape(g, out) { $0 * (1 - $1 * $1) }]
        }
    }

    /// Limits every element to `[min, max]` (`ClampBackward1`, `ClampMinBackward0`, `ClampMaxBackward0`).
    ///
    /// The gradient passes only where the element lies strictly inside the bounds,
    /// so `clamp(min: 0)` has gradient 0 at 0, like `relu`.
    public func clamp(min lower: Float? = nil, max upper: Float? = nil) -> Tensor {
        usageCheck(lower != nil || upper != nil, "torch.clamp: At least one of 'min' or 'max' must not be None")
        let lo = lower ?? -.infinity
        let hi = upper ?? .infinity
        let out = Kernels.map(self) { Swift.min(Swift.max($0, lo), hi) }
        let name = lower == nil ? "ClampMaxBackward0" : (upper == nil ? "ClampMinBackward0" : "ClampBackward1")
        if dtype == .float64 {
            return Float64Ops.clamp(
                self, lower: lower?.asWrittenDouble ?? -.infinity, upper: upper?.asWrittenDouble ?? .infinity, name: name)
        }
        return Tensor.record(out, name: name, inputs: [self]) { g in
            [Kernels.zipSameShape(g, self) { $1 > lo && $1 < hi ? $0 : 0 }]
        }
    }
}
