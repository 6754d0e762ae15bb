/// A fixed-size, heap-allocated buffer of scalars that one or more tensors view.
///
/// Storage is a reference type so that views (`t()`, `reshape`, `x[0]`, ...) and
/// in-place updates (`normal_`, optimizer steps) see the same memory, as in PyTorch.
/// The buffer is contiguous and uninitialised memory is never exposed: every public
/// initialiser writes all elements, and the one internal initialiser that does not,
/// `init(uninitializedCount:)`, is used only by kernels that write every element before
/// anything can read it.
public final class Storage<Scalar: BitwiseCopyable> {
    /// The first element.
    public let base: UnsafeMutablePointer<Scalar>
    /// The number of elements.
    public let count: Int

    /// Allocates `count` elements, all set to `value`.
    public init(repeating value: Scalar, count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: value, count: count)
    }

    /// Allocates `count` elements and lets `fill` write every one of them.
    public init(count: Int, fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        fill(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Allocates `count` elements and writes none of them: the caller must write every element
    /// before the storage reaches a tensor or is read (a product with beta 0, which only writes
    /// C; a row-wise softmax over every row). Skips a fill those kernels would overwrite at once.
    init(uninitializedCount count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
    }

    /// Copies the elements of `array`.
    public convenience init(_ array: [Scalar]) {
        self.init(count: array.count) { buffer in
            _ = buffer.initialize(from: array)
        }
    }

    deinit {
        base.deallocate()
    }
}
