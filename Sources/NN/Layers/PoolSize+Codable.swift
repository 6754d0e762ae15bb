/// The two JSON forms of a 2-D size: one number for both dims (`2`), or `[height, width]`
/// (`[2, 3]`; an adaptive size may hold `null` for "the input's size", PyTorch's `None`).
enum SizeJSON<Element: Codable>: Codable {
    case square(Int)
    case pair(Element, Element)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let both = try? container.decode(Int.self) {
            self = .square(both)
            return
        }
        let pair = try container.decode([Element].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a 2-D size needs 2 values (height, width), got \(pair.count)")
        }
        self = .pair(pair[0], pair[1])
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .square(let n): try container.encode(n)
        case .pair(let h, let w): try container.encode([h, w])
        }
    }
}

extension PoolSize: Codable {
    public init(from decoder: any Decoder) throws {
        switch try SizeJSON<Int>(from: decoder) {
        case .square(let n): self = .square(n)
        case .pair(let h, let w): self = .pair(h, w)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .square(let n): try SizeJSON<Int>.square(n).encode(to: encoder)
        case .pair(let h, let w): try SizeJSON<Int>.pair(h, w).encode(to: encoder)
        }
    }
}

extension AdaptivePoolSize: Codable {
    public init(from decoder: any Decoder) throws {
        switch try SizeJSON<Int?>(from: decoder) {
        case .square(let n): self = .square(n)
        case .pair(let h, let w): self = .pair(h, w)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .square(let n): try SizeJSON<Int?>.square(n).encode(to: encoder)
        case .pair(let h, let w): try SizeJSON<Int?>.pair(h, w).encode(to: encoder)
        }
    }
}

extension Conv2dPaddingMode: Codable {}
