/// Shape arithmetic shared by every op: element counts, strides, broadcasting, dims.
public enum Shape {
    /// The number of elements of a tensor with this shape (1 for a 0-d tensor).
    @inlinable
    public static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }

    /// Row-major (C-contiguous) strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = step
            step *= Swift.max(shape[i], 1)
        }
        return strides
    }

    /// The broadcast shape of `a` and `b` (NumPy/PyTorch rules), or nil if they do not broadcast.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                result[i] = da
            } else if da == 1 {
                result[i] = db
            } else {
                return nil
            }
        }
        return result
    }

    /// PyTorch's `torch.Size([2, 3])` spelling of a shape.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// Turns a possibly negative `dim` into an index in `0..<rank`, or throws PyTorch's error.
    public static func normalize(dim: Int, rank: Int) throws -> Int {
        let effectiveRank = Swift.max(rank, 1)
        guard dim >= -effectiveRank, dim < effectiveRank else {
            throw TensorError(
                "Dimension out of range (expected to be in range of [\(-effectiveRank), \(effectiveRank - 1)], but got \(dim))"
            )
        }
        return dim < 0 ? dim + effectiveRank : dim
    }
}
