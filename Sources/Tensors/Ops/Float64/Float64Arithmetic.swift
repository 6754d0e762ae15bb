// float64 arithmetic: + - * / between tensors (with broadcasting and float32 → float64 promotion),
// with scalars, and `where`.

/// The float64 paths of the ops, which call them when an operand is float64 (see `Tensor.promotesToFloat64`).
enum Float64Ops {
    /// A binary op in float64: `f` forward; `gradients(g)` gives each input's gradient in the
    /// broadcast shape (nil where not needed), summed back to the input's shape and dtype here.
    static func binary(
        _ lhs: Tensor, _ rhs: Tensor, name: String, _ f: (Double, Double) -> Double,
        gradients: @escaping (Tensor) -> (Tensor?, Tensor?)
    ) -> Tensor {
        let out = DoubleKernels.zip(lhs, rhs, f)
        let (leftShape, rightShape, leftType, rightType) = (lhs.shape, rhs.shape, lhs.dtype, rhs.dtype)
        return Tensor.record(out, name: name, inputs: [lhs, rhs]) { g in
            let (dl, dr) = gradients(g)
            return [Tensor.gradient(dl?.sumTo(leftShape), as: leftType),
                    Tensor.gradient(dr?.sumTo(rightShape), as: rightType)]
        }
    }

    /// `lhs + rhs` (`AddBackward0`).
    static func add(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(lhs, rhs, name: "AddBackward0", +) { g in (g, g) }
    }

    /// `lhs - rhs` (`SubBackward0`).
    static func subtract(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(lhs, rhs, name: "SubBackward0", -) { g in (g, -g) }
    }

    /// `lhs * rhs` (`MulBackward0`).
    static func multiply(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        let (needL, needR) = (lhs.requiresGrad, rhs.requiresGrad)
        return binary(lhs, rhs, name: "MulBackward0", *) { g in
            (needL ? g * rhs : nil, needR ? g * lhs : nil)
        }
    }

    /// `lhs / rhs` (`DivBackward0`).
    static func divide(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        let (needL, needR) = (lhs.requiresGrad, rhs.requiresGrad)
        return binary(lhs, rhs, name: "DivBackward0", /) { g in
            // d(a/b)/da = 1/b; d(a/b)/db = -a/b²
            (needL ? g / rhs : nil, needR ? DoubleKernels.zip(g * lhs, rhs) { -$0 / ($1 * $1) } : nil)
        }
    }

    /// `-x` (`NegBackward0`).
    static func negate(_ x: Tensor) -> Tensor {
        Tensor.record(DoubleKernels.map(x) { -$0 }, name: "NegBackward0", inputs: [x]) { g in [-g] }
    }

    /// A tensor-with-scalar op in float64: `f` forward, the gradient `g · slope` (nil slope: `g` itself).
    static func scalar(_ x: Tensor, name: String, slope: Double?, _ f: (Double) -> Double) -> Tensor {
        Tensor.record(DoubleKernels.map(x, f), name: name, inputs: [x]) { g in
            [slope.map { s in DoubleKernels.map(g) { $0 * s } } ?? g]
        }
    }

    /// `c / x` (PyTorch records it as `MulBackward0` of a reciprocal).
    static func divide(_ c: Double, by x: Tensor) -> Tensor {
        let out = DoubleKernels.map(x) { c / $0 }
        return Tensor.record(out, name: "MulBackward0", inputs: [x]) { g in
            // d(c/x)/dx = -c/x² = -out/x
            [DoubleKernels.zip(g * out, x) { -$0 / $1 }]
        }
    }

    /// `where(mask, input, other)` in float64 (`WhereBackward0`).
    ///
    /// `input` where the 0/1 `mask` is nonzero, `other` elsewhere, all three broadcast; each
    /// gradient goes where its side was chosen.
    static func select(_ mask: Tensor, _ input: Tensor, _ other: Tensor) -> Tensor {
        let chosen = DoubleKernels.zip(
            DoubleKernels.zip(mask, input) { $0 != 0 ? $1 : 0 }, DoubleKernels.zip(mask, other) { $0 != 0 ? 0 : $1 }, +)
        let (inputShape, otherShape, inputType, otherType) = (input.shape, other.shape, input.dtype, other.dtype)
        return Tensor.record(chosen, name: "WhereBackward0", inputs: [input, other]) { g in
            [Tensor.gradient(DoubleKernels.zip(g, mask) { $1 != 0 ? $0 : 0 }.sumTo(inputShape), as: inputType),
             Tensor.gradient(DoubleKernels.zip(g, mask) { $1 != 0 ? 0 : $0 }.sumTo(otherShape), as: otherType)]
        }
    }
}
