import Foundation
import Testing
import TensorBoard

/// Runs found in a log directory, followed while written; reservoir sampling.
@Suite struct LogDirectoryTests {
    static var fixtures: URL { Bundle.module.url(forResource: "logs", withExtension: nil)! }

    /// A scratch copy of the fixture runs (tests append to it).
    static func scratchCopy(_ runs: [String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tt-logdir-\(UUID().uuidString)")
        for run in runs {
            let target = folder.appendingPathComponent(run)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(run), to: target)
        }
        return folder
    }

    @Test func everyFolderWithEventFilesIsARun() throws {
        let logs = try LogDirectory(path: Self.fixtures.path)
        let update = logs.poll()
        #expect(logs.runNames == ["damaged", "run-a", "run-b", "run-b/nested", "truncated"])
        #expect(update.newRuns == logs.runNames)
        #expect(update.problems.count == 2)                       // both in damaged/
        #expect(update.problems.allSatisfy { $0.path.contains("/damaged/") })
        #expect(update.pendingFiles.count == 1 && update.pendingFiles[0].contains("/truncated/"))
        let runA = try #require(logs.runs["run-a"])
        #expect(runA.records("loss/train").count == 20)
        #expect(runA.records("batch/first").count == 1)
        #expect(try #require(logs.runs["run-b/nested"]).records("loss/train").count == 6)
        // Nothing new on the next poll: problems are reported once.
        let again = logs.poll()
        #expect(again.records == 0 && again.problems.isEmpty && again.newRuns.isEmpty)
    }

    /// A run that appears and a file that grows while the directory is followed.
    @Test func newRunsAndAppendedRecordsShowUp() throws {
        let folder = try Self.scratchCopy(["run-a"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let logs = try LogDirectory(path: folder.path)
        _ = logs.poll()
        #expect(logs.runNames == ["run-a"])
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("run-b"), to: folder.appendingPathComponent("run-b"))
        let file = try #require(FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("run-a").path).first)
        let path = folder.appendingPathComponent("run-a").appendingPathComponent(file)
        let event = EventEncoding.scalar(tag: "loss/train", step: 20, wallTime: 1, value: 0.125)
        let handle = try FileHandle(forWritingTo: path)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(TFRecordFramer().frame(event)))
        try handle.close()
        let update = logs.poll()
        #expect(update.newRuns == ["run-b", "run-b/nested"])
        #expect(logs.runs["run-a"]?.records("loss/train").last?.value == .scalar(0.125))
        #expect(logs.runs["run-a"]?.records("loss/train").count == 21)
    }

    @Test func missingOrFileLogDirectoryIsRefusedWithAHint() {
        #expect(throws: LogDirectoryError.self) { try LogDirectory(path: "/nonexistent/logs") }
        do {
            _ = try LogDirectory(path: "/nonexistent/logs")
        } catch {
            #expect(error.description.contains("no such folder"))
        }
    }

    /// Below capacity everything is kept; above it the newest stays, the count is bounded and
    /// the kept items stay in order; a lower step drops what came at or after it.
    @Test func reservoirKeepsABoundedOrderedSampleAndTheNewest() {
        var reservoir = Reservoir<Int64>(capacity: 10)
        for step in Int64(0)..<1000 { reservoir.add(step, step: step) { $0 } }
        #expect(reservoir.items.count == 10)
        #expect(reservoir.items.last == 999)
        #expect(reservoir.items == reservoir.items.sorted())
        #expect(reservoir.items.first! < 500)                 // not only the newest
        reservoir.add(300, step: 300) { $0 }                    // a restart from step 300
        #expect(reservoir.items.allSatisfy { $0 <= 300 })
        #expect(reservoir.items.last == 300)
        var all = Reservoir<Int64>(capacity: 0)
        for step in Int64(0)..<50 { all.add(step, step: step) { $0 } }
        #expect(all.items.count == 50)
    }
}
