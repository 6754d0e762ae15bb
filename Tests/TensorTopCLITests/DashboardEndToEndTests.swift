import Foundation
import Testing
import TestSupport

/// The real release binary in tmux: keys in, captured screens out, and a sane terminal after quitting.
@Suite(.serialized) struct DashboardEndToEndTests {
    /// The release build of `tensortop` (make test builds it before the tests).
    static let releaseBinary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/release/tensortop")

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: releaseBinary.path) && Tmux.available
    }

    /// Captures the pane until `condition` holds; nil if it does not within 30 s.
    static func screen(_ session: String, until condition: (String) -> Bool) throws -> String? {
        let deadline = Date().addingTimeInterval(30)
        repeat {
            let text = try Tmux.run(["capture-pane", "-t", session, "-p"])
            if condition(text) { return text }
        } while Date() < deadline
        return nil
    }

    @Test(.enabled(if: available, "needs tmux and the release build (make test builds it)"))
    func keysSteerTheLiveDashboard() throws {
        let session = "tt-e2e-\(UUID().uuidString.prefix(8))"
        let work = Binary.temporaryDirectory()
        let data = TrainCommandTests.dataFolder(train: 4000, test: 200)
        let command = "\(Self.releaseBinary.path) --data \(data) --batch-size 16 --epochs 1000 --record session.cast; echo EXIT=$?; stty -a; sleep 60"
        try Tmux.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", work.path, command])
        defer { _ = try? Tmux.run(["kill-session", "-t", session]) }
        func send(_ keys: String...) throws { try Tmux.run(["send-keys", "-t", session] + keys) }

        // The first epoch's steps: the dashboard is running and the loss curve has points.
        try #require(try Self.screen(session) {
            $0.contains("RUNNING") && $0.contains("step 1─") && $0.contains("Weights 1.weight") && $0.contains("Batch") && $0.contains("Gradients")
        } != nil)

        try send("Space")
        let paused = try #require(try Self.screen(session) { $0.contains("PAUSED") && $0.contains("paused at step") })
        let pausedStep = try #require(paused.firstMatch(of: /paused at step (\d+)/).flatMap { Int($0.1) })
        try send("n")
        // One step later and paused again ("running 1 step" clears when the step is done; m shows it).
        try #require(try Self.screen(session) { $0.contains("PAUSED") && $0.contains("step \(pausedStep + 1) ") } != nil)

        try send("+")
        try #require(try Self.screen(session) { $0.contains("lr 0.001 → 0.002") } != nil)

        try send("i")
        // Conditions name everything checked: a capture can catch a frame half drawn.
        try #require(try Self.screen(session) { $0.contains("Re-initialise") && $0.contains("normal_(mean=0.0, std=0.01)") } != nil)
        try send("Down", "Enter")
        try #require(try Self.screen(session) {
            $0.contains("normal_(mean=0.0, std=0.01) on all parameters") && $0.contains("init normal_(mean=0.0, std=0.01)")
        } != nil)

        try send("s")
        try #require(try Self.screen(session) { $0.contains("saved ") && $0.contains("checkpoints/step-") && $0.contains(".safetensors") } != nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("checkpoints").path)
        #expect(files.contains { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") })

        try send("?")
        try #require(try Self.screen(session) { $0.contains("Keys (any key closes)") && $0.contains("learning rate ×2 / ÷2") } != nil)
        try send("Escape")
        try #require(try Self.screen(session) { !$0.contains("Keys (any key closes)") } != nil)

        try send("q")
        let after = try #require(try Self.screen(session) { $0.contains("EXIT=") && $0.contains("icanon") && $0.contains("echo") })
        #expect(after.contains("EXIT=0"))
        #expect(after.contains(" icanon") && after.contains(" echo"))  // cooked mode and echo are back
        #expect(!after.contains("-icanon"))
        // --record wrote an asciicast v2 file of the session.
        let cast = try String(contentsOf: work.appendingPathComponent("session.cast"), encoding: .utf8).split(separator: "\n")
        let header = try JSONSerialization.jsonObject(with: Data(cast[0].utf8)) as? [String: Any]
        #expect(header?["version"] as? Int == 2 && header?["width"] as? Int == 120)
        #expect(cast.count > 5)
    }
}
