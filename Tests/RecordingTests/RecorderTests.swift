import Foundation
import Recording
import Synchronization
import Telemetry
import Testing

@Suite struct RecorderTests {
    @Test func snapshotsAreRateLimitedAndTheLastIsKept() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let (url, recorder) = try folder.recorder("rate.ttrun")
        for i in 0..<11 {
            recorder.record(losses: Synthetic.losses(i..<(i + 1)), first: i, now: Double(i) / 10)
            recorder.offer(Synthetic.snapshot(step: i, lossCount: i + 1), now: Double(i) / 10)
            if i == 4 { recorder.record(.warning("w")) }
        }
        recorder.record(command: .pause, id: 7)
        recorder.finish()
        let loader = RunLoader.load(try [UInt8](Data(contentsOf: url)), file: url.path)
        #expect(loader.damage == nil)
        #expect(loader.run.snapshots.map(\.step) == [0, 5, 10])  // at t = 0, 0.5, 1.0; nothing waits at the end
        #expect(loader.run.losses.map(\.step) == Array(0...10))
        #expect(loader.run.events.map(\.value) == [.warning("w")])
        #expect(loader.run.events.first?.position == 1)
        #expect(loader.run.commands.map(\.value) == [RecordedCommand(id: 7, command: .pause)])
        #expect(loader.run.end?.snapshots == 3 && loader.run.end?.lossPoints == 11 && loader.run.end?.events == 2)
    }

    @Test func finishWritesTheSnapshotStillWaiting() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let (url, recorder) = try folder.recorder("last.ttrun")
        recorder.offer(Synthetic.snapshot(step: 1, lossCount: 0), now: 0)
        recorder.offer(Synthetic.snapshot(step: 2, lossCount: 0), now: 0.1)
        recorder.offer(Synthetic.snapshot(step: 3, lossCount: 0), now: 0.2)
        recorder.finish()
        recorder.finish()
        let run = RunLoader.load(try [UInt8](Data(contentsOf: url)), file: url.path).run
        #expect(run.snapshots.map(\.step) == [1, 3])
        #expect(run.end != nil)
    }

    @Test func pastTheCapSnapshotsAreDroppedAndTheFileSaysSo() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let (url, recorder) = try folder.recorder("cap.ttrun", Recorder.Options(snapshotInterval: 0, maxBytes: 2000))
        for i in 0..<20 {
            recorder.record(losses: Synthetic.losses(i..<(i + 1)), first: i, now: Double(i))
            recorder.offer(Synthetic.snapshot(step: i, lossCount: i + 1), now: Double(i))
            recorder.waitUntilWritten()  // else a lagging writer thread may skip some (by design)
        }
        recorder.record(.finished)
        recorder.finish()
        let loader = RunLoader.load(try [UInt8](Data(contentsOf: url)), file: url.path)
        let run = loader.run
        #expect(loader.damage == nil)
        #expect(run.header?.maxBytes == 2000)
        #expect(run.limit?.maxBytes == 2000)
        #expect(run.snapshots.count == run.limit?.snapshotsKept)
        #expect(run.snapshots.count < 20)
        #expect(run.end?.droppedSnapshots == 20 - run.snapshots.count)
        #expect(run.losses.count == 20 && run.events.map(\.value) == [.finished])  // under the hard limit: all kept
    }

    @Test func anExistingFileIsRefusedUnlessOverwriteIsAsked() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let url = folder.file("taken.ttrun")
        try Data("precious".utf8).write(to: url)
        #expect {
            try Recorder(creating: url, tensortopVersion: "test", command: "x")
        } throws: { error in
            "\(error)".contains("already exists; choose another name")
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "precious")
        let recorder = try Recorder(creating: url, tensortopVersion: "test", command: "x",
                                    options: Recorder.Options(overwrite: true))
        recorder.finish()
        #expect(RunLoader.load(try [UInt8](Data(contentsOf: url)), file: url.path).run.end != nil)
    }

    @Test func followingPicksUpFramesAppendedLater() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let (url, recorder) = try folder.recorder("follow.ttrun", Recorder.Options(snapshotInterval: 0))
        recorder.record(losses: Synthetic.losses(0..<1), first: 0, now: 0)
        recorder.offer(Synthetic.snapshot(step: 0, lossCount: 1), now: 0)
        recorder.waitUntilWritten()
        let clock = ManualClock()
        let replay = try ReplaySource(contentsOf: url, follow: true, clock: clock.read)
        #expect(!replay.capabilities.contains(.finished))
        #expect(replay.latestSnapshot()?.timeline == TimelinePosition(index: 0, count: 1, playing: true, following: true))

        recorder.record(losses: Synthetic.losses(1..<11), first: 1, now: 1)
        recorder.offer(Synthetic.snapshot(step: 10, lossCount: 11), now: 1)
        recorder.waitUntilWritten()
        // Half a frame more: not yet a snapshot, not damage.
        let whole = try [UInt8](Data(contentsOf: url))
        #expect(replay.latestSnapshot()?.timeline?.count == 1)  // polled at most every 0.2 s
        clock.advance(0.25)
        let shown = replay.latestSnapshot()
        #expect(shown?.step == 10 && shown?.timeline?.index == 1 && shown?.timeline?.damage == nil)
        #expect(replay.losses(from: 0).next == 11)

        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: RunFormat.frame(.event(.warning("late"))).prefix(5))
        clock.advance(0.25)
        #expect(replay.latestSnapshot()?.timeline?.damage == nil)
        try handle.close()
        _ = whole

        let late = try ReplaySource(contentsOf: url, follow: false)
        #expect(late.latestSnapshot()?.timeline?.damage?.contains("truncated frame") == true)
    }

    @Test func aFollowedRunThatEndsIsFinished() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let (url, recorder) = try folder.recorder("ends.ttrun", Recorder.Options(snapshotInterval: 0))
        recorder.offer(Synthetic.snapshot(step: 0, lossCount: 0), now: 0)
        recorder.waitUntilWritten()
        let clock = ManualClock()
        let replay = try ReplaySource(contentsOf: url, follow: true, clock: clock.read)
        recorder.record(.finished)
        recorder.finish()
        clock.advance(0.25)
        #expect(replay.takeEvents() == [.finished])
        #expect(replay.capabilities.contains(.finished))
        #expect(replay.latestSnapshot()?.timeline?.following == false)
    }

    @Test func aRecordingSourcePassesEverythingThroughAndRecordsIt() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let url = folder.file("tee.ttrun")
        let inner = ScriptedSource()
        let source = RecordingSource(inner, recorder: try Recorder(creating: url, tensortopVersion: "test", command: "tee"))
        inner.publish(Synthetic.snapshot(step: 0, lossCount: 2), losses: Synthetic.losses(0..<2), events: [.warning("a")])
        #expect(source.takeEvents() == [.warning("a")])
        let id = source.send(.pause)
        inner.publish(Synthetic.snapshot(step: 1, lossCount: 3), losses: Synthetic.losses(2..<3), events: [.applied(id, "paused")])
        #expect(source.waitForEvents(timeout: 0) == [.applied(id, "paused")])
        #expect(source.latestSnapshot()?.step == 1)
        #expect(source.losses(from: 0).next == 3)
        source.finish()
        let run = RunLoader.load(try [UInt8](Data(contentsOf: url)), file: url.path).run
        #expect(run.snapshots.map(\.step) == [0, 1])
        #expect(run.losses.count == 3)
        #expect(run.events.map(\.value) == [.warning("a"), .applied(id, "paused")])
        #expect(run.commands.map(\.value) == [RecordedCommand(id: id, command: .pause)])
    }
}

/// A source the test feeds by hand.
final class ScriptedSource: TelemetrySource {
    private struct State {
        var snapshot: TrainingSnapshot?
        var losses: [LossPoint] = []
        var events: [TrainerEvent] = []
        var nextID = 1
    }
    private let state = Mutex(State())

    func publish(_ snapshot: TrainingSnapshot, losses: [LossPoint], events: [TrainerEvent]) {
        state.withLock {
            $0.snapshot = snapshot
            $0.losses += losses
            $0.events += events
        }
    }

    var capabilities: SourceCapabilities { .liveTrainer }
    func latestSnapshot() -> TrainingSnapshot? { state.withLock { $0.snapshot } }
    func losses(from cursor: Int) -> (points: [LossPoint], next: Int) {
        state.withLock { (Array($0.losses[Swift.min(cursor, $0.losses.count)...]), $0.losses.count) }
    }
    func takeEvents() -> [TrainerEvent] {
        state.withLock { state in
            defer { state.events.removeAll() }
            return state.events
        }
    }
    func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { takeEvents() }
    func send(_ command: TrainerCommand) -> CommandID {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }
}
