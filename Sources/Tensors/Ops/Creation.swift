// Factory functions with PyTorch's names: zeros, ones, full, arange, linspace, eye, rand, randn, randint
// (the floating ones in float32 by default, float64 with `dtype: .float64`).

extension Tensor {
    /// A tensor of `shape` filled with 0.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with 1.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        usageCheck(shape.allSatisfy { $0 >= 0 }, "Trying to create tensor with negative dimension: \(Shape.describe(shape))")
        let n = Shape.count(shape)
        let t: Tensor
        if dtype == .float64 {
            t = Tensor(doubles: Storage(repeating: value.asWrittenDouble, count: n), shape: shape)
        } else if dtype.isFloatingPoint {
            t = Tensor(floats: Storage(repeating: value, count: n), shape: shape)
        } else {
            t = Tensor(integers: Storage(repeating: Int64(truncatingOrIndefinite: Double(value)), count: n), shape: shape, dtype: dtype)
        }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Zeros with `other`'s shape and dtype.
    public static func zerosLike(_ other: Tensor, requiresGrad: Bool = false) -> Tensor {
        zeros(other.shape, dtype: other.dtype, requiresGrad: requiresGrad)
    }

    /// Ones with `other`'s shape and dtype.
    public static func onesLike(_ other: Tensor, requiresGrad: Bool = false) -> Tensor {
        ones(other.shape, dtype: other.dtype, requiresGrad: requiresGrad)
    }

    /// Values from `start` up to (not including) `end` in steps of `step`, like `torch.arange(0, 6.0)`.
    ///
    /// Float32 by default (so it can require a gradient); pass `dtype: .int64` for indices.
    public static func arange(
        _ start: Float, _ end: Float, _ step: Float = 1, dtype: DType = .float32, requiresGrad: Bool = false
    ) -> Tensor {
        usageCheck(step != 0, "step must be nonzero")
        usageCheck((end - start) / step >= 0, "upper bound and larger bound inconsistent with step sign")
        let n = Int(((Double(end) - Double(start)) / Double(step)).rounded(.up))
        let values = (0..<n).map { Float(Double(start) + Double($0) * Double(step)) }
        let t = dtype == .float64
            ? Tensor(shape: [n], float64Scalars: (0..<n).map { start.asWrittenDouble + Double($0) * step.asWrittenDouble })
            : dtype.isFloatingPoint
            ? Tensor(shape: [n], scalars: values)
            : Tensor(shape: [n], int64Scalars: values.map { Int64($0) })
        t.requiresGrad = requiresGrad
        return t
    }

    /// Values from 0 up to (not including) `end`, like `torch.arange(end)`.
    public static func arange(_ end: Float, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        arange(0, end, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive (float32, or float64 with `dtype`).
    public static func linspace(_ start: Float, _ end: Float, steps: Int, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        usageCheck(steps >= 0, "number of steps must be non-negative")
        usageCheck(dtype.isFloatingPoint, "linspace makes float32 or float64 tensors, not \(dtype)")
        let wide = dtype == .float64
        let (first, last) = wide ? (start.asWrittenDouble, end.asWrittenDouble) : (Double(start), Double(end))
        let step = steps > 1 ? (last - first) / Double(steps - 1) : 0
        // Like PyTorch, fill the second half from the end so both endpoints are exact.
        let values = (0..<steps).map { i -> Double in
            i < steps / 2 ? first + step * Double(i) : last - step * Double(steps - 1 - i)
        }
        return wide
            ? Tensor(shape: [steps], float64Scalars: values, requiresGrad: requiresGrad)
            : Tensor(shape: [steps], scalars: values.map { Float($0) }, requiresGrad: requiresGrad)
    }

    /// An `n`×`m` matrix with ones on the diagonal (`m` defaults to `n`), of `dtype`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        let cols = m ?? n
        let t = zeros([n, cols])
        for i in 0..<Swift.min(n, cols) { t.mutableFloats[i * cols + i] = 1 }
        let typed = t.to(dtype)
        typed.requiresGrad = requiresGrad
        return typed
    }

    /// Uniform random values in [0, 1) (float64 with `dtype`: 53 random bits each, `uniform_`'s draws).
    public static func rand(_ shape: [Int], generator: Generator? = nil, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        if dtype == .float64 { return zeros(shape, dtype: dtype).uniform_(0, 1, generator: generator).requiresGrad_(requiresGrad) }
        usageCheck(dtype == .float32, "rand makes float32 or float64 tensors, not \(dtype)")
        let g = generator ?? defaultGenerator
        let t = Tensor(floats: Storage(count: Shape.count(shape)) { out in
            for i in out.indices { out[i] = g.nextFloat() }
        }, shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Standard normal random values (float64 with `dtype`: the same draws, not rounded to Float).
    public static func randn(_ shape: [Int], generator: Generator? = nil, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        if dtype == .float64 { return zeros(shape, dtype: dtype).normal_(generator: generator).requiresGrad_(requiresGrad) }
        usageCheck(dtype == .float32, "randn makes float32 or float64 tensors, not \(dtype)")
        let g = generator ?? defaultGenerator
        let t = Tensor(floats: Storage(count: Shape.count(shape)) { out in
            for i in out.indices { out[i] = Float(g.nextNormal()) }
        }, shape: shape)
        t.requiresGrad = requiresGrad
        return t
    }

    /// Uniform random integers in `low..<high` (int64).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], generator: Generator? = nil) -> Tensor {
        usageCheck(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        let g = generator ?? defaultGenerator
        return Tensor(integers: Storage(count: Shape.count(shape)) { out in
            for i in out.indices { out[i] = Int64(low + g.nextInt(below: high - low)) }
        }, shape: shape)
    }

    /// A random permutation of `0..<n` (int64), like `torch.randperm`.
    public static func randperm(_ n: Int, generator: Generator? = nil) -> Tensor {
        let g = generator ?? defaultGenerator
        return Tensor(shape: [n], int64Scalars: g.permutation(n).map { Int64($0) })
    }
}
