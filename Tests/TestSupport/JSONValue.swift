/// Any JSON value, decoded with `JSONDecoder`, for reading reference files of unknown nesting.
public enum JSONValue: Decodable, Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The member named `key` of an object; traps with the missing path otherwise.
    public subscript(_ key: String) -> JSONValue {
        guard case .object(let members) = self, let value = members[key] else {
            preconditionFailure("golden file has no member '\(key)'")
        }
        return value
    }

    /// The elements of an array; traps otherwise.
    public var elements: [JSONValue] {
        guard case .array(let values) = self else { preconditionFailure("golden value is not an array: \(self)") }
        return values
    }

    /// Whether this object has a member named `key`.
    public func has(_ key: String) -> Bool {
        if case .object(let members) = self { return members[key] != nil }
        return false
    }

    /// The member names of an object.
    public var keys: [String] {
        if case .object(let members) = self { return members.keys.sorted() }
        return []
    }

    /// A string value.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A number, also accepting the golden files' "nan", "inf" and "-inf" strings.
    public var double: Double? {
        switch self {
        case .number(let n): return n
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }

    /// A boolean value.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The numbers of a (nested) array in row-major order.
    public var flattened: [Double] {
        if case .array(let items) = self { return items.flatMap(\.flattened) }
        return double.map { [$0] } ?? []
    }
}
