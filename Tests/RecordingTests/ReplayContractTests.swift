import Recording
import Telemetry
import Testing

/// What a dashboard sees of a recording, through `TelemetrySource` alone: no trainer, no
/// Training module, only the protocol's methods.
@Suite struct ReplayContractTests {
    /// Everything a dashboard keeps from a source, folded the way it folds them.
    struct Watcher {
        var snapshot: TrainingSnapshot?
        var losses: [LossPoint] = []
        var cursor = 0
        var events: [TrainerEvent] = []
        var rewinds = 0

        mutating func poll(_ source: any TelemetrySource) {
            events += source.takeEvents()
            let (points, next) = source.losses(from: cursor)
            if next < cursor {
                losses.removeSubrange(next...)
                rewinds += 1
            }
            losses += points
            cursor = next
            snapshot = source.latestSnapshot()
        }
    }

    @Test func aDashboardNeedsNothingButTheSourceContract() throws {
        let source: any TelemetrySource = try ReplaySource(bytes: RunFormat.file(Synthetic.records()), name: "contract.ttrun")
        #expect(source.capabilities == [.timeline, .speed, .batchImages, .gradients, .finished])
        var watcher = Watcher()

        // Position 1 of 3: the first snapshot, its one loss point, the event recorded before it (none).
        watcher.poll(source)
        #expect(watcher.snapshot?.step == 0)
        #expect(watcher.snapshot?.timeline == TimelinePosition(index: 0, count: 3, playing: false))
        #expect(watcher.losses.map(\.step) == [0])
        #expect(watcher.events.isEmpty)

        // Position 2: steps 0…10, and what happened between the first two snapshots, once.
        let seek = source.send(.seek(.by(1)))
        watcher.poll(source)
        #expect(watcher.snapshot?.step == 10 && watcher.snapshot?.timeline?.index == 1)
        #expect(watcher.snapshot?.lossCount == 11)
        #expect(watcher.losses.map(\.step) == Array(0...10))
        #expect(watcher.events == [.applied(seek, ""), .warning("first"), .applied(1, "lr 0.1 → 0.05")])
        watcher.poll(source)
        #expect(watcher.events.count == 3)

        // Position 3, the last: every loss point and every event, the finished state.
        source.send(.seek(.last))
        watcher.poll(source)
        #expect(watcher.snapshot?.state == .finished)
        #expect(watcher.snapshot?.timeline == TimelinePosition(index: 2, count: 3, playing: false))
        #expect(watcher.losses.count == 21 && watcher.losses.last?.loss == 1.0 / 21)
        #expect(watcher.events.suffix(2).map { if case .epochFinished = $0 { "epoch" } else { "\($0)" } } == ["epoch", "finished"])

        // Back to the first: the loss history is rewound, the events are not handed out again.
        let eventCount = watcher.events.count
        source.send(.seek(.first))
        watcher.poll(source)
        #expect(watcher.rewinds == 1 && watcher.losses.count == 1)
        #expect(watcher.events.count == eventCount + 1)  // only the seek's acknowledgement
        #expect(watcher.snapshot?.step == 0)
    }

    @Test func commandsThatNeedALiveTrainerAreRefusedWithAReason() throws {
        let source = try ReplaySource(bytes: RunFormat.file(Synthetic.records()), name: "refuse.ttrun")
        for (command, reason) in [(TrainerCommand.reset, "start over"), (.setLearningRate(1), "change the learning rate"),
                                  (.save(path: nil), "save a checkpoint"), (.step(1), "run steps")] {
            let answer = try source.sendAndWait(command, timeout: 5)
            guard case .refused(_, let text) = answer else {
                Issue.record("\(command) was not refused: \(answer)")
                continue
            }
            #expect(text == "a recorded run cannot \(reason); it only replays what was recorded")
        }
        let speed = try source.sendAndWait(.setSpeed(stepsPerSecond: -1), timeout: 5)
        #expect(speed == .refused(ReplaySource.firstCommandID + 4, "a play speed must be a positive number of steps per second, not -1.0"))
    }

    @Test func playAdvancesAtTheSpeedInTrainingSteps() throws {
        let clock = ManualClock()
        let source = try ReplaySource(bytes: RunFormat.file(Synthetic.records()), name: "play.ttrun", clock: clock.read)
        source.send(.setSpeed(stepsPerSecond: 10))
        source.send(.resume)
        #expect(source.latestSnapshot()?.timeline?.playing == true)
        #expect(source.latestSnapshot()?.speedLimit == 10)
        clock.advance(0.9)
        #expect(source.latestSnapshot()?.step == 0)
        clock.advance(0.1)  // 10 steps played: the snapshot at step 10
        #expect(source.latestSnapshot()?.step == 10)
        clock.advance(5)  // past the end: play stops there
        let last = source.latestSnapshot()
        #expect(last?.step == 20 && last?.timeline?.playing == false)
        source.send(.togglePause)  // playing again from the start
        #expect(source.latestSnapshot()?.timeline == TimelinePosition(index: 0, count: 3, playing: true))
        source.send(.pause)
        clock.advance(100)
        #expect(source.latestSnapshot()?.timeline?.index == 0)
    }

    @Test func theDefaultSpeedShowsTenEpochsInAboutTwentySeconds() throws {
        let source = try ReplaySource(bytes: RunFormat.file(Synthetic.records()), name: "speed.ttrun")
        #expect(source.latestSnapshot()?.speedLimit == 5)  // 10 steps an epoch: half an epoch a second
    }

    @Test func sequencesChangeWhenTheViewDoes() throws {
        let source = try ReplaySource(bytes: RunFormat.file(Synthetic.records()), name: "seq.ttrun")
        let first = try #require(source.latestSnapshot()?.sequence)
        #expect(source.latestSnapshot()?.sequence == first)
        source.send(.seek(.last))
        source.send(.seek(.first))
        #expect(source.latestSnapshot()?.sequence != first)
    }
}
