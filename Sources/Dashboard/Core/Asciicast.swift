import Foundation

/// An asciicast v2 recording (what `asciinema play` plays): a JSON header line, then one
/// `[seconds, "o", output]` event per frame and `[seconds, "m", label]` markers.
public struct Asciicast: Sendable {
    public let width: Int
    public let height: Int
    public let title: String
    public private(set) var lines: [String] = []
    private var previous: Buffer?

    public init(width: Int, height: Int, title: String, timestamp: Int) {
        self.width = width
        self.height = height
        self.title = title
        let header: [String: Any] = [
            "version": 2, "width": width, "height": height, "timestamp": timestamp, "title": title,
            "env": ["TERM": "xterm-256color", "SHELL": "/bin/sh"],
        ]
        lines.append(Self.json(header))
    }

    /// Adds the output that draws `buffer` at `time` (only what changed since the last frame).
    public mutating func frame(_ buffer: Buffer, at time: Double) {
        let output = ANSI.update(from: previous, to: buffer)
        previous = buffer
        lines.append(Self.json([Self.round(time), "o", output]))
    }

    /// Adds a marker (asciinema shows them as chapter points).
    public mutating func marker(_ label: String, at time: Double) {
        lines.append(Self.json([Self.round(time), "m", label]))
    }

    /// The whole recording as newline-delimited JSON.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Writes the recording atomically (temporary file, then rename).
    public func write(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    private static func round(_ t: Double) -> Double { (t * 1000).rounded() / 1000 }

    private static func json(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
