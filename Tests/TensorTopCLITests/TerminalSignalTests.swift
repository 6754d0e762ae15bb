import Foundation
import Testing
import TestSupport
import ZIPFoundation

/// The release binary's dashboard in tmux, killed by each signal that ends a process: the
/// terminal must be back in cooked mode with echo afterwards, and the exit status must name
/// the signal (128 + its number in the shell).
@Suite(.serialized) struct TerminalSignalTests {
    static let signals: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("QUIT", SIGQUIT),
        ("SEGV", SIGSEGV), ("ILL", SIGILL), ("ABRT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("TRAP", SIGTRAP),
    ]

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"),
          arguments: signals.map(\.name))
    func signalLeavesTheTerminalUsable(signal name: String) throws {
        let number = try #require(Self.signals.first { $0.name == name }?.number)
        let dashboard = try DashboardSession("sig-\(name)")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") && $0.contains("Gradients") } != nil)
        #expect(kill(try #require(try dashboard.processID()), number) == 0)
        let end = try dashboard.finish()
        #expect(end.status == 128 + Int(number), "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }

    /// A PyTorch archive whose pickle nests 100,000 one-element tuples (the fuzz file
    /// pth_nested_tuple_100k.pth, made here): releasing it recursively overflows a stack.
    static func nestedTupleArchive(at url: URL) throws {
        let pickle = Data([0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 100_000) + [0x2E])  // PROTO 2, None, TUPLE1 ×100k, STOP
        let archive = try Archive(url: url, accessMode: .create)
        for (name, data) in [("archive/data.pkl", pickle), ("archive/byteorder", Data("little".utf8)), ("archive/version", Data("3\n".utf8))] {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
    }

    /// `l` then enter on a hostile checkpoint: a shape whose size overflows (a trap on the
    /// trainer thread today) or 100,000 nested tuples (a stack overflow on the trainer thread,
    /// handled on its alternate signal stack). Whether loading crashes (Swift's crash reporter
    /// then prints on a restored terminal and the exit status is 128 + the signal) or is refused
    /// (the dashboard goes on and quits normally), the terminal ends up cooked with echo.
    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"),
          arguments: ["overflowing shape", "nested tuples"])
    func hostileCheckpointNeverLeavesTheTerminalRaw(checkpoint: String) throws {
        let folder = Binary.temporaryDirectory()
        let checkpoints = folder.appendingPathComponent("checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        let hostile = checkpoints.appendingPathComponent("hostile.pth")
        if checkpoint == "nested tuples" {
            try Self.nestedTupleArchive(at: hostile)
        } else {
            try FileManager.default.copyItem(at: Binary.checkpointFixture("hostile/pth_view_shape_overflow.pth"), to: hostile)
        }
        let dashboard = try DashboardSession("crash", in: folder)
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") } != nil)
        try dashboard.send("l")
        try #require(try dashboard.screen { $0.contains("Load a checkpoint") && $0.contains("checkpoints/hostile.pth") } != nil)
        try dashboard.send("Enter")
        // Wait for the load's outcome: the process died (the crash reporter may ask for a key),
        // or the dashboard runs on with the list closed and a message naming the file.
        try #require(try dashboard.screen { screen in
            if screen.contains("Press space to interact") { _ = try? dashboard.send("q") }
            return screen.contains("EXIT=") || (!screen.contains("Load a checkpoint") && screen.contains("hostile.pth"))
        } != nil)
        let end = try dashboard.finish(sending: ["Escape", "q"])
        let status = try #require(end.status, "\(end.pane)")
        #expect([0, 128 + Int(SIGILL), 128 + Int(SIGTRAP), 128 + Int(SIGSEGV), 128 + Int(SIGBUS)].contains(status), "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }
}

/// A recording that cannot be written at quit (its folder vanished) is an error, not exit 0.
@Suite struct RecordingWriteTests {
    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func failedRecordingAtQuitExitsWithAnError() throws {
        let folder = Binary.temporaryDirectory()
        let recordings = folder.appendingPathComponent("recordings")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        let dashboard = try DashboardSession("record", in: folder, arguments: "--record recordings/session.cast")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") } != nil)
        try FileManager.default.removeItem(at: recordings)
        try dashboard.send("q")
        let end = try dashboard.finish()
        #expect(end.status == 1, "\(end.pane)")
        #expect(end.pane.contains("Error: cannot write the recording: "), "\(end.pane)")
        #expect(end.pane.contains("recordings/session.cast"), "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }
}

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
        // Still alive: it draws at the restored size.
        try #require(try dashboard.screen { $0.contains("Loss") && !$0.contains("EXIT=") } != nil)
        // Close any overlay or menu, then quit.
        let end = try dashboard.finish(sending: ["Escape", "Escape", "q"])
        #expect(end.status == 0, "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }
}

/// A release dashboard in its own 120×40 tmux session, and what the pane shows after it ends.
struct DashboardSession {
    let name: String
    let folder: URL

    /// Starts `tensortop --data SYNTHETIC --batch-size 16 --epochs 1000 ARGUMENTS` in `folder`;
    /// the inner shell writes its process id to `folder/pid` and then becomes tensortop (exec
    /// keeps the id). When it ends the pane shows `EXIT=status` and `stty -a`.
    init(_ label: String, in folder: URL = Binary.temporaryDirectory(), arguments: String = "") throws {
        name = "tt-\(label)-\(UUID().uuidString.prefix(8))"
        self.folder = folder
        let data = TrainCommandTests.dataFolder(train: 2000, test: 100)
        let command = "sh -c 'echo $$ > pid; exec \(DashboardEndToEndTests.releaseBinary.path) --data \(data) --batch-size 16 --epochs 1000 \(arguments)'; "
            + "echo EXIT=$?; stty -a; sleep 60"
        try Tmux.run(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", folder.path, command])
    }

    func send(_ keys: String...) throws { try Tmux.run(["send-keys", "-t", name] + keys) }

    /// The pane once `condition` holds (nil after 30 s).
    func screen(until condition: (String) -> Bool) throws -> String? { try DashboardEndToEndTests.screen(name, until: condition) }

    /// tensortop's process id.
    func processID() throws -> pid_t? {
        pid_t(try String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits for the end (answering the crash reporter's prompt, or sending `keys` while the
    /// dashboard still runs) and returns the exit status and whether the terminal is cooked
    /// with echo, CR→NL on input and NL→CRNL on output.
    func finish(sending keys: [String] = []) throws -> (status: Int?, restored: Bool, pane: String) {
        let pane = try screen { screen in
            if screen.contains("Press space to interact") {
                _ = try? Tmux.run(["send-keys", "-t", name, "q"])
            } else if !screen.contains("EXIT="), !keys.isEmpty {
                _ = try? Tmux.run(["send-keys", "-t", name] + keys)
            }
            return screen.contains("EXIT=") && screen.contains("icanon")
        } ?? ""
        let status = pane.range(of: "EXIT=[0-9]+", options: .regularExpression).flatMap { Int(pane[$0].dropFirst(5)) }
        let cooked = [" icanon", " echo ", " icrnl", " onlcr"].allSatisfy(pane.contains)
        let raw = ["-icanon", "-echo ", "-icrnl", "-onlcr"].contains(where: pane.contains)
        return (status, cooked && !raw, pane)
    }

    func close() { _ = try? Tmux.run(["kill-session", "-t", name]) }
}
