import Tensors

/// Some samples of a dataset, in a given order, like `torch.utils.data.Subset`.
public struct Subset<Base: BatchSource>: BatchSource {
    public let base: Base
    /// The base dataset's indices this subset exposes.
    public let indices: [Int]

    public init(_ base: Base, indices: [Int]) {
        precondition(indices.allSatisfy { $0 >= 0 && $0 < base.count }, "Subset indices must lie in 0..<\(base.count)")
        self.base = base
        self.indices = indices
    }

    /// The first `count` samples of `base` (all of them when `count` is nil or larger).
    public init(_ base: Base, first count: Int?) {
        self.init(base, indices: Array(0..<Swift.min(count ?? base.count, base.count)))
    }

    public var count: Int { indices.count }

    public func batch(_ positions: [Int]) throws -> BatchData {
        try base.batch(positions.map { indices[$0] })
    }

    public func tensorBatch(_ positions: [Int]) throws -> TensorTuple {
        try base.tensorBatch(positions.map { indices[$0] })
    }
}
