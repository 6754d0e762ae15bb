import Foundation
import Testing
import Dashboard

/// Golden screens: rendered text compared with files in Golden/; TENSORTOP_RECORD_GOLDEN=1
/// rewrites them (run from the package root).
enum GoldenFrames {
    static var recording: Bool { ProcessInfo.processInfo.environment["TENSORTOP_RECORD_GOLDEN"] == "1" }

    /// The source folder of the golden files (for recording).
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if recording {
            try! text.write(to: sourceFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            return
        }
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden"),
              let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name); run with TENSORTOP_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(text == expected, "screen differs from Golden/\(name)", sourceLocation: sourceLocation)
    }

    /// The styles of a buffer as a compact text map: one letter per distinct style, in order of appearance.
    static func styleMap(_ buffer: Buffer) -> String {
        var letters: [Style: Character] = [:]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var lines: [String] = []
        for y in 0..<buffer.height {
            var line = ""
            for x in 0..<buffer.width {
                let style = buffer[x, y].style
                if letters[style] == nil { letters[style] = alphabet[min(letters.count, alphabet.count - 1)] }
                line.append(letters[style]!)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
