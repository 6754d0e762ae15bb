import Foundation

/// Colours for the dashboard's semantic roles, read from a JSON file in `themes/`.
///
/// ```json
/// { "name": "dark", "terminal": { "fg": "#d0d0d0", "bg": "#000000" },
///   "roles": { "text": { "fg": "#d0d0d0" }, "title": { "fg": "yellow", "bold": true }, ... } }
/// ```
/// `terminal` (optional) names the terminal colours the theme is made for, for contrast checks.
/// Colours are `default`, a basic name (`red`, `bright-blue`, ...), an index `0`–`255`, or `#rrggbb`.
public struct Theme: Sendable, Equatable {
    /// Every role a theme must define.
    public enum Role: String, CaseIterable, Sendable, Codable {
        case text, dim, border, title, axis, series, smoothed, testPoint, marker
        case histogramBefore, histogramAfter, histogramNow, spread
        case good, bad, warn, alarm, status, statusKey, selected, overlay, accent
    }

    public var name: String
    public var styles: [Role: Style]
    /// The colours of runs compared on one chart (`tensortop board`), in order; a theme file's
    /// optional `runs` list, else the theme's own series, smoothed, test-point, marker and
    /// verdict colours.
    public var runs: [Style]
    /// The terminal's own text and background colours the theme is made for (what `default`
    /// stands for when contrast is checked): light on black unless the file's `terminal` says otherwise.
    public var terminalForeground: TerminalColor
    public var terminalBackground: TerminalColor

    public init(name: String, styles: [Role: Style], terminalForeground: TerminalColor = .rgb(0xd0, 0xd0, 0xd0),
                terminalBackground: TerminalColor = .rgb(0, 0, 0)) {
        self.name = name
        self.styles = styles
        runs = [.series, .smoothed, .testPoint, .marker, .good, .bad, .warn].map { styles[$0] ?? .plain }
        self.terminalForeground = terminalForeground
        self.terminalBackground = terminalBackground
    }

    public subscript(role: Role) -> Style { styles[role] ?? .plain }

    /// The style of the run at `index` on a chart (the colours repeat after the last).
    public func run(_ index: Int) -> Style { runs.isEmpty ? .plain : runs[((index % runs.count) + runs.count) % runs.count] }

    /// Every role in the terminal's plain colours, with attributes for emphasis: what `NO_COLOR` selects.
    /// Runs on one chart differ by attribute: plain, bold, underlined, dim.
    public static let monochrome: Theme = {
        var theme = Theme(name: "mono", styles: Dictionary(uniqueKeysWithValues: Role.allCases.map { role in
            let style: Style = switch role {
            case .title, .smoothed, .good, .selected, .statusKey, .accent: Style(bold: true)
            case .dim, .series, .axis, .histogramBefore: Style(dim: true)
            case .bad, .alarm, .status: Style(reverse: true)
            case .warn, .marker, .testPoint: Style(underline: true)
            default: Style()
            }
            return (role, style)
        }))
        theme.runs = [Style(), Style(bold: true), Style(underline: true), Style(dim: true)]
        return theme
    }()

    // MARK: Files

    /// A theme file that cannot be used: which file, which field, what is wrong.
    public struct LoadError: Error, CustomStringConvertible, Equatable, Sendable {
        public let path: String
        public let problem: String
        public var description: String { "theme \(VisibleText.escaping(path)): \(problem)" }
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            var fg: String?
            var bg: String?
            var bold: Bool?
            var dim: Bool?
            var reverse: Bool?
            var underline: Bool?
        }
        var name: String
        var roles: [String: Entry]
        var terminal: Entry?
        var runs: [String]?
    }

    /// Reads and checks a theme file.
    public static func load(from url: URL) throws -> Theme {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError(path: path, problem: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, path: path)
    }

    /// Parses and checks theme JSON; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> Theme {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw LoadError(path: path, problem: "missing field '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'")
        } catch DecodingError.typeMismatch(_, let context) {
            throw LoadError(path: path, problem: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw LoadError(path: path, problem: "not valid JSON (\(error.localizedDescription))")
        }
        var styles: [Role: Style] = [:]
        for role in Role.allCases {
            guard let entry = file.roles[role.rawValue] else {
                throw LoadError(path: path, problem: "missing field 'roles.\(role.rawValue)'")
            }
            func color(_ text: String?, _ field: String) throws -> TerminalColor {
                guard let text else { return .default }
                guard let value = parseColor(text) else {
                    throw LoadError(path: path, problem: "field 'roles.\(role.rawValue).\(field)': '\(text)' is not a colour (use default, a name like red, 0–255, or #rrggbb)")
                }
                return value
            }
            styles[role] = Style(foreground: try color(entry.fg, "fg"), background: try color(entry.bg, "bg"),
                                 bold: entry.bold ?? false, dim: entry.dim ?? false,
                                 reverse: entry.reverse ?? false, underline: entry.underline ?? false)
        }
        if let unknown = file.roles.keys.sorted().first(where: { Role(rawValue: $0) == nil }) {
            throw LoadError(path: path, problem: "unknown field 'roles.\(unknown)'; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var theme = Theme(name: file.name, styles: styles)
        if let runs = file.runs {
            theme.runs = try runs.enumerated().map { index, text in
                guard let color = parseColor(text), color != .default else {
                    throw LoadError(path: path, problem: "field 'runs[\(index)]': '\(text)' is not a colour (use a name like red, 0–255, or #rrggbb)")
                }
                return Style(foreground: color)
            }
            if theme.runs.isEmpty { throw LoadError(path: path, problem: "field 'runs' is empty; list at least one colour or leave it out") }
        }
        for (field, text) in [("fg", file.terminal?.fg), ("bg", file.terminal?.bg)] {
            guard let text else { continue }
            guard let value = parseColor(text), value != .default else {
                throw LoadError(path: path, problem: "field 'terminal.\(field)': '\(text)' is not a colour (use a name like black, 0–255, or #rrggbb)")
            }
            if field == "fg" { theme.terminalForeground = value } else { theme.terminalBackground = value }
        }
        return theme
    }

    /// Parses `default`, a basic colour name, `0`–`255` or `#rrggbb`.
    public static func parseColor(_ text: String) -> TerminalColor? {
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        let t = text.lowercased()
        if t == "default" { return .default }
        if let i = names.firstIndex(of: t) { return .index(UInt8(i)) }
        if t.hasPrefix("bright-"), let i = names.firstIndex(of: String(t.dropFirst(7))) { return .index(UInt8(i + 8)) }
        if let i = UInt8(t) { return .index(i) }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        return nil
    }
}

/// Finds theme files: `--theme PATH`, or `NAME.json` in `$TENSORTOP_THEMES`, `./themes`, the
/// source tree next to the binary, or `/usr/share/tensortop/themes`.
public struct ThemeCatalog: Sendable {
    /// The theme used when none is asked for.
    public static let defaultName = "dark"
    /// The order `t` cycles through.
    public static let builtInOrder = ["dark", "light", "okabe-ito", "high-contrast", "mono"]

    public let folders: [URL]

    public init(executable: URL? = nil) {
        folders = ResourceFolders.candidates(named: "themes", environmentVariable: "TENSORTOP_THEMES", executable: executable)
    }

    /// The file a name or path refers to, if it exists.
    public func file(for nameOrPath: String) -> URL? {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") {
            let url = URL(fileURLWithPath: nameOrPath)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        return folders.map { $0.appendingPathComponent(nameOrPath + ".json") }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The theme a name or path asks for; throws naming the file and field, or the folders searched.
    public func theme(_ nameOrPath: String) throws -> Theme {
        guard let url = file(for: nameOrPath) else {
            throw Theme.LoadError(path: nameOrPath, problem: "no such theme in \(folders.map(\.path).joined(separator: ", "))")
        }
        return try Theme.load(from: url)
    }

    /// The theme a name or path asks for; on any problem, the default theme and a warning
    /// naming the file and field (falling back to monochrome if even the default is unusable).
    public func load(_ nameOrPath: String) -> (theme: Theme, warning: String?) {
        var warning: String?
        do {
            return (try theme(nameOrPath), nil)
        } catch {
            warning = "\(error); using the default theme"
        }
        if nameOrPath != Self.defaultName, let url = file(for: Self.defaultName), let theme = try? Theme.load(from: url) {
            return (theme, warning)
        }
        return (.monochrome, warning)
    }
}
