import Foundation
import Telemetry

/// Small drawing helpers every widget uses.
enum Draw {
    /// A box with a title in its top border; the title is highlighted when the panel has focus.
    static func box(_ rect: Rect, title: String, focused: Bool, theme: Theme, into buffer: inout Buffer) {
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

    /// A compact number: 3 significant digits, scientific when very small or large.
    static func number(_ value: Double, digits: Int = 3) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) { return String(format: "%.\(max(0, digits - 1))e", value) }
        return String(format: "%.\(digits)g", value)
    }

    /// A number in at most 7 characters: `0.0193`, `-1.4e-5`, `-1e-10`, `1.2e3`.
    static func short(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e-3 && magnitude < 1e4 {
            let text = String(format: "%.3g", value)
            return text.count <= 7 ? text : String(format: "%.0f", value)
        }
        let exponent = Int(floor(log10(magnitude)))
        let mantissa = value / pow(10, Double(exponent))
        let text = String(format: "%.1f", mantissa) + "e\(exponent)"
        return text.count <= 7 ? text : String(format: "%.0f", mantissa) + "e\(exponent)"
    }

    /// A fixed-decimals number.
    static func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    /// `text` cut (with …) or padded to exactly `width` characters.
    static func fit(_ text: String, _ width: Int, alignRight: Bool = false) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        let pad = String(repeating: " ", count: width - text.count)
        return alignRight ? pad + text : text + pad
    }

    /// The 24-step grey ramp colour for a byte (0 black … 255 white).
    static func grey(_ value: UInt8) -> TerminalColor { .index(232 + UInt8(Int(value) * 23 / 255)) }

    /// A density character for a byte, from the ASCII ramp " .:-=+*#%@".
    static func density(_ value: UInt8) -> Character {
        let ramp = Array(" .:-=+*#%@")
        return ramp[Int(value) * (ramp.count - 1) / 255]
    }

    /// ▁▂▃▄▅▆▇█ for a level in [0, 1].
    static func spark(_ level: Double) -> Character {
        let bars = Array("▁▂▃▄▅▆▇█")
        guard level.isFinite else { return " " }
        return bars[min(bars.count - 1, max(0, Int(level * Double(bars.count - 1) + 0.5)))]
    }
}

/// A grid of braille dots (2×4 per cell) in two layers: a faint one and a bright one.
struct BrailleCanvas {
    let width: Int
    let height: Int
    private(set) var faint: [UInt8]
    private(set) var bright: [UInt8]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        faint = Array(repeating: 0, count: self.width * self.height)
        bright = faint
    }

    var dotWidth: Int { width * 2 }
    var dotHeight: Int { height * 4 }

    private static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets the dot at (x, y), y = 0 at the top.
    mutating func set(_ x: Int, _ y: Int, bright isBright: Bool) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * width + x / 2
        let bit = Self.bits[x % 2][y % 4]
        if isBright { bright[cell] |= bit } else { faint[cell] |= bit }
    }

    /// A straight line of dots between two points.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, bright isBright: Bool) {
        let steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in 0...steps {
            set(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, bright: isBright)
        }
    }

    /// Draws the dots into `rect` of `buffer`: bright cells in `brightStyle`, others in `faintStyle`.
    func render(into buffer: inout Buffer, at rect: Rect, faintStyle: Style, brightStyle: Style) {
        for row in 0..<min(height, rect.height) {
            for column in 0..<min(width, rect.width) {
                let i = row * width + column
                let pattern = faint[i] | bright[i]
                guard pattern != 0 else { continue }
                let character = Character(Unicode.Scalar(0x2800 + UInt32(pattern))!)
                buffer[rect.x + column, rect.y + row] = Cell(character, bright[i] != 0 ? brightStyle : faintStyle)
            }
        }
    }
}
