/// JSON forms of the pooling sizes, as a whole-model file stores them: `2` or `[2, 3]`;
/// an adaptive size may hold `null` for "the input's size", as PyTorch's `None`.
extension PoolSize: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let both = try? container.decode(Int.self) {
            self = .square(both)
            return
        }
        let pair = try container.decode([Int].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a pooling size needs 2 values (height, width), got \(pair.count)")
        }
        self = .pair(pair[0], pair[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .square(let n): try container.encode(n)
        case .pair(let h, let w): try container.encode([h, w])
        }
    }
}

extension AdaptivePoolSize: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let both = try? container.decode(Int.self) {
            self = .square(both)
            return
        }
        let pair = try container.decode([Int?].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "an output size needs 2 values (height, width), got \(pair.count)")
        }
        self = .pair(pair[0], pair[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .square(let n): try container.encode(n)
        case .pair(let h, let w): try container.encode([h, w])
        }
    }
}

extension Conv2dPaddingMode: Codable {}
