/// JSON forms of the convolution arguments, as a whole-model file stores them: a size is
/// `3` or `[2, 1]` (height, width), a padding also `"same"` or `"valid"` — PyTorch's spellings.
extension Pair2d: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let both = try? container.decode(Int.self) {
            self.init(both)
            return
        }
        let pair = try container.decode([Int].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a 2-D size needs 2 values (height, width), got \(pair.count)")
        }
        self.init(pair[0], pair[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode([height, width])
    }
}

extension Conv2dPadding: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let word = try? container.decode(String.self) {
            switch word {
            case "same": self = .same
            case "valid": self = .valid
            default:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "padding '\(word)' is not 'same', 'valid' or a size")
            }
            return
        }
        self = .explicit(try container.decode(Pair2d.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .explicit(let pair): try container.encode(pair)
        case .same: try container.encode("same")
        case .valid: try container.encode("valid")
        }
    }
}
