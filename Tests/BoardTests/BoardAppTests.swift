import App
import Dashboard
import Foundation
import TensorBoard
import Testing

/// The board's app on real event files (PyTorch SummaryWriter's fixtures): reading in parts,
/// following files and runs as they are written, the conversion of histograms and images.
struct BoardAppTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TensorBoardTests/Fixtures/logs").standardizedFileURL

    /// The event file of a fixture run.
    static func eventFile(_ run: String) throws -> URL {
        let folder = fixtures.appendingPathComponent(run)
        return try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .first { $0.lastPathComponent.hasPrefix("events.out.tfevents.") })
    }

    /// A new empty folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func app(_ folder: URL, size: (Int, Int) = (120, 40)) throws -> BoardApp {
        BoardApp(directory: try LogDirectory(path: folder.path), folder: "logs", catalog: ThemeCatalog(), initialTheme: "mono",
                 size: (size.0, size.1), colorsAvailable: false)
    }

    @Test func aRunBeingWrittenIsFollowedAndAHalfWrittenRecordIsWaitedFor() throws {
        let logs = try Self.folder()
        let source = try Data(contentsOf: Self.eventFile("run-a"))
        let run = logs.appendingPathComponent("run-a")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let file = run.appendingPathComponent("events.out.tfevents.1.test")
        try source.prefix(source.count / 2 + 5).write(to: file)
        let app = try Self.app(logs)
        app.poll(force: true)
        let early = app.state.data.scalars["loss/train"]?.first?.items.count ?? 0
        #expect(early > 0 && early < 20, "\(early) points after half the file")
        #expect(app.state.progress.problems == 0, "\(app.state.messages)")

        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: source.dropFirst(source.count / 2 + 5))
        try handle.close()
        app.poll(force: true)
        #expect(app.state.data.scalars["loss/train"]?.first?.items.map(\.step) == Array(0..<20))
        #expect(app.state.data.images["batch/first"]?.first?.items.count == 1)

        // A second run appears in its own folder.
        let second = logs.appendingPathComponent("run-b")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.eventFile("run-b"), to: second.appendingPathComponent("events.out.tfevents.2.test"))
        app.poll(force: true)
        #expect(app.state.data.runs == ["run-a", "run-b"])
        #expect(app.frame().text.contains("━ run-b"))
        #expect(app.state.progress.problems == 0)
    }

    @Test func aLargeLogIsReadInPartsWithTheScreenSayingHowFar() throws {
        let app = try Self.app(Self.fixtures.appendingPathComponent("run-b"))
        app.readBudget = 1024
        app.poll(force: true)
        #expect(!app.isCaughtUp)
        let first = app.frame().text
        #expect(first.contains("reading ") && first.contains("% of "), "\(first)")
        var polls = 1
        while !app.isCaughtUp && polls < 1000 {
            app.poll(force: true)
            polls += 1
        }
        #expect(polls > 2 && app.isCaughtUp)
        let whole = try Self.app(Self.fixtures.appendingPathComponent("run-b"))
        whole.readAll()
        #expect(app.state.data == whole.state.data, "read in parts or at once, the same data")
        #expect(app.frame().text.contains("following"))
    }

    @Test func damagedFilesAreReportedByNameAndOffsetOnce() throws {
        let app = try Self.app(Self.fixtures)
        app.readAll()
        let damage = app.state.messages.filter { $0.hasPrefix("damaged: ") }
        #expect(damage.count == 2, "\(damage)")
        #expect(damage.allSatisfy { $0.hasPrefix("damaged: damaged/events.out.tfevents.") && $0.contains(" at byte ") })
        app.poll(force: true)
        #expect(app.state.messages.filter { $0.hasPrefix("damaged: ") }.count == 2, "not reported again")
        #expect(app.state.progress.problems == 2)
    }

    @Test func histogramBucketsGetEdgesWithinTheValuesRange() {
        let histogram = BoardHistogram(minimum: -1, maximum: 2, count: 6, sum: 3, limits: [-0.5, 1, .greatestFiniteMagnitude], counts: [1, 2, 3])
        let buckets = BoardConversion.buckets(histogram)
        #expect(buckets == [.init(low: -1, high: -0.5, count: 1), .init(low: -0.5, high: 1, count: 2), .init(low: 1, high: 2, count: 3)])
    }

    @Test func imagesAreDecodedIntoChannelPlanesAndABadOneSaysWhy() throws {
        let app = try Self.app(Self.fixtures.appendingPathComponent("run-a"))
        app.readAll()
        let picture = try #require(app.state.data.images["batch/first"]?.first?.items.first)
        let image = try #require(picture.image)
        #expect((image.width, image.height, image.channels) == (28, 28, 1) || (image.width, image.height, image.channels) == (28, 28, 3))
        // The fixture's bar: rows 4–23 of columns 12–15 are white.
        #expect(image.pixels[10 * 28 + 13] == 255 && image.pixels[10 * 28 + 2] == 0)
        let bad = BoardConversion.picture(EncodedImage(width: 2, height: 2, bytes: Data([1, 2, 3])), step: 3, wallTime: 0, source: "x")
        #expect(bad.image == nil && bad.problem == "not a PNG image TensorTop can read")
    }

    @Test func aReplacedShorterFileRereadsItsRunAndAVanishedRunIsDropped() throws {
        let logs = try Self.folder()
        let source = try Data(contentsOf: Self.eventFile("run-a"))
        let run = logs.appendingPathComponent("run-a")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let file = run.appendingPathComponent("events.out.tfevents.1.test")
        try source.write(to: file)
        let app = try Self.app(logs)
        app.readAll()
        #expect(app.state.data.scalars["lr"]?.first?.items.count == 20)
        // Replaced by its first records only: the old points must not stay mixed in.
        try source.prefix(source.count / 4).write(to: file)
        app.readAll()
        let shortened = app.state.data.scalars["lr"]?.first?.items.count ?? 0
        #expect(shortened > 0 && shortened < 20, "\(shortened) lr points after the file was cut to a quarter")
        #expect(app.state.messages.contains("run run-a: an event file was replaced by a shorter one; reading the run again"))
        try FileManager.default.removeItem(at: run)
        app.poll(force: true)
        #expect(app.state.data.runs.isEmpty)
        #expect(app.state.messages.contains("run run-a: its event files are gone; it is no longer shown"))
    }

    @Test func aFileEndingMidRecordIsReportedWhenPrintedAndAfterAWhileWhenFollowed() throws {
        let printed = try Self.app(Self.fixtures.appendingPathComponent("truncated"))
        printed.readAll()
        #expect(printed.state.messages.contains { $0.hasPrefix("unfinished: ") && $0.contains(" ends in ") && $0.contains("cut off") },
                "\(printed.state.messages)")
        #expect(printed.frame().text.contains("1 file ends mid-record (m)"))
        let followed = try Self.app(Self.fixtures.appendingPathComponent("truncated"))
        let start = Date()
        followed.poll(force: true, now: start)
        #expect(!followed.state.messages.contains { $0.hasPrefix("unfinished: ") }, "a writer may still finish the record")
        followed.poll(force: true, now: start.addingTimeInterval(followed.unfinishedAfter + 1))
        #expect(followed.state.messages.filter { $0.hasPrefix("unfinished: ") }.count == 1)
        followed.poll(force: true, now: start.addingTimeInterval(followed.unfinishedAfter + 2))
        #expect(followed.state.messages.filter { $0.hasPrefix("unfinished: ") }.count == 1, "reported once")
    }
}
