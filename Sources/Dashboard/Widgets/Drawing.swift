import Foundation
import Telemetry

/// Small drawing helpers every widget uses.
enum Draw {
    /// A box with a title in its top border; the title is highlighted when the panel has focus.
    static func box(_ rect: Rect, title: String, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        box(rect, title: [Part(text: title, priority: 0)], focused: focused, theme: theme, into: &buffer)
    }

    /// The room a box's border leaves for its title (one space and a corner kept on each side).
    static func titleWidth(_ rect: Rect) -> Int { max(0, rect.width - 6) }

    /// A box whose title is made of parts: the least important ones are left out when the box is narrow.
    static func box(_ rect: Rect, title parts: [Part], focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let title = line(parts, width: titleWidth(rect), narrow: " ")
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = focused ? theme[.accent] : theme[.border]
        buffer.put("┌" + String(repeating: "─", count: rect.width - 2) + "┐", x: rect.x, y: rect.y, style: border)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            buffer.put("│", x: rect.x, y: y, style: border)
            buffer.put("│", x: rect.maxX - 1, y: y, style: border)
        }
        buffer.put("└" + String(repeating: "─", count: rect.width - 2) + "┘", x: rect.x, y: rect.maxY - 1, style: border)
        buffer.put(" \(title) ", x: rect.x + 2, y: rect.y, style: focused ? theme[.title].bolded : theme[.title],
                   clip: Rect(x: rect.x, y: rect.y, width: rect.width - 2, height: 1))
    }

    /// A compact number with `digits` significant digits: plain from 0.001 to 99999 (`0.0193`,
    /// `2.6`, `6220`), else scientific with a short exponent (`1.40e-5`, `1.00e19`).
    static func number(_ value: Double, digits: Int = 3) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let magnitude = abs(value), digits = max(1, digits)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e-3 && magnitude < 1e5 {
            // %g would switch to scientific at 10^digits (6220 → 6.22e+03): whole numbers stay whole.
            if magnitude >= pow(10, Double(digits)) { return String(format: "%.0f", value) }
            return String(format: "%.\(digits)g", value)
        }
        return scientific(value, decimals: digits - 1)
    }

    /// The most precise compact form of `value` in at most `width` characters (3, 2 or 1
    /// significant digits); the shortest form when none fits. A number is never cut.
    static func number(_ value: Double, width: Int) -> String {
        var text = number(value, digits: 3)
        for digits in [2, 1] where text.count > width { text = number(value, digits: digits) }
        return text
    }

    /// A number in at most 7 characters: `0.0193`, `-1.4e-5`, `-1e-10`, `98765`, `1.23e5`.
    static func short(_ value: Double) -> String { number(value, width: 7) }

    /// `value` in scientific notation with a short exponent: `-1.4e-5`, `1e-10`, `9.9e19`.
    /// printf rounds the mantissa, so 9.96e-5 becomes `1.0e-4`, never `10.0e-5`.
    static func scientific(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(max(0, decimals))e", value)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        return String(text[..<e]) + "e\(exponent)"
    }

    /// A fixed-decimals number.
    static func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    /// `value` with `decimals` decimals when that takes at most `width` characters (`0.3211`),
    /// else its compact form (`1.2e20`, `nan`).
    static func decimal(_ value: Double, _ decimals: Int, width: Int) -> String {
        let text = fixed(value, decimals)
        return text.count <= width ? text : number(value, width: width)
    }

    /// The whole number toward zero from any Double, never trapping: NaN is 0, and ±inf or
    /// anything beyond ±2^52 is clamped there. Every trained or user-given number that
    /// becomes a position, a count or a level goes through here.
    static func integer(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        let limit = 4_503_599_627_370_496.0  // 2^52: exact, and far from Int's edges
        return Int(min(limit, max(-limit, value)))
    }

    /// `text` cut (with …) or padded to exactly `width` characters. For words, never for numbers.
    static func fit(_ text: String, _ width: Int, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        let pad = String(repeating: " ", count: width - text.count)
        return alignRight ? pad + text : text + pad
    }

    /// A printed tensor line cut to `width` between values (after a `,`), ending in …, so no
    /// number is cut.
    static func fitTokens(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count <= width { return text }
        let head = text.prefix(width - 1)
        guard let comma = head.lastIndex(of: ",") else { return "…" }
        return String(head[...comma]) + "…"
    }

    /// One piece of a line that may be left out when the line is too narrow: lower `priority`
    /// is more important (0 is kept always, cut with … only if it alone does not fit).
    struct Part {
        var text: String
        var priority: Int
        var style: Style = .plain
    }

    /// The parts of a line that fit in `width`, in their order: the least important ones
    /// (highest priority number, the later one on a tie) are left out whole until the rest fits
    /// with `separator` between parts, or with `narrow` (if given) as soon as that keeps more.
    static func arrange(_ parts: [Part], width: Int, separator: String = "  ", narrow: String? = nil) -> (parts: [Part], separator: String) {
        func length(_ kept: [Part], _ separator: String) -> Int {
            kept.reduce(0) { $0 + $1.text.count } + max(0, kept.count - 1) * separator.count
        }
        var kept = parts
        while true {
            for candidate in [separator, narrow].compactMap({ $0 }) where length(kept, candidate) <= width { return (kept, candidate) }
            guard let drop = kept.indices.filter({ kept[$0].priority > 0 }).max(by: { kept[$0].priority <= kept[$1].priority }) else { break }
            kept.remove(at: drop)
        }
        // Only must-keep parts are left and they do not fit: the last ones are cut.
        var result: [Part] = [], room = width
        for part in kept where room > 0 {
            let text = part.text.count <= room ? part.text : fit(part.text, room)
            result.append(Part(text: text, priority: part.priority, style: part.style))
            room -= text.count + 1
        }
        return (result, " ")
    }

    /// The parts that fit, joined into one string.
    static func line(_ parts: [Part], width: Int, separator: String = "  ", narrow: String? = nil) -> String {
        let (kept, separator) = arrange(parts, width: width, separator: separator, narrow: narrow)
        return kept.map(\.text).joined(separator: separator)
    }

    /// The 24-step grey ramp colour for a byte (0 black … 255 white).
    static func grey(_ value: UInt8) -> TerminalColor { .index(232 + UInt8(Int(value) * 23 / 255)) }

    /// The nearest of the xterm 256 colours (the 6×6×6 cube or the grey ramp) for an RGB pixel.
    static func cube(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> TerminalColor {
        .index(UInt8(clamping: TerminalColor.rgb(r, g, b).index256 ?? 16))
    }

    /// An RGB pixel's luminance (ITU-R BT.601 weights), 0 black … 255 white.
    static func luminance(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let weighted: Int = 299 * Int(r) + 587 * Int(g) + 114 * Int(b)
        return UInt8(weighted / 1000)
    }

    /// A density character for a byte, from the ASCII ramp " .:-=+*#%@".
    static func density(_ value: UInt8) -> Character {
        let ramp = Array(" .:-=+*#%@")
        return ramp[Int(value) * (ramp.count - 1) / 255]
    }

    /// ▁▂▃▄▅▆▇█ for a level in [0, 1].
    static func spark(_ level: Double) -> Character {
        let bars = Array("▁▂▃▄▅▆▇█")
        guard level.isFinite else { return " " }
        return bars[min(bars.count - 1, max(0, integer(level * Double(bars.count - 1) + 0.5)))]
    }
}

/// A grid of braille dots (2×4 per cell) in numbered layers: a cell takes the style of the
/// highest layer that set a dot in it (the loss chart's raw steps are layer 0 and its average
/// layer 1; the board's runs each have their own).
struct BrailleCanvas {
    let width: Int
    let height: Int
    private(set) var dots: [UInt8]
    /// Per cell: 1 + the highest layer with a dot there (0: empty).
    private(set) var topLayer: [Int]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        dots = Array(repeating: 0, count: self.width * self.height)
        topLayer = Array(repeating: 0, count: self.width * self.height)
    }

    var dotWidth: Int { width * 2 }
    var dotHeight: Int { height * 4 }

    private static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets the dot at (x, y), y = 0 at the top, in `layer` (0 or more).
    mutating func set(_ x: Int, _ y: Int, layer: Int) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * width + x / 2
        dots[cell] |= Self.bits[x % 2][y % 4]
        topLayer[cell] = max(topLayer[cell], layer + 1)
    }

    /// A straight line of dots between two points.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, layer: Int) {
        let steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in 0...steps {
            set(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, layer: layer)
        }
    }

    /// Draws the dots into `rect` of `buffer`, each cell in its top layer's style from `styles`
    /// (the last style for layers beyond the list).
    func render(into buffer: inout Buffer, at rect: Rect, styles: [Style]) {
        guard let last = styles.last else { return }
        for row in 0..<min(height, rect.height) {
            for column in 0..<min(width, rect.width) {
                let i = row * width + column
                guard dots[i] != 0 else { continue }
                let character = Character(Unicode.Scalar(0x2800 + UInt32(dots[i]))!)
                let layer = topLayer[i] - 1
                buffer[rect.x + column, rect.y + row] = Cell(character, layer < styles.count ? styles[layer] : last)
            }
        }
    }
}
