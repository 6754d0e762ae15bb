/// A fixed-size, heap-allocated buffer of scalars that one or more tensors view.
///
/// Storage is a reference type so that views (`t()`, `reshape`, `x[0]`, ...) and
/// in-place updates (`normal_`, optimizer steps) see the same memory, as in PyTorch.
/// The buffer is contiguous and uninitialised memory is never exposed: every
/// initialiser writes all elements.
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
