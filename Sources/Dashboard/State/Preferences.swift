import Foundation

/// What the dashboard remembers between runs (like htoprc): theme, loss smoothing, log scale
/// and the speed limit, as `key=value` lines.
///
/// Parsing never fails: a line it cannot use is skipped with a warning and the default stays;
/// unknown keys are ignored (a newer version may have written them).
public struct Preferences: Sendable, Equatable {
    /// The theme's name or path; nil leaves the choice to the command line and the default.
    public var theme: String?
    /// The loss curve's smoothing, 0…`maximumSmoothing`.
    public var smoothing = 0.9
    public var logScale = false
    /// The live trainer's steps-per-second limit; nil runs as fast as it can.
    public var speedLimit: Double?

    public init(theme: String? = nil, smoothing: Double = 0.9, logScale: Bool = false, speedLimit: Double? = nil) {
        self.theme = theme
        self.smoothing = smoothing
        self.logScale = logScale
        self.speedLimit = speedLimit
    }

    /// The most smoothing `]` reaches and a file may ask for.
    public static let maximumSmoothing = 0.99
    /// The largest speed limit a file may ask for (steps per second).
    public static let maximumSpeed = 1e6
    /// The longest theme name or path a file may give.
    public static let maximumThemeLength = 1024

    /// The file's text: a comment line, then one `key=value` line per preference.
    public func render() -> String {
        var lines = ["# TensorTop preferences, written when they change (key=value; unknown keys are ignored)"]
        if let theme { lines.append("theme=\(theme)") }
        lines.append("smoothing=\(Self.number(smoothing))")
        lines.append("log_scale=\(logScale)")
        lines.append("speed_limit=\(speedLimit.map(Self.number) ?? "unlimited")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads `text` (the file called `source` in warnings): the preferences it sets over the
    /// defaults, and one warning per line that was not used.
    public static func parse(_ text: String, source: String) -> (preferences: Preferences, warnings: [String]) {
        var preferences = Preferences(), warnings: [String] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func warn(_ why: String) { warnings.append("\(source) line \(index + 1): \(why)") }
            guard let equals = line.firstIndex(of: "=") else {
                warn("'\(VisibleText.escaping(String(line.prefix(40))))' is not key=value; skipped")
                continue
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "theme":
                if let theme = themeName(value) { preferences.theme = theme } else {
                    warn("theme must be a name or path of 1 to \(maximumThemeLength) printable characters; using the default")
                }
            case "smoothing":
                if let number = Double(value), number.isFinite, (0...maximumSmoothing).contains(number) { preferences.smoothing = number } else {
                    warn("smoothing=\(shown(value)) is not a number from 0 to \(number(maximumSmoothing)); using \(number(Preferences().smoothing))")
                }
            case "log_scale":
                if let flag = flag(value) { preferences.logScale = flag } else {
                    warn("log_scale=\(shown(value)) is not true or false; using false")
                }
            case "speed_limit":
                if value == "unlimited" {
                    preferences.speedLimit = nil
                } else if let number = Double(value), number.isFinite, number > 0, number <= maximumSpeed {
                    preferences.speedLimit = number
                } else {
                    warn("speed_limit=\(shown(value)) is not 'unlimited' or a number of steps per second above 0 and up to \(number(maximumSpeed)); using unlimited")
                }
            default: continue
            }
        }
        return (preferences, warnings)
    }

    /// One status-line warning for a file's warnings: the first, and how many more there are.
    public static func summary(_ warnings: [String]) -> String? {
        guard let first = warnings.first else { return nil }
        return warnings.count == 1 ? first : "\(first) (and \(warnings.count - 1) more)"
    }

    private static func themeName(_ value: String) -> String? {
        guard !value.isEmpty, value.count <= maximumThemeLength,
              !value.unicodeScalars.contains(where: VisibleText.isControl) else { return nil }
        return value
    }

    private static func flag(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    /// A value as a warning quotes it: control characters visible, at most 40 characters.
    private static func shown(_ value: String) -> String {
        VisibleText.escaping(value.count > 40 ? String(value.prefix(40)) + "…" : value)
    }

    /// `5`, `0.9`, `0.95`: whole numbers without a fraction, others as Swift writes them (shortest exact).
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
