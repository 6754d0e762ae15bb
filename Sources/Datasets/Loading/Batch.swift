import Tensors

/// One column of a batch as plain values, so worker threads can hand it over.
public struct BatchColumn: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        case float([Float])
        case double([Double])
        case int64([Int64])
    }

    public let shape: [Int]
    public let values: Values

    public init(shape: [Int], values: Values) {
        self.shape = shape
        self.values = values
    }

    /// The column as a tensor.
    public func tensor() -> Tensor {
        switch values {
        case .float(let v): Tensor(shape: shape, scalars: v)
        case .double(let v): Tensor(shape: shape, float64Scalars: v)
        case .int64(let v): Tensor(shape: shape, int64Scalars: v)
        }
    }

    /// A tensor's values as a column (float64 ones stay float64).
    public init(_ tensor: Tensor) {
        shape = tensor.shape
        switch tensor.dtype {
        case .float64: values = .double(tensor.float64Scalars)
        case .float32: values = .float(tensor.scalars)
        case .int64, .bool: values = .int64(tensor.int64Scalars)
        }
    }
}

/// A batch of samples before it becomes tensors: plain `Sendable` columns.
public struct BatchData: Sendable, Equatable {
    public let columns: [BatchColumn]
    public init(columns: [BatchColumn]) { self.columns = columns }
}

/// Several tensors that belong together: a sample `(x, y)` or a batch `[xs, ys]`.
///
/// Prints like PyTorch: samples as tuples `(tensor(...), tensor(...))`, batches from a
/// `DataLoader` as lists `[tensor(...), tensor(...)]`.
public struct TensorTuple: CustomStringConvertible, RandomAccessCollection {
    public let tensors: [Tensor]
    /// Whether this prints as a Python list (a collated batch) rather than a tuple.
    public let printsAsList: Bool

    public init(_ tensors: [Tensor], printsAsList: Bool = false) {
        self.tensors = tensors
        self.printsAsList = printsAsList
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { tensors.count }
    public subscript(position: Int) -> Tensor { tensors[position] }

    public var description: String {
        let inner = tensors.map(\.description).joined(separator: ", ")
        return printsAsList ? "[\(inner)]" : "(\(inner))"
    }
}

extension BatchData {
    /// The columns as tensors, printed like a collated PyTorch batch.
    public func tensors() -> TensorTuple { TensorTuple(columns.map { $0.tensor() }, printsAsList: true) }
}

/// A dataset that can assemble any set of its samples into a batch, from any thread.
public protocol BatchSource: Sendable {
    /// The number of samples.
    var count: Int { get }
    /// The samples at `indices`, stacked along a new first dim, one column per field.
    func batch(_ indices: [Int]) throws -> BatchData
    /// The same batch as tensors, made on the calling thread (which may share the work with its
    /// compute threads); by default `batch(indices).tensors()`.
    func tensorBatch(_ indices: [Int]) throws -> TensorTuple
}

extension BatchSource {
    public func tensorBatch(_ indices: [Int]) throws -> TensorTuple { try batch(indices).tensors() }
}
