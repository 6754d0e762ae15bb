/// A terminal colour: the terminal's default, one of the 256 indexed colours, or 24-bit RGB
/// (drawn as the nearest indexed colour).
public enum TerminalColor: Sendable, Equatable, Hashable {
    case `default`
    case index(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The 256-colour index closest to this colour (nil for the default).
    public var index256: Int? {
        switch self {
        case .default: return nil
        case .index(let i): return Int(i)
        case .rgb(let r, let g, let b):
            // The 6×6×6 cube or the 24-step grey ramp, whichever is closer.
            func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
            let (cr, cg, cb) = (level(r), level(g), level(b))
            let steps = [0, 95, 135, 175, 215, 255]
            let cube = 16 + 36 * cr + 6 * cg + cb
            let cubeDistance = Self.distance((r, g, b), (steps[cr], steps[cg], steps[cb]))
            let average = (Int(r) + Int(g) + Int(b)) / 3
            let greyIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
            let greyValue = 8 + 10 * greyIndex
            let greyDistance = Self.distance((r, g, b), (greyValue, greyValue, greyValue))
            return greyDistance < cubeDistance ? 232 + greyIndex : cube
        }
    }

    /// The nearest of the 8 basic colours, for terminals without 256 colours (nil for the default).
    public var index8: Int? {
        guard let i = index256 else { return nil }
        if i < 16 { return i % 8 }
        let (r, g, b) = Self.rgb(of: i)
        let brightest = max(r, g, b), darkest = min(r, g, b)
        if brightest - darkest < 40 { return brightest > 127 ? 7 : 0 }  // grey: white or black
        let threshold = (brightest + darkest) / 2
        return (r >= threshold ? 1 : 0) | (g >= threshold ? 2 : 0) | (b >= threshold ? 4 : 0)
    }

    /// The RGB value of a 256-colour index.
    static func rgb(of index: Int) -> (Int, Int, Int) {
        let basic = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                     (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        if index < 16 { return basic[index] }
        if index >= 232 { let v = 8 + 10 * (index - 232); return (v, v, v) }
        let steps = [0, 95, 135, 175, 215, 255]
        let c = index - 16
        return (steps[c / 36], steps[(c / 6) % 6], steps[c % 6])
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (Int, Int, Int)) -> Int {
        let dr = Int(a.0) - b.0, dg = Int(a.1) - b.1, db = Int(a.2) - b.2
        return dr * dr + dg * dg + db * db
    }
}

/// How a cell looks: colours and attributes.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()

    /// This style with another foreground.
    public func with(foreground: TerminalColor) -> Style {
        var copy = self
        copy.foreground = foreground
        return copy
    }

    /// This style with another background.
    public func with(background: TerminalColor) -> Style {
        var copy = self
        copy.background = background
        return copy
    }

    /// This style in bold.
    public var bolded: Style {
        var copy = self
        copy.bold = true
        return copy
    }
}
