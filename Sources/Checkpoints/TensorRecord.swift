import Tensors

/// One named tensor as a checkpoint file stores it: element type, shape and little-endian bytes.
///
/// Keeping the raw bytes lets `inspect` report a file's true types and `convert` carry
/// float64 or int values across formats unchanged.
public struct TensorRecord: Sendable, Equatable {
    /// The state-dict key, e.g. `1.weight`.
    public var name: String
    public var type: ElementType
    public var shape: [Int]
    /// Row-major little-endian element bytes (`count · type.byteSize` of them).
    public var bytes: [UInt8]

    public init(name: String, type: ElementType, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.type = type
        self.shape = shape
        self.bytes = bytes
    }

    /// Captures a float32, float64, int64 or bool tensor's elements in its own type.
    public init(name: String, tensor: Tensor) {
        self.name = name
        shape = tensor.shape
        if tensor.dtype == .float64 {
            type = .f64
            bytes = tensor.withDoubles { Array(UnsafeRawBufferPointer(start: $0, count: tensor.count * 8)) }
        } else if tensor.dtype.isFloatingPoint {
            type = .f32
            bytes = tensor.withFloats { Array(UnsafeRawBufferPointer(start: $0, count: tensor.count * 4)) }
        } else {
            type = tensor.dtype == .bool ? .bool : .i64
            let ints = tensor.int64Scalars
            bytes = type == .bool ? ints.map { $0 != 0 ? 1 : 0 } : ints.withUnsafeBytes { Array($0) }
        }
    }

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The values as doubles (for statistics and conversion).
    public func doubles() -> [Double] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Double in
                let at = i * type.byteSize
                switch type {
                case .f64: return raw.loadUnaligned(fromByteOffset: at, as: Double.self)
                case .f32: return Double(raw.loadUnaligned(fromByteOffset: at, as: Float.self))
                case .f16: return Double(Self.halfToFloat(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                case .bf16: return Double(Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)) << 16))
                case .i64: return Double(raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
                case .i32: return Double(raw.loadUnaligned(fromByteOffset: at, as: Int32.self))
                case .i16: return Double(raw.loadUnaligned(fromByteOffset: at, as: Int16.self))
                case .i8: return Double(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
                case .u8, .bool: return Double(raw[at])
                }
            }
        }
    }

    /// The values as a tensor: F64 becomes float64, the other float types float32, integer types
    /// int64, BOOL bool. (Loading into a module copies into its tensors' own dtype.)
    public func tensor() -> Tensor {
        switch type {
        case .f32:
            let floats = bytes.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
            return Tensor(shape: shape, scalars: floats)
        case .f64:
            return Tensor(shape: shape, float64Scalars: doubles())
        case .f16, .bf16:
            return Tensor(shape: shape, scalars: doubles().map { Float($0) })
        case .bool:
            return Tensor(shape: shape, int64Scalars: integers()).to(.bool)
        case .i64, .i32, .i16, .i8, .u8:
            return Tensor(shape: shape, int64Scalars: integers())
        }
    }

    /// The values of an integer or BOOL record, exactly. (Through `doubles()`, int64 values
    /// above 2^53 would change, and Int64.max would round to 2^63 and stop the program.)
    private func integers() -> [Int64] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Int64 in
                let at = i * type.byteSize
                switch type {
                case .i64: return raw.loadUnaligned(fromByteOffset: at, as: Int64.self)
                case .i32: return Int64(raw.loadUnaligned(fromByteOffset: at, as: Int32.self))
                case .i16: return Int64(raw.loadUnaligned(fromByteOffset: at, as: Int16.self))
                case .i8: return Int64(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
                case .u8, .bool: return Int64(raw[at])
                case .f64, .f32, .f16, .bf16: preconditionFailure("integers() of a \(type.rawValue) record")
                }
            }
        }
    }

    /// IEEE half precision to Float.
    private static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            let value = Float(mantissa) * 0x1p-24
            return sign != 0 ? -value : value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}
