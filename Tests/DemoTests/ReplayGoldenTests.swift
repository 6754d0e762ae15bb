import Foundation
import Testing
import App
import Dashboard
import Recording
import Telemetry

/// A recorded 2-epoch run replayed in the dashboard: a scripted demo records the run, and a
/// second script plays against the recording (through the source contract alone, no trainer)
/// and gives golden frames at its first snapshot, its middle one and its last (on pages 1 and 3).
@Suite(.serialized) struct ReplayGoldenTests {
    static let golden = DemoTests.root.appendingPathComponent("Tests/DemoTests/ReplayGolden")
    /// The rows of a 120×40 frame where a replay differs from the live run: the status bar and hints.
    static let statusRows = 38...39

    /// A fresh temporary folder.
    static func workFolder() throws -> URL {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tt-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        return work
    }

    /// Plays Fixtures/two-epochs.tt with a recording; returns the live frames.
    static func record(to run: URL) throws -> [(name: String, text: String)] {
        let url = try #require(Bundle.module.url(forResource: "two-epochs", withExtension: "tt", subdirectory: "Fixtures"))
        var options = DemoRunner.Options()
        options.catalog = ThemeCatalog(executable: DemoTests.releaseBinary)
        options.config.epochs = 2
        options.recordRun = run
        return try DemoRunner(script: try DemoScript(contentsOf: url), options: options).run()
    }

    /// The replay script: the first snapshot, → to the middle one, end to the last, 3 for page 3.
    static func replayScript(snapshots: Int) throws -> DemoScript {
        let lines = ["frame 01-first"] + Array(repeating: "key right", count: snapshots / 2)
            + ["frame 02-middle", "key end", "frame 03-last", "key 3", "frame 04-last-history"]
        return try DemoScript(text: lines.joined(separator: "\n"), file: "replay.tt")
    }

    @Test(.enabled(if: DemoTests.dataInstalled, "needs Fashion-MNIST (make deps installs it)"))
    func aReplayOfARecordedTwoEpochRunMatchesItsGoldenFrames() throws {
        let work = try Self.workFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let run = work.appendingPathComponent("two-epochs.ttrun")
        let live = try Self.record(to: run)

        // Every snapshot the demo showed is in the recording, which ends where the run did.
        let source = try ReplaySource(contentsOf: run, playing: false)
        let first = try #require(source.latestSnapshot())
        let count = try #require(first.timeline?.count)
        #expect(first.step == 0 && count > 4)
        source.send(.seek(.last))
        let last = try #require(source.latestSnapshot())
        #expect(last.step == 100 && last.epoch == 2 && last.state == .finished)
        #expect(last.timeline?.damage == nil)

        var options = DemoRunner.Options()
        options.catalog = ThemeCatalog(executable: DemoTests.releaseBinary)
        options.replay = run
        let frames = try DemoRunner(script: try Self.replayScript(snapshots: count), options: options).run()
        #expect(frames.map(\.name) == ["01-first", "02-middle", "03-last", "04-last-history"])

        // The replay's last frame shows the live run's panels: only the status bar and the
        // hints (the bottom lines) say it is a replay.
        let liveLast = try #require(live.last?.text).split(separator: "\n", omittingEmptySubsequences: false)
        let replayLast = try #require(frames.first { $0.name == "03-last" }?.text).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(liveLast.count == replayLast.count)
        let differing = zip(liveLast, replayLast).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.allSatisfy { Self.statusRows.contains($0) }, "rows \(differing) differ between the live run and its replay")

        for (name, text) in frames {
            let file = Self.golden.appendingPathComponent("\(name).txt")
            if DemoTests.recording {
                try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            } else {
                let expected = try? String(contentsOf: file, encoding: .utf8)
                #expect(text == expected, "\(name) differs from Tests/DemoTests/ReplayGolden (TENSORTOP_RECORD_GOLDEN=1 re-records)")
            }
        }
        // The status bar says REPLAY with the position; the hints (on the first frame, before a
        // seek's message takes their line) offer only what a replay can do.
        let rows = frames.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let badges = [" REPLAY 1/\(count) paused ", " REPLAY \(count / 2 + 1)/\(count) paused ", " REPLAY \(count)/\(count) paused ",
                      " REPLAY \(count)/\(count) paused "]
        #expect(zip(rows, badges).allSatisfy { $0[38].hasPrefix($1) }, "\(rows.map { $0[38] })")
        let hints = rows[0][39]
        #expect(hints.contains("←/→ seek") && hints.contains("␣ play"), "\(hints)")
        for trainerKey in ["n step", "+/- lr", "i init", "r reset", "s save", "l load"] {
            #expect(!hints.contains(trainerKey), "\(trainerKey) is hinted in a replay: \(hints)")
        }
    }

    @Test(.enabled(if: DemoTests.dataInstalled, "needs Fashion-MNIST (make deps installs it)"))
    func aReplayRefusesStepsAndSettingsAndAnExistingRecordingIsKept() throws {
        let work = try Self.workFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let run = work.appendingPathComponent("short.ttrun")
        var options = DemoRunner.Options()
        options.recordRun = run
        try DemoRunner(script: try DemoScript(text: "steps 2", file: "short.tt"), options: options).run()
        let size = try FileManager.default.attributesOfItem(atPath: run.path)[.size] as? Int
        // Recording again to the same file is refused before anything plays; the file stays.
        let again = #expect(throws: DemoRunner.Failure.self) { try DemoRunner(script: try DemoScript(text: "steps 2", file: "short.tt"), options: options).run() }
        #expect(again?.description.contains("exists already") == true)
        #expect(try FileManager.default.attributesOfItem(atPath: run.path)[.size] as? Int == size)

        var replay = DemoRunner.Options()
        replay.replay = run
        let steps = #expect(throws: DemoRunner.Failure.self) { try DemoRunner(script: try DemoScript(text: "steps 1", file: "r.tt"), options: replay).run() }
        #expect(steps?.description == "r:1: `steps` needs a live trainer; this demo plays a recorded run")
        let settings = #expect(throws: DemoRunner.Failure.self) {
            try DemoRunner(script: try DemoScript(text: "settings lr=1\nkey right", file: "s.tt"), options: replay).run()
        }
        #expect(settings?.description.contains("`settings` need a live trainer") == true)
    }
}
