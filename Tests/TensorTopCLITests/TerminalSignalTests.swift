import Foundation
import Testing
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
