import Foundation
import Testing
import TestSupport

/// Resize storms and thousands of random keys (escape sequences, paste, mouse codes) keep the
/// dashboard alive, and it still quits cleanly with the terminal restored.
@Suite(.serialized) struct TerminalStormTests {
    /// A small deterministic generator, so a failing storm can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Raw input: printable keys (no q), arrows and function keys, a bracketed paste, mouse
    /// reports, stray escapes and control bytes that do not end the process.
    static func randomInput(_ random: inout SplitMix) -> [UInt8] {
        let sequences: [[UInt8]] = [
            Array("\u{1B}[A".utf8), Array("\u{1B}[B".utf8), Array("\u{1B}[C".utf8), Array("\u{1B}[D".utf8),
            Array("\u{1B}OP".utf8), Array("\u{1B}[15~".utf8), Array("\u{1B}[200~pasted text\u{1B}[201~".utf8),
            Array("\u{1B}[M !!".utf8), Array("\u{1B}[<0;10;5M".utf8), [0x1B], [0x1B, 0x1B], [0x09], [0x0D], [0x7F], [0x01], [0x0B],
            Array("é✓".utf8), [0xFF], [0xC3],
        ]
        if Int.random(in: 0..<3, using: &random) == 0 { return sequences.randomElement(using: &random)! }
        let printable = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPRSTUVWXYZ[]^_`abcdefghijklmnoprstuvwxyz{|}~".utf8)
        return [printable.randomElement(using: &random)!]
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func resizeStormAndRandomKeysLeaveTheTerminalUsable() throws {
        let dashboard = try DashboardSession("storm")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") } != nil)
        let session = dashboard.name

        var random = SplitMix(state: 10)
        for round in 0..<64 {
            let (width, height) = (Int.random(in: 1...300, using: &random), Int.random(in: 1...100, using: &random))
            try Tmux.run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
            let bytes = (0..<50).flatMap { _ in Self.randomInput(&random) }
            try Tmux.run(["send-keys", "-t", session, "-H"] + bytes.map { String(format: "%02x", $0) })
            if round % 16 == 15 { try Tmux.run(["resize-window", "-t", session, "-x", "1", "-y", "1"]) }
        }
        try Tmux.run(["resize-window", "-t", session, "-x", "120", "-y", "40"])
        // Still alive: back on the main page (the storm's keys may have left a menu, an overlay or
        // another page open, and on a loaded machine how an escape byte pairs with the next one
        // depends on timing), it draws at the restored size.
        // The storm may also have left a program being typed on page 5 (where `1` is a letter
        // until esc): escapes, then `1`, a few times over.
        var back: String?
        for _ in 0..<3 where back == nil {
            try dashboard.send("Escape")
            try dashboard.send("Escape")
            try dashboard.send("1")
            back = try dashboard.screen { $0.contains("Loss") && !$0.contains("EXIT=") }
        }
        if back == nil { Issue.record("not back on the main page: \((try? Tmux.run(["capture-pane", "-p", "-t", session])) ?? "")") }
        try #require(back != nil)
        // Close any overlay or menu, then quit. Each escape goes on its own, well past the 25 ms
        // escape delay: sent together, a loaded machine can deliver "escape q" as one alt-q,
        // which quits nothing, every time it is repeated.
        for _ in 0..<2 {
            try dashboard.send("Escape")
            Thread.sleep(forTimeInterval: 0.3)
        }
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0, "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }
}
