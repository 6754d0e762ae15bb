/// The elements behind a tensor: real numbers (float32 or float64), or integers (also used for booleans).
enum TensorStorage {
    case float(Storage<Float>)
    case double(Storage<Double>)
    case integer(Storage<Int64>)
}

/// An n-dimensional array with PyTorch's autograd semantics.
///
/// A `Tensor` is a reference type, like PyTorch's: views such as `t()`, `reshape`,
/// `x[0]` and `.data` share elements with the tensor they come from, and in-place
/// updates are visible through every view. Elements are float32 by default, or
/// int64 for class labels and indices.
///
/// ```swift
/// let x = Tensor.ones([2], requiresGrad: true)
/// let y = 2 * x[0].pow(3) + 2 * x[1].pow(2)
/// try y.backward()
/// print(x.grad!)   // tensor([6., 4.])
/// ```
public final class Tensor {
    /// The element type.
    public internal(set) var dtype: DType
    var storage: TensorStorage
    /// Index of this tensor's first element in `storage`.
    var offset: Int
    /// The size of each dimension (`[]` for a 0-d tensor).
    public internal(set) var shape: [Int]
    /// Elements to skip in storage to move one step along each dimension.
    public internal(set) var strides: [Int]
    /// Whether autograd tracks this leaf; always true for results of tracked ops.
    private var _requiresGrad = false
    /// The gradient accumulated by `backward`; nil until the first backward reaches this leaf.
    public var grad: Tensor?
    /// The node that created this tensor, or nil for a leaf (PyTorch's `grad_fn`).
    public internal(set) var gradFn: Node?

    init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int]? = nil, offset: Int = 0) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides ?? Shape.contiguousStrides(shape)
        self.offset = offset
    }

    /// A contiguous float32 tensor over `storage`.
    convenience init(floats storage: Storage<Float>, shape: [Int]) {
        usageCheck(storage.count == Shape.count(shape), "storage size \(storage.count) does not match shape \(Shape.describe(shape))")
        self.init(storage: .float(storage), dtype: .float32, shape: shape)
    }

    /// A contiguous integer (int64 or bool) tensor over `storage`.
    convenience init(integers storage: Storage<Int64>, shape: [Int], dtype: DType = .int64) {
        usageCheck(storage.count == Shape.count(shape), "storage size \(storage.count) does not match shape \(Shape.describe(shape))")
        self.init(storage: .integer(storage), dtype: dtype, shape: shape)
    }

    /// Creates a float32 tensor of `shape` from row-major `scalars`.
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        usageCheck(
            scalars.count == Shape.count(shape),
            "\(scalars.count) scalars cannot fill a tensor of shape \(Shape.describe(shape))")
        self.init(floats: Storage(scalars), shape: shape)
        self.requiresGrad = requiresGrad
    }

    /// Creates an int64 tensor of `shape` from row-major `scalars`.
    public convenience init(shape: [Int], int64Scalars scalars: [Int64]) {
        usageCheck(
            scalars.count == Shape.count(shape),
            "\(scalars.count) scalars cannot fill a tensor of shape \(Shape.describe(shape))")
        self.init(integers: Storage(scalars), shape: shape)
    }

    /// Creates a 0-d float32 tensor holding `value`.
    public convenience init(_ value: Float, requiresGrad: Bool = false) {
        self.init(shape: [], scalars: [value], requiresGrad: requiresGrad)
    }

    // MARK: Facts

    /// The number of dimensions (`dim()`).
    public var rank: Int { shape.count }
    /// The number of dimensions, PyTorch's `dim()`.
    public func dim() -> Int { shape.count }
    /// The number of elements (`numel()`).
    public var count: Int { Shape.count(shape) }
    /// The number of elements, PyTorch's `numel()`.
    public func numel() -> Int { count }
    /// The size of dimension `dim` (negative counts from the end).
    public func size(_ dim: Int) -> Int {
        let d = dim < 0 ? dim + shape.count : dim
        usageCheck(d >= 0 && d < shape.count, "dimension \(dim) is out of range for a tensor of shape \(Shape.describe(shape))")
        return shape[d]
    }

    /// Whether this tensor was created by the user rather than by a tracked op.
    public var isLeaf: Bool { gradFn == nil }

    /// Whether autograd records operations on this tensor.
    ///
    /// Settable on leaves only, and only for floating-point tensors, as in PyTorch.
    public var requiresGrad: Bool {
        get { _requiresGrad || gradFn != nil }
        set {
            usageCheck(gradFn == nil || newValue, "you can only change requiresGrad flags of leaf variables")
            usageCheck(!newValue || dtype.isFloatingPoint, "only Tensors of floating point dtype can require gradients")
            _requiresGrad = newValue
        }
    }

    /// Sets `requiresGrad` and returns self, like PyTorch's `requires_grad_()`.
    @discardableResult
    public func requiresGrad_(_ value: Bool = true) -> Tensor {
        requiresGrad = value
        return self
    }

    /// Whether the elements lie in storage in row-major order without gaps.
    public var isContiguous: Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    // MARK: Element access

    /// The elements in row-major order, as floats (integers are converted).
    public var scalars: [Float] {
        withFloats { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The elements in row-major order, as 64-bit integers (floats are truncated toward zero;
    /// NaN, infinities and values out of range become `Int64.min`, as PyTorch gives on x86).
    public var int64Scalars: [Int64] {
        withInt64s { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The value of a one-element tensor (PyTorch's `item()`), as a float.
    public func item() -> Float {
        usageCheck(count == 1, "a Tensor with \(count) elements cannot be converted to Scalar")
        return withFloats { $0[0] }
    }

    /// The value of a one-element integer tensor, as an Int.
    public func intItem() -> Int {
        usageCheck(count == 1, "a Tensor with \(count) elements cannot be converted to Scalar")
        return Int(withInt64s { $0[0] })
    }

    /// Calls `body` with the elements as contiguous floats, copying only if needed.
    ///
    /// The pointer is valid only inside `body`. Integer tensors are converted.
    public func withFloats<R, E: Error>(_ body: (UnsafePointer<Float>) throws(E) -> R) throws(E) -> R {
        if case .float(let s) = storage, isContiguous {
            return try withExtendedLifetime(s) { () throws(E) -> R in try body(s.base + offset) }
        }
        let copy = contiguousFloatStorage()
        return try withExtendedLifetime(copy) { () throws(E) -> R in try body(copy.base) }
    }

    /// Calls `body` with the elements as contiguous int64 values, copying only if needed.
    public func withInt64s<R, E: Error>(_ body: (UnsafePointer<Int64>) throws(E) -> R) throws(E) -> R {
        if case .integer(let s) = storage, isContiguous {
            return try withExtendedLifetime(s) { () throws(E) -> R in try body(s.base + offset) }
        }
        let copy = contiguousIntegerStorage()
        return try withExtendedLifetime(copy) { () throws(E) -> R in try body(copy.base) }
    }

    /// A new contiguous float storage with this tensor's elements in row-major order.
    func contiguousFloatStorage() -> Storage<Float> {
        switch storage {
        case .float(let s):
            return Storage(count: count) { out in
                if isContiguous {
                    out.baseAddress!.update(from: s.base + offset, count: count)
                } else {
                    Strided.gather(from: s.base + offset, shape: shape, strides: strides, into: out.baseAddress!)
                }
            }
        case .double:
            let doubles = contiguousDoubleStorage()
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Float(doubles.base[i]) }  // NaN, ±inf and overflow round, never trap
            }
        case .integer(let s):
            let ints = Storage<Int64>(count: count) { out in
                Strided.gather(from: s.base + offset, shape: shape, strides: strides, into: out.baseAddress!)
            }
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Float(ints.base[i]) }
            }
        }
    }

    /// A new contiguous integer storage with this tensor's elements in row-major order.
    func contiguousIntegerStorage() -> Storage<Int64> {
        switch storage {
        case .integer(let s):
            return Storage(count: count) { out in
                Strided.gather(from: s.base + offset, shape: shape, strides: strides, into: out.baseAddress!)
            }
        case .float:
            let floats = contiguousFloatStorage()
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Int64(truncatingOrIndefinite: Double(floats.base[i])) }
            }
        case .double:
            let doubles = contiguousDoubleStorage()
            return Storage(count: count) { out in
                for i in 0..<count { out[i] = Int64(truncatingOrIndefinite: doubles.base[i]) }
            }
        }
    }

    /// The storage and offset of a contiguous float tensor, for in-place kernels.
    ///
    /// Traps for integer or non-contiguous tensors; callers check first.
    var mutableFloats: UnsafeMutablePointer<Float> {
        guard case .float(let s) = storage, isContiguous else {
            usageFailure("in-place kernel needs a contiguous float32 tensor")
        }
        return s.base + offset
    }

    /// The storage object, kept alive by callers that hold a raw pointer into it.
    var storageOwner: AnyObject {
        switch storage {
        case .float(let s): return s
        case .double(let s): return s
        case .integer(let s): return s
        }
    }

    /// Whether no other tensor object views this tensor's storage.
    func hasExclusiveStorage() -> Bool {
        // Swap our reference out for a moment so the local binding is the only one we hold.
        switch storage {
        case .float(var s):
            storage = .integer(Storage(repeating: 0, count: 0))
            defer { storage = .float(s) }
            return isKnownUniquelyReferenced(&s)
        case .double(var s):
            storage = .integer(Storage(repeating: 0, count: 0))
            defer { storage = .double(s) }
            return isKnownUniquelyReferenced(&s)
        case .integer(var s):
            storage = .float(Storage(repeating: 0, count: 0))
            defer { storage = .integer(s) }
            return isKnownUniquelyReferenced(&s)
        }
    }

    /// Whether `other` views the same storage as this tensor.
    public func sharesStorage(with other: Tensor) -> Bool {
        storageOwner === other.storageOwner
    }
}
