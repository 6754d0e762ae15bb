/// The element types checkpoint files store, with safetensors' names.
public enum ElementType: String, Sendable, CaseIterable, Codable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// PyTorch's storage class for this type (`FloatStorage`, ...), as named in `.pth` pickles.
    public var torchStorageName: String {
        switch self {
        case .f64: "DoubleStorage"
        case .f32: "FloatStorage"
        case .f16: "HalfStorage"
        case .bf16: "BFloat16Storage"
        case .i64: "LongStorage"
        case .i32: "IntStorage"
        case .i16: "ShortStorage"
        case .i8: "CharStorage"
        case .u8: "ByteStorage"
        case .bool: "BoolStorage"
        }
    }

    /// The type of a PyTorch storage class name, or nil if it is not one.
    public init?(torchStorageName name: String) {
        guard let match = ElementType.allCases.first(where: { $0.torchStorageName == name }) else { return nil }
        self = match
    }
}
