// Differentiable arithmetic: + - * / between tensors (with broadcasting) and with scalars.

extension Tensor {
    /// Elementwise sum with broadcasting (`AddBackward0`).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        if promotesToFloat64(lhs, rhs) { return Float64Ops.add(lhs, rhs) }
        let out = Kernels.zip(lhs, rhs, +)
        let (ls, rs) = (lhs.shape, rhs.shape)
        return record(out, name: "AddBackward0", inputs: [lhs, rhs]) { g in
            [g.sumTo(ls), g.sumTo(rs)]
        }
    }

    /// Elementwise difference with broadcasting (`SubBackward0`).
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        if promotesToFloat64(lhs, rhs) { return Float64Ops.subtract(lhs, rhs) }
        let out = Kernels.zip(lhs, rhs, -)
        let (ls, rs) = (lhs.shape, rhs.shape)
        return record(out, name: "SubBackward0", inputs: [lhs, rhs]) { g in
            [g.sumTo(ls), Kernels.map(g.sumTo(rs)) { -$0 }]
        }
    }

    /// Elementwise product with broadcasting (`MulBackward0`).
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        if promotesToFloat64(lhs, rhs) { return Float64Ops.multiply(lhs, rhs) }
        let out = Kernels.zip(lhs, rhs, *)
        let (needL, needR) = (lhs.requiresGrad, rhs.requiresGrad)
        return record(out, name: "MulBackward0", inputs: [lhs, rhs]) { g in
            [needL ? Kernels.zip(g, rhs, *).sumTo(lhs.shape) : nil,
             needR ? Kernels.zip(g, lhs, *).sumTo(rhs.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting (`DivBackward0`).
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        if promotesToFloat64(lhs, rhs) { return Float64Ops.divide(lhs, rhs) }
        let out = Kernels.zip(lhs, rhs, /)
        let (needL, needR) = (lhs.requiresGrad, rhs.requiresGrad)
        return record(out, name: "DivBackward0", inputs: [lhs, rhs]) { g in
            // d(a/b)/da = 1/b; d(a/b)/db = -a/b² = -out/b
            [needL ? Kernels.zip(g, rhs, /).sumTo(lhs.shape) : nil,
             needR ? Kernels.zip(Kernels.zip(g, out, *), rhs) { -$0 / $1 }.sumTo(rhs.shape) : nil]
        }
    }

    /// Negation (`NegBackward0`).
    public static prefix func - (x: Tensor) -> Tensor {
        if x.dtype == .float64 { return Float64Ops.negate(x) }
        return record(Kernels.map(x) { -$0 }, name: "NegBackward0", inputs: [x]) { g in
            [Kernels.map(g) { -$0 }]
        }
    }

    // MARK: With scalars

    /// Adds a scalar to every element (`AddBackward0`).
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        if lhs.dtype == .float64 {
            let c = rhs.asWrittenDouble
            return Float64Ops.scalar(lhs, name: "AddBackward0", slope: nil) { $0 + c }
        }
        return record(Kernels.map(lhs) { $0 + rhs }, name: "AddBackward0", inputs: [lhs]) { g in [g] }
    }

    /// Adds a scalar to every element (`AddBackward0`).
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }

    /// Subtracts a scalar from every element (`SubBackward0`).
    public static func - (lhs: Tensor, rhs: Float) -> Tensor {
        if lhs.dtype == .float64 {
            let c = rhs.asWrittenDouble
            return Float64Ops.scalar(lhs, name: "SubBackward0", slope: nil) { $0 - c }
        }
        return record(Kernels.map(lhs) { $0 - rhs }, name: "SubBackward0", inputs: [lhs]) { g in [g] }
    }

    /// Subtracts every element from a scalar (`RsubBackward1`).
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        if rhs.dtype == .float64 {
            let c = lhs.asWrittenDouble
            return Float64Ops.scalar(rhs, name: "RsubBackward1", slope: -1) { c - $0 }
        }
        return record(Kernels.map(rhs) { lhs - $0 }, name: "RsubBackward1", inputs: [rhs]) { g in
            [Kernels.map(g) { -$0 }]
        }
    }

    /// Multiplies every element by a scalar (`MulBackward0`).
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        if lhs.dtype == .float64 {
            let c = rhs.asWrittenDouble
            return Float64Ops.scalar(lhs, name: "MulBackward0", slope: c) { $0 * c }
        }
        return record(Kernels.map(lhs) { $0 * rhs }, name: "MulBackward0", inputs: [lhs]) { g in
            [Kernels.map(g) { $0 * rhs }]
        }
    }

    /// Multiplies every element by a scalar (`MulBackward0`).
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    /// Divides every element by a scalar (`DivBackward0`).
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        if lhs.dtype == .float64 {
            let c = rhs.asWrittenDouble
            return Float64Ops.scalar(lhs, name: "DivBackward0", slope: 1 / c) { $0 / c }
        }
        return record(Kernels.map(lhs) { $0 / rhs }, name: "DivBackward0", inputs: [lhs]) { g in
            [Kernels.map(g) { $0 / rhs }]
        }
    }

    /// Divides a scalar by every element (PyTorch records it as `MulBackward0` of a reciprocal).
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        if rhs.dtype == .float64 { return Float64Ops.divide(lhs.asWrittenDouble, by: rhs) }
        let out = Kernels.map(rhs) { lhs / $0 }
        return record(out, name: "MulBackward0", inputs: [rhs]) { g in
            // d(c/x)/dx = -c/x² = -out/x
            [Kernels.zip(Kernels.zip(g, out, *), rhs) { -$0 / $1 }]
        }
    }

    /// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting).
    func sumTo(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var dims = Array(0..<lead)
        for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 {
            dims.append(lead + i)
        }
        let summed = dims.isEmpty ? self : sumAlong(dims, keepdim: true)
        return summed.reshape(target)
    }
}
