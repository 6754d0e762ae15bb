import Foundation
import Recording
import Testing
import TestSupport

/// `tensortop replay` in a real terminal (tmux, the release binary) on runs recorded by
/// `train --record`: the timeline keys, page 3, quitting to a sane terminal, and `--follow` on
/// a run still being written.
@Suite(.serialized) struct ReplayTerminalTests {
    /// Snapshots in a recording as it stands on disk.
    static func snapshots(in run: URL) -> Int {
        RunLoader.load((try? [UInt8](Data(contentsOf: run))) ?? [], file: run.path).run.snapshots.count
    }

    /// `REPLAY n/count` as the status bar shows it, or nil.
    static func position(_ screen: String) -> (index: Int, count: Int)? {
        screen.firstMatch(of: /REPLAY (\d+)\/(\d+)/).flatMap { match in Int(match.1).flatMap { i in Int(match.2).map { (i, $0) } } }
    }

    /// A fresh folder, the recording's path in it, and a synthetic data folder of `trainImages` images.
    static func workFolder(recording: String, trainImages: Int) -> (folder: URL, run: URL, data: String) {
        let folder = Binary.temporaryDirectory()
        return (folder, folder.appendingPathComponent(recording), TrainCommandTests.dataFolder(train: trainImages, test: 100))
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func replayStepsThroughARecordedRunAndQuitsToASaneTerminal() throws {
        let (folder, run, data) = Self.workFolder(recording: "run.ttrun", trainImages: 4000)
        let train = try Binary.run(["train", "--data", data, "--epochs", "8", "--batch-size", "16", "--record", run.path])
        #expect(train.status == 0, "\(train.stderr)")
        let count = Self.snapshots(in: run)
        try #require(count >= 3, "the recording holds \(count) snapshots")

        let replay = try DashboardSession("replay", in: folder, commandLine: "replay run.ttrun")
        defer { replay.close() }
        // Playing from the first snapshot; only what a replay can do is hinted (no step, lr,
        // init, reset or save keys).
        let opening = try #require(try replay.screen { $0.contains("REPLAY ") && $0.contains("←/→ seek") })
        let hints = try #require(opening.split(separator: "\n").last { $0.contains("←/→ seek") })
        for trainerKey in ["n step", "+/- lr", "i init", "r reset", "s save", "l load"] {
            #expect(!hints.contains(trainerKey), "\(trainerKey) is hinted in a replay: \(hints)")
        }
        // Pause (space; unless play has already reached the end), go to the first snapshot, one on.
        if opening.contains("REPLAY ") && !opening.contains(" paused ") { try replay.send("Space") }
        try #require(try replay.screen { $0.contains("/\(count) paused ") } != nil)
        try replay.send("Home")
        try #require(try replay.screen { $0.contains("REPLAY 1/\(count) paused") } != nil)
        try replay.send("Right")
        try #require(try replay.screen { $0.contains("REPLAY 2/\(count) paused") } != nil)
        try replay.send("End")
        try #require(try replay.screen { $0.contains("REPLAY \(count)/\(count)") } != nil)
        try replay.send("3")
        try #require(try replay.screen { $0.contains("REPLAY \(count)/\(count)") && $0.contains("Test accuracy %") && $0.contains("Learning rate") } != nil)
        let end = try replay.finish(sending: ["q"])
        #expect(end.status == 0, "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func followShowsARunGrowingAsItIsWritten() throws {
        let (folder, run, data) = Self.workFolder(recording: "growing.ttrun", trainImages: 2000)
        let train = try Binary.start(["train", "--data", data, "--epochs", "100000", "--batch-size", "16", "--record", run.path])
        defer {
            if train.isRunning { kill(train.processIdentifier, SIGKILL) }
            train.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(60)
        while Self.snapshots(in: run) < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }

        let follow = try DashboardSession("follow", in: folder, commandLine: "replay --follow growing.ttrun")
        defer { follow.close() }
        let first = try #require(try follow.screen { $0.contains("following") && Self.position($0) != nil })
        let start = try #require(Self.position(first))
        // The tail sticks to the newest snapshot as the run writes more. (The recorder writes
        // at the lowest priority: on a crowded machine that may take a while; up to 2 minutes.)
        var later: String?
        for _ in 0..<4 where later == nil {
            later = try follow.screen { screen in Self.position(screen).map { $0.count > start.count + 1 && $0.index == $0.count } ?? false }
        }
        let grown = try #require(later, "the followed position stayed at \(start)")
        #expect(grown.contains("following"))

        // The run ends (SIGTERM stops it cleanly, with the end marker): following stops.
        kill(train.processIdentifier, SIGTERM)
        train.waitUntilExit()
        #expect(try follow.screen { !$0.contains("following") && $0.contains("REPLAY") } != nil)
        let end = try follow.finish(sending: ["q"])
        #expect(end.status == 0 && end.restored, "\(end.pane)")
    }
}

/// Where the dashboard records a run: runs/ by default (with a size cap), --record-run,
/// --no-record-run; and a failed start records nothing.
@Suite(.serialized) struct DashboardRunRecordingTests {
    /// `text` without white space: a line the pane wraps may lose the space where it breaks.
    static func unwrapped(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func theDashboardRecordsUnderRunsByDefaultAndSaysWhere() throws {
        let folder = Binary.temporaryDirectory()
        let dashboard = try DashboardSession("runs", in: folder)
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") && $0.contains("recording this run to runs/") } != nil)
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0 && end.restored, "\(end.pane)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("runs").path)
        #expect(names.count == 1 && names[0].hasSuffix(".ttrun"), "\(names)")
        let name = try #require(names.first)
        #expect(name.wholeMatch(of: /\d{4}-\d{2}-\d{2}-\d{6}\.ttrun/) != nil, "\(name)")
        // (The pane wraps the line at 120 columns, and may drop a space where it wraps.)
        #expect(Self.unwrapped(end.pane).contains(Self.unwrapped("recorded this run to runs/\(name); replay it with tensortop replay runs/\(name)")), "\(end.pane)")
        let loader = RunLoader.load(try [UInt8](Data(contentsOf: folder.appendingPathComponent("runs/\(name)"))), file: name)
        #expect(loader.damage == nil && loader.run.end != nil && !loader.run.snapshots.isEmpty)
        #expect(loader.run.header?.maxBytes == 256 << 20)
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func noRecordRunLeavesNothingAndAnUncreatableRunsFolderIsAWarning() throws {
        let off = Binary.temporaryDirectory()
        let quiet = try DashboardSession("no-runs", in: off, arguments: "--no-record-run")
        defer { quiet.close() }
        try #require(try quiet.screen { $0.contains("RUNNING") } != nil)
        let quietEnd = try quiet.finish(sending: ["q"])
        #expect(quietEnd.status == 0 && !quietEnd.pane.contains("recorded this run"), "\(quietEnd.pane)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: off.path).sorted() == ["pid"])

        // runs/ is a file here: the dashboard runs anyway, unrecorded, and says why.
        let blocked = Binary.temporaryDirectory()
        try Data("not a folder".utf8).write(to: blocked.appendingPathComponent("runs"))
        let dashboard = try DashboardSession("blocked", in: blocked, arguments: "--record-run-limit 1M")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") } != nil)
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0 && end.restored, "\(end.pane)")
        #expect(end.pane.contains("warning: cannot create runs/"), "\(end.pane)")
        #expect(!end.pane.contains("recorded this run"), "\(end.pane)")
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func recordRunChoosesTheFileAndTheLimitItsCap() throws {
        let folder = Binary.temporaryDirectory()
        let dashboard = try DashboardSession("record-run", in: folder, arguments: "--record-run mine.ttrun --record-run-limit 1M")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("RUNNING") && $0.contains("recording this run to mine.ttrun") } != nil)
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0 && end.restored, "\(end.pane)")
        #expect(Self.unwrapped(end.pane).contains(Self.unwrapped("recorded this run to mine.ttrun; replay it with tensortop replay mine.ttrun")), "\(end.pane)")
        let run = folder.appendingPathComponent("mine.ttrun")
        let loader = RunLoader.load(try [UInt8](Data(contentsOf: run)), file: run.path)
        #expect(loader.run.header?.maxBytes == 1 << 20 && loader.run.end != nil)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path))
        // The same name again is refused before the dashboard starts (no terminal needed).
        let again = try Binary.run(["dashboard", "--data", TrainCommandTests.dataFolder(), "--record-run", run.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("\(run.path): already exists; choose another name"), "\(again.stderr)")
    }

    @Test func recordRunOptionsAreCheckedBeforeStarting() throws {
        for (arguments, message) in [(["--record-run-limit", "lots"], "--record-run-limit: expected a size like 256M"),
                                     (["--record-run", "x.ttrun", "--no-record-run"], "--record-run and --no-record-run contradict each other")] {
            let result = try Binary.run(["dashboard"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aRunThatFailsAtStartupLeavesNoRecording() throws {
        let folder = Binary.temporaryDirectory()
        let run = folder.appendingPathComponent("failed.ttrun")
        let missing = folder.appendingPathComponent("no-data").path
        let first = try Binary.run(["train", "--data", missing, "--epochs", "1", "--record", run.path])
        #expect(first.status != 0)
        #expect(!FileManager.default.fileExists(atPath: run.path), "\(first.stderr)")
        // Once the data is there, the same name records.
        let second = try Binary.run(["train", "--data", TrainCommandTests.dataFolder(), "--epochs", "1", "--record", run.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: run.path))
        // A dashboard that cannot read its data records nothing either (here, without a terminal).
        let dashboard = try Binary.run(["dashboard", "--data", missing, "--record-run", folder.appendingPathComponent("d.ttrun").path])
        #expect(dashboard.status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["failed.ttrun"])
    }
}
