import Dispatch
import Foundation
import Synchronization
import Telemetry

/// A recorded run as a source: the dashboard moves through its snapshots on a timeline.
///
/// `seek` moves the position, `pause` / `resume` / `togglePause` play and stop, `setSpeed` sets
/// the play speed in training steps per second (nil: one snapshot every 50 ms). The snapshot
/// handed out is the recorded one with `timeline` set, `speedLimit` the play speed, `lossCount`
/// the points up to it, and `sequence` a counter of what the replay showed (so a reader that
/// skips an unchanged sequence still sees a move back). `losses(from:)` rewinds (`next` below the
/// cursor) when the position moves back. Events recorded up to the position are handed out
/// once. Commands that need a live trainer are refused. With `follow`, the file is read again
/// every `followInterval` while it is written; a partial last frame is "not yet".
public final class ReplaySource: TelemetrySource {
    /// Ids this source gives commands start here, far above a recorded run's own ids (whose
    /// acknowledgements it replays), so the two never meet.
    public static let firstCommandID = 1_000_000_000
    /// How often a followed file is read for new frames, in seconds.
    public static let followInterval = 0.2
    /// Snapshots per second shown at unlimited play speed.
    static let unlimitedSnapshotsPerSecond = 20.0

    private struct State: Sendable {
        var loader: RunLoader
        /// The followed file and how much of it was read; nil once it ended or is not followed.
        var followed: Int32?
        var readOffset = 0
        var lastPoll = -Double.infinity
        var index = 0
        var playing: Bool
        var speed: Double?
        /// Where play started from: the clock, the progress and the index then.
        var anchorTime = 0.0
        var anchorProgress = 0.0
        var anchorIndex = 0
        var eventsHanded = 0
        var replies: [TrainerEvent] = []
        var nextID = ReplaySource.firstCommandID
        var revision = 0
        var run: RecordedRun { loader.run }
        var last: Int { run.snapshots.count - 1 }
        var following: Bool { followed != nil }
    }

    /// The file (or name) replayed, for messages.
    public let name: String
    private let state: Mutex<State>
    private let wakeup = DispatchSemaphore(value: 0)
    private let clock: @Sendable () -> Double

    /// Replays the recording at `url`: from its first snapshot (playing unless told not to),
    /// or with `follow` from its newest, reading what is appended to it.
    /// Throws when nothing in the file can be replayed (not a recording, no snapshot yet).
    public convenience init(contentsOf url: URL, follow: Bool = false, playing: Bool = true,
                            clock: @escaping @Sendable () -> Double = Recorder.clock) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RecordingProblem("\(url.path): cannot open the recording (\(String(cString: strerror(errno))))")
        }
        var loader = RunLoader(file: url.path)
        let offset = Self.readNew(fd, from: 0, into: &loader)
        if !follow {
            close(fd)
            loader.finish()
        }
        try self.init(loader: loader, name: url.path, followed: follow ? fd : nil, readOffset: offset,
                      playing: playing, clock: clock)
    }

    /// Replays a recording held in memory (e.g. built with `RunFormat.file`), paused at its
    /// first snapshot unless `playing`.
    public convenience init(bytes: [UInt8], name: String, playing: Bool = false,
                            clock: @escaping @Sendable () -> Double = Recorder.clock) throws {
        try self.init(loader: RunLoader.load(bytes, file: name), name: name, followed: nil, readOffset: bytes.count,
                      playing: playing, clock: clock)
    }

    private init(loader: RunLoader, name: String, followed: Int32?, readOffset: Int, playing: Bool,
                 clock: @escaping @Sendable () -> Double) throws {
        func refuse(_ problem: String) -> RecordingProblem {
            if let followed { close(followed) }
            return RecordingProblem("\(name): \(problem)")
        }
        guard loader.run.header != nil else {
            if let damage = loader.damage { throw refuse("not a replayable recording (\(damage))") }
            throw refuse("the recording has no header yet (is it being created?)")
        }
        if followed == nil && loader.run.snapshots.isEmpty {
            throw refuse("the recording holds no snapshot" + (loader.damage.map { " (\($0))" } ?? ""))
        }
        self.name = name
        self.clock = clock
        var state = State(loader: loader, followed: followed, readOffset: readOffset, playing: playing || followed != nil)
        state.speed = Self.defaultSpeed(for: loader.run)
        state.index = followed != nil ? Swift.max(state.last, 0) : 0
        let now = clock()
        state.lastPoll = now
        Self.anchor(&state, now: now)
        if state.run.end != nil { Self.stopFollowing(&state) }
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { Self.stopFollowing(&$0) }
    }

    /// A pace that shows a 10-epoch run in about 20 s: half an epoch's steps per second.
    static func defaultSpeed(for run: RecordedRun) -> Double {
        guard let perEpoch = run.snapshots.first(where: { $0.stepsPerEpoch > 0 })?.stepsPerEpoch else { return 50 }
        return Swift.min(Swift.max(Double(perEpoch) / 2, 1), 1e6)
    }

    // MARK: TelemetrySource

    /// The timeline and play speed; batch images and gradients when the recording has them;
    /// `.finished` unless the file is followed.
    public var capabilities: SourceCapabilities {
        state.withLock { state in
            var capabilities: SourceCapabilities = [.timeline, .speed]
            if state.run.hasBatchImages { capabilities.insert(.batchImages) }
            if state.run.hasGradients { capabilities.insert(.gradients) }
            if !state.following { capabilities.insert(.finished) }
            return capabilities
        }
    }

    public func latestSnapshot() -> TrainingSnapshot? {
        let now = clock()
        return state.withLock { state in
            advance(&state, now: now)
            guard state.run.snapshots.indices.contains(state.index) else { return nil }
            var snapshot = state.run.snapshots[state.index]
            snapshot.sequence = state.revision
            snapshot.lossCount = state.run.visibleLossCount(at: state.index)
            snapshot.speedLimit = state.speed
            let damage = state.loader.damage?.description
                ?? (state.run.end == nil && !state.following ? "the recording ends without its end marker (was the run killed?)" : nil)
            snapshot.timeline = TimelinePosition(index: state.index, count: state.run.snapshots.count, playing: state.playing,
                                                 following: state.following, damage: damage)
            return snapshot
        }
    }

    public func losses(from cursor: Int) -> (points: [LossPoint], next: Int) {
        let now = clock()
        return state.withLock { state in
            advance(&state, now: now)
            let visible = state.run.visibleLossCount(at: state.index)
            guard cursor < visible else { return ([], visible) }
            return (Array(state.run.losses[Swift.max(cursor, 0)..<visible]), visible)
        }
    }

    public func takeEvents() -> [TrainerEvent] {
        let now = clock()
        return state.withLock { state in
            advance(&state, now: now)
            var events = state.replies
            state.replies.removeAll()
            let visible = state.run.visibleEventCount(at: state.index)
            if visible > state.eventsHanded {
                events += state.run.events[state.eventsHanded..<visible].map(\.value)
                state.eventsHanded = visible
            }
            return events
        }
    }

    /// Waits (in steps of at most 50 ms, so play and follow go on) until an event is due or `seconds` pass.
    public func waitForEvents(timeout seconds: Double) -> [TrainerEvent] {
        let deadline = DispatchTime.now() + Swift.max(0, Swift.min(seconds, 1e6))
        while true {
            let events = takeEvents()
            if !events.isEmpty || DispatchTime.now() >= deadline { return events }
            _ = wakeup.wait(timeout: Swift.min(deadline, .now() + 0.05))
        }
    }

    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        let now = clock()
        let id = state.withLock { state in
            advance(&state, now: now)
            let id = state.nextID
            state.nextID += 1
            state.replies.append(apply(command, id: id, &state, now: now))
            state.revision += 1
            return id
        }
        wakeup.signal()
        return id
    }

    // MARK: Commands

    private func apply(_ command: TrainerCommand, id: CommandID, _ state: inout State, now: Double) -> TrainerEvent {
        switch command {
        case .seek(let move):
            guard state.last >= 0 else { return .refused(id, "the recording holds no snapshot yet") }
            let target: Int = switch move {
            case .first: 0
            case .last: state.last
            case .to(let index): index
            case .by(let delta): state.index.addingReportingOverflow(delta).overflow ? (delta < 0 ? 0 : state.last) : state.index + delta
            }
            state.index = Swift.min(Swift.max(target, 0), state.last)
            Self.anchor(&state, now: now)
            // Nothing to say: the status bar shows the position, and the hints stay in view.
            return .applied(id, "")
        case .pause, .resume, .togglePause:
            let play = command == .resume || (command == .togglePause && !state.playing)
            if play && !state.playing && state.index >= state.last && !state.following { state.index = 0 }  // play again from the start
            state.playing = play
            Self.anchor(&state, now: now)
            return .applied(id, play ? "playing at \(SpeedText.describe(state.speed))" : "paused")
        case .setSpeed(let speed):
            if let speed, !(speed.isFinite && speed > 0) {
                return .refused(id, "a play speed must be a positive number of steps per second, not \(speed)")
            }
            state.speed = speed
            Self.anchor(&state, now: now)
            return .applied(id, "play speed \(SpeedText.describe(speed))")
        case .requestSnapshot:
            return .applied(id, "")
        case .stop:
            state.playing = false
            return .applied(id, "")
        default:
            return .refused(id, "a recorded run cannot \(Self.liveOnly(command)); it only replays what was recorded")
        }
    }

    /// What a command that needs a live trainer would have done, for its refusal.
    static func liveOnly(_ command: TrainerCommand) -> String {
        switch command {
        case .step, .advance: "run steps"
        case .setLearningRate, .scaleLearningRate: "change the learning rate"
        case .setHyperparameter(let name, _): "change \(name)"
        case .reinitialize: "re-initialise parameters"
        case .reset: "start over"
        case .save: "save a checkpoint"
        case .load: "load a checkpoint"
        default: "do that"
        }
    }

    // MARK: Play and follow (with the lock held)

    /// Reads what a followed file gained (at most every `followInterval`), then moves the
    /// position as far as play has got by `now`.
    private func advance(_ state: inout State, now: Double) {
        if let fd = state.followed, now - state.lastPoll >= Self.followInterval {
            state.lastPoll = now
            let atEnd = state.index >= state.last
            let before = state.run.snapshots.count
            state.readOffset = Self.readNew(fd, from: state.readOffset, into: &state.loader)
            if state.run.end != nil || state.loader.damage != nil { Self.stopFollowing(&state) }
            if state.run.snapshots.count != before {
                state.revision += 1
                if atEnd && state.playing {  // a tail sticks to the newest snapshot
                    state.index = state.last
                    Self.anchor(&state, now: now)
                }
            }
        }
        guard state.playing, state.last >= 0 else { return }
        let before = state.index
        let elapsed = Swift.max(now - state.anchorTime, 0)
        if let speed = state.speed {
            let target = state.anchorProgress + elapsed * speed
            let progress = state.run.progress
            while state.index < state.last && progress[state.index + 1] <= target { state.index += 1 }
        } else {
            let shown = Swift.min(elapsed * Self.unlimitedSnapshotsPerSecond, Double(state.last))
            state.index = Swift.min(Swift.max(state.index, state.anchorIndex + Int(shown)), state.last)
        }
        if state.index >= state.last && !state.following { state.playing = false }
        if state.index != before || !state.playing { state.revision += 1 }
    }

    private static func anchor(_ state: inout State, now: Double) {
        state.anchorTime = now
        state.anchorIndex = state.index
        state.anchorProgress = state.run.progress.indices.contains(state.index) ? state.run.progress[state.index] : 0
    }

    private static func stopFollowing(_ state: inout State) {
        guard let fd = state.followed else { return }
        close(fd)
        state.followed = nil
        if state.run.end != nil { state.loader.finish() }
    }

    /// Reads `fd` from `offset` to its current end (at most 256 MiB a call) into `loader`; returns the new offset.
    private static func readNew(_ fd: Int32, from offset: Int, into loader: inout RunLoader) -> Int {
        var offset = offset
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<256 {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { break }
            loader.feed(chunk[..<count])
            offset += count
            if loader.damage != nil { break }
        }
        return offset
    }
}
