import Dashboard
import Foundation
import NN
import Telemetry
import Training

/// One command of a demo script.
public enum DemoCommand: Sendable, Equatable {
    /// Let the trainer run exactly this many more steps.
    case steps(Int)
    case key(Key)
    /// Press each character as a key.
    case type(String)
    /// Pause the recording (never affects what is computed).
    case wait(seconds: Double)
    /// Write the current screen under this name.
    case frame(String)
    /// Show (or, with an empty text, clear) a caption line.
    case caption(String)
    case theme(String)
    case resize(width: Int, height: Int)
}

/// Training settings a script asks for with `settings key=value ...` before its first command.
public struct DemoSettings: Sendable, Equatable {
    public var values: [String: String] = [:]

    /// The keys `settings` accepts.
    public static let keys = ["optimizer", "lr", "momentum", "model", "batch", "init", "seed"]

    /// Applies the settings to a training configuration (validated by the trainer on start).
    public func apply(to config: inout TrainingConfig) throws {
        if let v = values["optimizer"] { config.optimizer = try OptimizerKind(name: v) }
        if let v = values["lr"] { config.learningRate = try number(v, "lr") }
        if let v = values["momentum"] { config.momentum = try number(v, "momentum") }
        if let v = values["model"] { config.model = try ModelPreset(name: v) }
        if let v = values["batch"] {
            guard let batch = Int(v), batch > 0 else { throw ConfigError("batch", "'\(v)' is not a whole number of images (1 or more)") }
            config.batchSize = batch
        }
        if let v = values["init"] {
            do { config.initMethod = try InitMethod(spelling: v) } catch { throw ConfigError("init", error.description) }
        }
        if let v = values["seed"] {
            guard let seed = UInt64(v) else { throw ConfigError("seed", "'\(v)' is not a whole number from 0 to \(UInt64.max)") }
            config.seed = seed
        }
    }

    private func number(_ text: String, _ key: String) throws -> Double {
        guard let v = Double(text) else { throw ConfigError(key, "'\(text)' is not a number") }
        return v
    }
}

/// A demo script: plain text, one command a line, `#` starts a comment line.
///
/// ```
/// steps 100
/// key space
/// caption "Paused: press n to take one step"
/// frame paused
/// ```
public struct DemoScript: Sendable {
    /// The commands with their line numbers.
    public let commands: [(line: Int, command: DemoCommand)]
    /// Training settings from `settings` lines (before the first command).
    public let settings: DemoSettings
    public let name: String

    /// A script error: the file, the line and what was expected.
    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public let file: String
        public let line: Int
        public let problem: String
        public init(file: String, line: Int, problem: String) {
            self.file = file
            self.line = line
            self.problem = problem
        }
        /// `FILE:LINE: problem`, with any control characters from the file name or the quoted line made visible.
        public var description: String {
            VisibleText.escaping(line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)")
        }
    }

    /// Parses script text; `file` names it in errors.
    public init(text: String, file: String) throws {
        // The name goes into messages, the recording's title and the summary: no raw control characters.
        name = VisibleText.escaping(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        var commands: [(Int, DemoCommand)] = []
        var settings = DemoSettings()
        // Lines end at any newline: "\r\n" is one Character in Swift, so a script saved with
        // Windows line endings would not split on "\n".
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ problem: String) -> ParseError { ParseError(file: file, line: index + 1, problem: problem) }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let word = parts[0], rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            switch word {
            case "settings":
                guard commands.isEmpty else { throw fail("`settings` must come before the first command") }
                for pair in rest.split(separator: " ") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2, DemoSettings.keys.contains(kv[0]) else {
                        throw fail("expected settings key=value with keys \(DemoSettings.keys.joined(separator: ", ")), got '\(pair)'")
                    }
                    settings.values[kv[0]] = kv[1]
                }
                // Check the values now, so a bad one is reported with its line.
                var probe = TrainingConfig()
                do {
                    try settings.apply(to: &probe)
                    try probe.validate()
                } catch {
                    throw fail("\(error)")
                }
            case "steps":
                guard let n = Int(rest), n > 0, n <= 1_000_000 else { throw fail("expected `steps N` with N a positive number of steps, got '\(line)'") }
                commands.append((index + 1, .steps(n)))
            case "key":
                guard let key = Key(name: rest) else {
                    throw fail("expected `key NAME` (a character, space, tab, enter, esc, up, down, left, right, F1–F12), got '\(line)'")
                }
                commands.append((index + 1, .key(key)))
            case "type":
                guard !rest.isEmpty else { throw fail("expected `type TEXT`") }
                commands.append((index + 1, .type(Self.unquote(rest))))
            case "wait":
                guard let seconds = Self.duration(rest) else {
                    throw fail("expected `wait 500ms` or `wait 2s` (at most \(Int(Self.longestWait)) s), got '\(line)'")
                }
                commands.append((index + 1, .wait(seconds: seconds)))
            case "frame":
                guard !rest.isEmpty, rest.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw fail("expected `frame NAME` with letters, digits, - _ or . in the name, got '\(line)'")
                }
                commands.append((index + 1, .frame(rest)))
            case "caption":
                guard rest.count >= 2, rest.first == "\"", rest.last == "\"" else { throw fail("expected `caption \"text\"` in double quotes, got '\(line)'") }
                commands.append((index + 1, .caption(Self.unquote(rest))))
            case "theme":
                guard !rest.isEmpty else { throw fail("expected `theme NAME`") }
                commands.append((index + 1, .theme(rest)))
            case "resize":
                let size = rest.split(separator: "x").compactMap { Int($0) }
                guard size.count == 2, size[0] >= 20, size[1] >= 10, size[0] <= 500, size[1] <= 200 else {
                    throw fail("expected `resize WIDTHxHEIGHT` like 80x24, got '\(line)'")
                }
                commands.append((index + 1, .resize(width: size[0], height: size[1])))
            default:
                throw fail("unknown command '\(word)'; expected settings, steps, key, type, wait, frame, caption, theme or resize")
            }
        }
        self.commands = commands
        self.settings = settings
    }

    /// Reads and parses a script file.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ParseError(file: url.path, line: 0, problem: "cannot read the script (\(error.localizedDescription))")
        }
        try self.init(text: text, file: url.path)
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// The longest `wait` a script may ask for, in seconds (an hour of recording time).
    public static let longestWait = 3600.0

    /// Seconds from `500ms` or `2s`; nil unless a number from 0 to `longestWait` (not inf or nan).
    private static func duration(_ text: String) -> Double? {
        let seconds: Double?
        if text.hasSuffix("ms") {
            seconds = Double(text.dropLast(2)).map { $0 / 1000 }
        } else if text.hasSuffix("s") {
            seconds = Double(text.dropLast())
        } else {
            seconds = nil
        }
        guard let seconds, seconds.isFinite, seconds >= 0, seconds <= longestWait else { return nil }
        return seconds
    }
}
