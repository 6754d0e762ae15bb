import Foundation
import Testing

/// The real release binary in tmux: keys in, captured screens out, and a sane terminal after quitting.
@Suite(.serialized) struct DashboardEndToEndTests {
    /// The release build of `tensortop` (make test builds it before the tests).
    static let releaseBinary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/release/tensortop")

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: releaseBinary.path) && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Runs tmux with `arguments`, returning its output.
    @discardableResult
    static func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Captures the pane until `condition` holds (or 60 s pass); returns the last capture.
    static func screen(_ session: String, until condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        repeat {
            text = try tmux(["capture-pane", "-t", session, "-p"])
            if condition(text) { return text }
        } while Date() < deadline
        return text
    }

    @Test(.enabled(if: available, "needs tmux and the release build (make test builds it)"))
    func keysSteerTheLiveDashboard() throws {
        let session = "tt-e2e-\(UUID().uuidString.prefix(8))"
        let work = Binary.temporaryDirectory()
        let data = TrainCommandTests.dataFolder(train: 4000, test: 200)
        let command = "\(Self.releaseBinary.path) --data \(data) --batch-size 16 --epochs 50; echo EXIT=$?; stty -a; sleep 60"
        try Self.tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", work.path, command])
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
        func send(_ keys: String...) throws { try Self.tmux(["send-keys", "-t", session] + keys) }

        let running = try Self.screen(session) { $0.contains("RUNNING") && $0.contains("◆") }
        #expect(running.contains("Loss"), "\(running)")
        #expect(running.contains("Weights 1.weight"))
        #expect(running.contains("Batch"))
        #expect(running.contains("Gradients"))

        try send("Space")
        #expect(try Self.screen(session) { $0.contains("PAUSED") }.contains("paused at step"))
        let paused = try Self.screen(session) { $0.contains("PAUSED") }
        try send("n")
        #expect(try Self.screen(session) { $0.contains("running 1 step") && $0.contains("PAUSED") }.contains("PAUSED"))
        _ = paused

        try send("+")
        #expect(try Self.screen(session) { $0.contains("lr 0.001 → 0.002") }.contains("lr 0.002"))

        try send("i")
        #expect(try Self.screen(session) { $0.contains("Re-initialise") }.contains("normal_(mean=0.0, std=0.01)"))
        try send("Down", "Enter")
        #expect(try Self.screen(session) { $0.contains("normal_(mean=0.0, std=0.01) on all parameters") }
            .contains("init normal_(mean=0.0, std=0.01)"))

        try send("s")
        let saved = try Self.screen(session) { $0.contains("saved ") && $0.contains("checkpoints/step-") }
        #expect(saved.contains(".safetensors"))
        let files = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("checkpoints").path)
        #expect(files.contains { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") })

        try send("?")
        #expect(try Self.screen(session) { $0.contains("Keys (any key closes)") }.contains("learning rate ×2 / ÷2"))
        try send("Escape")
        #expect(!(try Self.screen(session) { !$0.contains("Keys (any key closes)") }.contains("Keys (any key closes)")))

        try send("q")
        let after = try Self.screen(session) { $0.contains("EXIT=") && $0.contains("icanon") }
        #expect(after.contains("EXIT=0"))
        #expect(after.contains(" icanon") && after.contains(" echo"))  // cooked mode and echo are back
        #expect(!after.contains("-icanon"))
    }
}
