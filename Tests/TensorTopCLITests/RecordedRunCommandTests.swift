import Foundation
import Recording
import Telemetry
import Testing

/// `tensortop train --record` and `tensortop replay`'s refusals, run as a user runs them.
@Suite struct RecordedRunCommandTests {
    @Test func trainRecordsARunThatReadsBackWhole() throws {
        let data = TrainCommandTests.dataFolder()
        let run = Binary.temporaryDirectory().appendingPathComponent("run.ttrun")
        let train = try Binary.run(["train", "--data", data, "--epochs", "2", "--batch-size", "32", "--record", run.path])
        #expect(train.status == 0, "\(train.stderr)")
        let loader = RunLoader.load(try [UInt8](Data(contentsOf: run)), file: run.path)
        #expect(loader.damage == nil)
        #expect(loader.run.header?.command.hasPrefix("tensortop train --data") == true)
        #expect(loader.run.end != nil)
        #expect(loader.run.losses.count == 20)  // 320 samples, batch 32, 2 epochs
        #expect(loader.run.events.filter { if case .epochFinished = $0.value { true } else { false } }.count == 2)
        #expect(loader.run.snapshots.last?.step == 20)

        let again = try Binary.run(["train", "--data", data, "--epochs", "1", "--record", run.path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("\(run.path): already exists; choose another name"))
    }

    @Test func replayRefusesWhatIsNotARecordingBeforeTakingTheTerminal() throws {
        let file = Binary.temporaryDirectory().appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: file)
        let replay = try Binary.run(["replay", file.path])
        #expect(replay.status != 0)
        #expect(replay.stderr.contains("\(file.path): not a replayable recording (stopped at byte 0 of \(file.path): not a tensortop recording (no TTRUN magic number))"))
        let missing = try Binary.run(["replay", file.path + ".missing"])
        #expect(missing.stderr.contains("cannot open the recording (No such file or directory)"))
    }
}

/// A run killed mid-way leaves a recording that replays.
@Suite struct KilledRecordingTests {
    @Test func aKilledRunsRecordingReplaysUpToWhereItStopped() throws {
        let data = TrainCommandTests.dataFolder()
        let run = Binary.temporaryDirectory().appendingPathComponent("killed.ttrun")
        let process = try Binary.start(["train", "--data", data, "--epochs", "100000", "--batch-size", "32", "--record", run.path])
        // Wait (up to a minute, however slow the machine) until two snapshots are in the file.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let bytes = (try? [UInt8](Data(contentsOf: run))) ?? []
            if RunLoader.load(bytes, file: run.path).run.snapshots.count >= 2 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let replay = try ReplaySource(contentsOf: run, playing: false)
        replay.send(.seek(.last))
        let last = try #require(replay.latestSnapshot())
        #expect((last.timeline?.count ?? 0) >= 2)
        #expect(last.timeline?.damage != nil)  // no end marker, or a frame cut short
        #expect(replay.losses(from: 0).points.count >= last.step)
    }
}
