/// The element type of a tensor, with PyTorch's names.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// 32-bit floating point (`torch.float32`), the default for real numbers.
    case float32
    /// 64-bit floating point (`torch.float64`, PyTorch's `double()`), for reference computations and `gradcheck`.
    case float64
    /// 64-bit signed integers (`torch.int64`), the default for whole numbers, class labels and indices.
    case int64
    /// Booleans (`torch.bool`), the result of comparisons; stored as 0/1 integers.
    case bool

    /// Whether values are real numbers that gradients can flow through.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// PyTorch's spelling, e.g. `torch.float32`.
    public var description: String { "torch.\(rawValue)" }
}
