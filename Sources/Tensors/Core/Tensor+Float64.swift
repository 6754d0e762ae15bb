// float64 tensors (PyTorch's `double()`): creating them, reading their elements, converting.

extension Tensor {
    /// A contiguous float64 tensor over `storage`.
    convenience init(doubles storage: Storage<Double>, shape: [Int]) {
        usageCheck(storage.count == Shape.count(shape), "storage size \(storage.count) does not match shape \(Shape.describe(shape))")
        self.init(storage: .double(storage), dtype: .float64, shape: shape)
    }

    /// Creates a float64 tensor of `shape` from row-major `scalars` (`torch.tensor(..., dtype=torch.float64)`).
    public convenience init(shape: [Int], float64Scalars scalars: [Double], requiresGrad: Bool = false) {
        usageCheck(
            scalars.count == Shape.count(shape),
            "\(scalars.count) scalars cannot fill a tensor of shape \(Shape.describe(shape))")
        self.init(doubles: Storage(scalars), shape: shape)
        self.requiresGrad = requiresGrad
    }

    /// Creates a 0-d float64 tensor holding `value`.
    public convenience init(float64 value: Double, requiresGrad: Bool = false) {
        self.init(shape: [], float64Scalars: [value], requiresGrad: requiresGrad)
    }

    /// The elements in row-major order, as doubles (float32 and integers are converted exactly).
    public var float64Scalars: [Double] {
        withDoubles { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The value of a one-element tensor as a double (PyTorch's `item()` returns a Python float).
    public func doubleItem() -> Double {
        usageCheck(count == 1, "a Tensor with \(count) elements cannot be converted to Scalar")
        return withDoubles { $0[0] }
    }

    /// Calls `body` with the elements as contiguous doubles, copying only if needed.
    ///
    /// The pointer is valid only inside `body`. float32 and integer tensors are converted.
    public func withDoubles<R, E: Error>(_ body: (UnsafePointer<Double>) throws(E) -> R) throws(E) -> R {
        if case .double(let s) = storage, isContiguous {
            return try withExtendedLifetime(s) { () throws(E) -> R in try body(s.base + offset) }
        }
        let copy = contiguousDoubleStorage()
        return try withExtendedLifetime(copy) { () throws(E) -> R in try body(copy.base) }
    }

    /// A new contiguous double storage with this tensor's elements in row-major order.
    func contiguousDoubleStorage() -> Storage<Double> {
        switch storage {
        case .double(let s):
            return Storage(count: count) { out in
                Strided.gather(from: s.base + offset, shape: shape, strides: strides, into: out.baseAddress!)
            }
        case .float:
            let floats = contiguousFloatStorage()
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Double(floats.base[i]) }
            }
        case .integer:
            let ints = contiguousIntegerStorage()
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Double(ints.base[i]) }
            }
        }
    }

    /// A float64 copy (`ToCopyBackward0`), like PyTorch's `double()`; self when already float64.
    public func double() -> Tensor { to(.float64) }

    /// A float32 copy (`ToCopyBackward0`), like PyTorch's `float()`; self when already float32.
    public func float() -> Tensor { to(.float32) }

    /// Whether an op on these operands computes in float64 (PyTorch's promotion: float32 with float64 gives float64).
    static func promotesToFloat64(_ operands: Tensor...) -> Bool {
        operands.contains { $0.dtype == .float64 }
    }

    /// `gradient` in `dtype` (the dtype of the input it flows to), converted only when it differs.
    static func gradient(_ gradient: Tensor?, as dtype: DType) -> Tensor? {
        guard let gradient, gradient.dtype != dtype else { return gradient }
        return gradient.to(dtype)
    }
}

extension Float {
    /// The double this float was most likely written as: the shortest decimal that reads back
    /// as this float, read as a double (`Float(0.1)` gives 0.1, not 0.100000001490116).
    ///
    /// Scalar arguments (`x * 0.1`, `leakyRelu(0.01)`, `labelSmoothing: 0.1`) are `Float` in
    /// this API; PyTorch takes them as Python doubles, so float64 ops (and optimizers updating
    /// float64 parameters) widen them this way.
    public var asWrittenDouble: Double {
        guard isFinite else { return Double(self) }
        return Double(description) ?? Double(self)
    }
}

extension Int64 {
    /// `value` truncated toward zero, or `Int64.min` when it is NaN, infinite or out of range
    /// (what PyTorch's conversion gives on x86; Swift's `Int64(_:)` would trap).
    init(truncatingOrIndefinite value: Double) {
        if value.isNaN || value >= 9_223_372_036_854_775_808.0 || value < -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self.init(value)
        }
    }
}
