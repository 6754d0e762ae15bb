import Foundation
import Testing
import TensorBoard
import TestSupport

/// `tensortop board`: the fixture logs written by PyTorch's SummaryWriter (with a damaged and
/// a truncated copy) as printed screens, a log written by `tensortop train --tensorboard`, the
/// command line's errors, and the board in a real terminal following runs as they are written.
@Suite struct BoardCommandTests {
    /// The fixture logs of TensorBoardTests (run-a, run-b, run-b/nested, damaged, truncated).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TensorBoardTests/Fixtures/logs").standardizedFileURL

    /// Golden text files of this suite; TENSORTOP_RECORD_GOLDEN=1 rewrites them.
    static func checkGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["TENSORTOP_RECORD_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "screen differs from Golden/\(name):\n\(text)", sourceLocation: sourceLocation)
    }

    /// A copy of the fixture runs `names` in a new folder (so the test can add to it).
    static func copyOfFixtures(_ names: [String]) throws -> URL {
        let folder = Binary.temporaryDirectory().appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in names {
            let target = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: target)
        }
        return folder
    }

    @Test(arguments: [("scalars", "120x40"), ("scalars", "80x24"), ("histograms", "120x40"), ("histograms", "80x24"),
                      ("images", "120x40"), ("images", "80x24")])
    func theFixtureLogsPrintAsGoldenScreens(view: String, size: String) throws {
        // From the fixtures' folder, so the screen names it the same on every machine.
        let result = try Binary.run(["board", ".", "--view", view, "--print-frame", size], environment: ["NO_COLOR": "1"],
                                    in: Self.fixtures)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.checkGolden(result.stdout, "board-fixtures-\(view)-\(size).txt")
    }

    @Test func theDamagedAndTruncatedCopiesAreReportedAndTheRestIsShown() throws {
        let result = try Binary.run(["board", ".", "--print-frame", "140x40", "--filter", "^loss/train$"], in: Self.fixtures)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 damaged places skipped (m)"), "\(result.stdout)")
        for run in ["damaged", "run-a", "run-b", "run-b/nested", "truncated"] {
            #expect(result.stdout.contains("━ \(run) "), "\(run) is not in the legend: \(result.stdout)")
        }
    }

    @Test func aLogWrittenByTrainTensorboardShowsItsScalarsHistogramsAndBatch() throws {
        let data = TrainCommandTests.dataFolder()
        let logs = Binary.temporaryDirectory().appendingPathComponent("tb")
        let train = try Binary.run(["train", "--data", data, "--epochs", "2", "--batch-size", "32",
                                    "--tensorboard", logs.appendingPathComponent("mlp").path, "--tensorboard-every", "5"])
        #expect(train.status == 0, "\(train.stderr)")
        let scalars = try Binary.run(["board", logs.path, "--print-frame", "160x50"])
        for tag in ["accuracy/test", "loss/test", "loss/train", "lr"] {
            #expect(scalars.stdout.contains("┌─ \(tag) "), "\(tag) missing: \(scalars.stdout)")
        }
        #expect(scalars.stdout.contains("━ mlp "))
        let histograms = try Binary.run(["board", logs.path, "--view", "histograms", "--print-frame", "160x50", "--filter", "weights/1"])
        #expect(histograms.stdout.contains("┌─ weights/1.weight  mlp  ridge"), "\(histograms.stdout)")
        let images = try Binary.run(["board", logs.path, "--view", "images", "--print-frame", "100x40"], environment: ["NO_COLOR": "1"])
        #expect(images.stdout.contains("┌─ batch  mlp") && images.stdout.contains("115×115"), "\(images.stdout)")
    }

    @Test(arguments: [
        (["board", "/no/such/folder"], "/no/such/folder: no such folder"),
        (["board", "--view", "graphs", "."], "--view 'graphs': use scalars, histograms or images"),
        (["board", "--x-axis", "epoch", "."], "--x-axis 'epoch': use step, relative or wall"),
        (["board", "--smoothing", "1.5", "."], "--smoothing 1.5: give a weight from 0 (none) to 0.99"),
        (["board", "--samples-per-plugin", "scalars=many", "."], "write KIND=COUNT"),
        (["board", "--samples-per-plugin", "audio=3", "."], "unknown kind 'audio'"),
        (["board", "--filter", "loss(", "."], "--filter 'loss(' is not a regular expression"),
        (["board", "--print-frame", "big", "."], "--print-frame 'big': give WIDTHxHEIGHT"),
        (["board", "--reload-interval", "0", "."], "--reload-interval 0.0: give seconds from 0.05 to 3600"),
        (["board", "--print-frame", "60x20", "."], "--print-frame 60x20: the board needs at least 80x24"),
        (["board", "."], "tensortop board needs a terminal (standard input and output); to print one screen as text, use --print-frame 120x40"),
    ])
    func badArgumentsAreRefusedWithWhatToDo(arguments: [String], message: String) throws {
        let result = try Binary.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func aFileInsteadOfAFolderIsRefused() throws {
        let file = Self.fixtures.appendingPathComponent("run-a").path
        let events = try #require(try FileManager.default.contentsOfDirectory(atPath: file).first)
        let result = try Binary.run(["board", "\(file)/\(events)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a file; give the folder that holds the event files"), "\(result.stderr)")
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func theBoardFollowsRunsAsTheyAreWrittenAndQuitsToASaneTerminal() throws {
        let logs = try Self.copyOfFixtures(["run-a"])
        let board = try DashboardSession("board", in: logs.deletingLastPathComponent(), commandLine: "board logs --reload-interval 0.2")
        defer { board.close() }
        try #require(try board.screen { $0.contains("BOARD") && $0.contains("1 run ") && $0.contains("━ run-a") } != nil)

        // A second run appears, written half at first (a record cut off: waited for, not an error), then whole.
        let source = try #require(try FileManager.default.contentsOfDirectory(at: Self.fixtures.appendingPathComponent("run-b"),
                                                                           includingPropertiesForKeys: nil).first { $0.lastPathComponent.hasPrefix("events") })
        let bytes = try Data(contentsOf: source)
        let newRun = logs.appendingPathComponent("run-new")
        try FileManager.default.createDirectory(at: newRun, withIntermediateDirectories: true)
        let file = newRun.appendingPathComponent(source.lastPathComponent)
        try bytes.prefix(bytes.count / 2 + 7).write(to: file)
        try #require(try board.screen { $0.contains("2 runs") && $0.contains("━ run-new") } != nil)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes.dropFirst(bytes.count / 2 + 7))
        try handle.close()
        // The image is the last record: once it is read, the images view shows it.
        try board.send("3")
        let images = try #require(try board.screen { $0.contains("batch/first  run-new") })
        #expect(!images.contains("damaged"), "a half-written record is not damage: \(images)")

        try board.send("1", "/")
        try board.send("-l", "^lr$")
        try board.send("Enter")
        try #require(try board.screen { $0.contains("filter /^lr$/") && $0.contains("1 chart") } != nil)
        let end = try board.finish(sending: ["q"])
        #expect(end.status == 0, "\(end.pane)")
        #expect(end.restored, "\(end.pane)")
    }

    @Test(.enabled(if: DashboardEndToEndTests.available, "needs tmux and the release build (make test builds it)"))
    func theDashboardLogsForTensorBoardWhileItTrains() throws {
        let folder = Binary.temporaryDirectory()
        let dashboard = try DashboardSession("dashboard-tb", in: folder, arguments: "--no-record-run --tensorboard tb/live --tensorboard-every 5")
        defer { dashboard.close() }
        try #require(try dashboard.screen { $0.contains("logging for TensorBoard to tb/live") } != nil)
        try #require(try dashboard.screen { $0.firstMatch(of: /step (\d{2,})/) != nil } != nil, "training reached step 10")
        let end = try dashboard.finish(sending: ["q"])
        #expect(end.status == 0, "\(end.pane)")
        let directory = try LogDirectory(path: folder.appendingPathComponent("tb").path)
        let update = directory.poll()
        #expect(update.problems.isEmpty && directory.runNames == ["live"])
        #expect((directory.runs["live"]?.records("loss/train").count ?? 0) >= 10)
        #expect(!(directory.runs["live"]?.records("weights/1.weight").isEmpty ?? true))
    }
}
