import Foundation

extension TerminalColor {
    /// The colour's red, green and blue, 0–255, with `fallback` standing for the terminal's default.
    func components(default fallback: TerminalColor) -> (Int, Int, Int) {
        switch self {
        case .default: fallback == .default ? (0, 0, 0) : fallback.components(default: .default)
        case .index(let i): Self.rgb(of: Int(i))
        case .rgb(let r, let g, let b): (Int(r), Int(g), Int(b))
        }
    }

    /// WCAG 2 relative luminance (0 black … 1 white).
    func luminance(default fallback: TerminalColor) -> Double {
        func linear(_ channel: Int) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let (r, g, b) = components(default: fallback)
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }
}

extension Theme {
    /// WCAG's contrast ratio for text: 1 (none) … 21 (black on white); 4.5 is the minimum for text.
    public static let minimumTextContrast = 4.5

    /// The foreground and background a style is drawn in on this theme's terminal
    /// (defaults resolved, `reverse` applied).
    public func colors(of style: Style) -> (foreground: TerminalColor, background: TerminalColor) {
        let foreground = style.foreground == .default ? terminalForeground : style.foreground
        let background = style.background == .default ? terminalBackground : style.background
        return style.reverse ? (background, foreground) : (foreground, background)
    }

    /// The contrast ratio of a style's text against its background.
    public func contrast(of style: Style) -> Double {
        let (foreground, background) = colors(of: style)
        let a = foreground.luminance(default: terminalForeground), b = background.luminance(default: terminalBackground)
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// `style` on `background`, its text switched to black or white (whichever reads better)
    /// when its own colour would be below the text contrast minimum there.
    func readable(_ style: Style, on background: TerminalColor) -> Style {
        let shaded = style.with(background: background)
        guard contrast(of: shaded) < Self.minimumTextContrast else { return shaded }
        let black = shaded.with(foreground: .rgb(0, 0, 0)), white = shaded.with(foreground: .rgb(255, 255, 255))
        return contrast(of: black) >= contrast(of: white) ? black : white
    }
}
