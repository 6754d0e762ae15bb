import Foundation

/// An asciicast v2 recording (what `asciinema play` plays): a JSON header line, then one
/// `[seconds, "o", output]` event per frame and `[seconds, "m", label]` markers.
public struct Asciicast: Sendable {
    public let width: Int
    public let height: Int
    public let title: String
    public private(set) var lines: [String] = []
    private var previous: Buffer?
    private var lastTime = 0.0
    /// The latest event time written (about 31 years): later times are held at it.
    public static let latestTime = 1e9

    /// Starts a recording; control characters in `title` are made visible (players print it).
    public init(width: Int, height: Int, title: String, timestamp: Int) {
        self.width = width
        self.height = height
        self.title = VisibleText.escaping(title)
        let header: [String: Any] = [
            "version": 2, "width": width, "height": height, "timestamp": timestamp, "title": self.title,
            "env": ["TERM": "xterm-256color", "SHELL": "/bin/sh"],
        ]
        lines.append(Self.json(header))
    }

    /// Adds the output that draws `buffer` at `time` (only what changed since the last frame).
    public mutating func frame(_ buffer: Buffer, at time: Double) {
        let output = ANSI.update(from: previous, to: buffer)
        previous = buffer
        lines.append(Self.json([eventTime(time), "o", output]))
    }

    /// Adds a marker (asciinema shows them as chapter points).
    public mutating func marker(_ label: String, at time: Double) {
        lines.append(Self.json([eventTime(time), "m", VisibleText.escaping(label)]))
    }

    /// `time` rounded to milliseconds, never before the previous event and always finite
    /// (JSON has no infinity; a player needs times in order).
    private mutating func eventTime(_ time: Double) -> Double {
        let rounded = Self.round(time)
        lastTime = rounded.isFinite ? min(max(lastTime, rounded), Self.latestTime) : lastTime
        return lastTime
    }

    /// The whole recording as newline-delimited JSON.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    private static func round(_ t: Double) -> Double { (t * 1000).rounded() / 1000 }

    /// One JSON line. Callers pass only strings, integers and finite numbers (`eventTime`),
    /// which always serialise; were one ever refused, the line becomes an empty array rather
    /// than a crash that loses the whole recording.
    private static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
