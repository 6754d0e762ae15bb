import Tensors

/// Tensors zipped along their first dim, like `torch.utils.data.TensorDataset`.
///
/// ```swift
/// let ids = try TensorDataset(a, b)
/// print(ids[0..<2])   // (tensor([[11, 22, 33],
///                     //         [44, 55, 66]]), tensor([0, 1]))
/// ```
public struct TensorDataset: BatchSource, Sequence {
    /// The tensors' values (kept as plain arrays so worker threads can share them).
    private let columns: [BatchColumn]
    public let count: Int

    /// Zips tensors whose first dims agree; throws naming the sizes otherwise.
    public init(_ tensors: Tensor...) throws { try self.init(tensors) }

    /// Zips tensors whose first dims agree; throws naming the sizes otherwise.
    public init(_ tensors: [Tensor]) throws {
        guard let first = tensors.first else { throw DatasetError("TensorDataset", "needs at least one tensor") }
        guard tensors.allSatisfy({ $0.rank > 0 && $0.shape[0] == first.shape.first }) else {
            throw DatasetError("TensorDataset", "Size mismatch between tensors: first dims are \(tensors.map { $0.shape.first ?? 0 }) (shapes \(tensors.map(\.shape)))")
        }
        columns = tensors.map(BatchColumn.init)
        count = first.shape[0]
    }

    /// The sample at `index`: one row of each tensor.
    public subscript(index: Int) -> TensorTuple {
        precondition(index >= 0 && index < count, "index \(index) is out of range for a dataset of \(count) samples")
        return TensorTuple(columns.map { $0.tensor()[index] })
    }

    /// The samples in `range`: a slice of each tensor, like `dataset[0:2]`.
    public subscript(range: Range<Int>) -> TensorTuple {
        TensorTuple(columns.map { $0.tensor()[range].contiguous() })
    }

    public func makeIterator() -> AnyIterator<TensorTuple> {
        var i = 0
        return AnyIterator {
            defer { i += 1 }
            return i < count ? self[i] : nil
        }
    }

    public func batch(_ indices: [Int]) throws -> BatchData {
        BatchData(columns: columns.map { column in
            let rowSize = column.shape.dropFirst().reduce(1, *)
            let shape = [indices.count] + column.shape.dropFirst()
            switch column.values {
            case .float(let v): return BatchColumn(shape: shape, values: .float(Self.gather(v, rowSize, indices)))
            case .double(let v): return BatchColumn(shape: shape, values: .double(Self.gather(v, rowSize, indices)))
            case .int64(let v): return BatchColumn(shape: shape, values: .int64(Self.gather(v, rowSize, indices)))
            }
        })
    }

    private static func gather<T>(_ values: [T], _ rowSize: Int, _ indices: [Int]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(indices.count * rowSize)
        for i in indices { out.append(contentsOf: values[(i * rowSize)..<((i + 1) * rowSize)]) }
        return out
    }
}
