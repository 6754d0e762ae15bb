import Tensors

/// Which of PyTorch's two recordings of a golden case a test replays: float32, or float64
/// (compared within `1e-12 + 1e-10·|b|`, see `Golden.mismatch`).
public enum Precision: String, CaseIterable, Sendable {
    case float32
    case float64

    /// The tensors' dtype.
    public var dtype: DType { self == .float32 ? .float32 : .float64 }

    /// A tensor of this precision from row-major `values` (rounded to float for float32).
    public func tensor(shape: [Int], _ values: [Double], requiresGrad: Bool = false) -> Tensor {
        self == .float32
            ? Tensor(shape: shape, scalars: values.map { Float($0) }, requiresGrad: requiresGrad)
            : Tensor(shape: shape, float64Scalars: values, requiresGrad: requiresGrad)
    }
}
