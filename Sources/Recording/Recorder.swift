import FileWriting
import Foundation
import Synchronization
import Telemetry

/// Writes a run's telemetry to a `.ttrun` file as it happens.
///
/// Every loss point, event and command is written; snapshots at most once per
/// `snapshotInterval` (the newest one offered waits for its turn, and `finish` writes the last).
/// Past `maxBytes`, snapshots are dropped (a `limit` record says where) while losses and events
/// go on up to `hardLimitBytes`. A write error stops the recording, never the caller: `problem`
/// says what happened. Thread-safe; the work happens on the calling thread.
public final class Recorder: Sendable {
    /// How often and how much to record.
    public struct Options: Sendable {
        /// The least time between two recorded snapshots, in seconds.
        public var snapshotInterval: Double
        /// Past this many bytes, snapshots are dropped; nil records without a cap.
        public var maxBytes: Int?
        /// Replace an existing file rather than refuse to.
        public var overwrite: Bool
        public init(snapshotInterval: Double = 0.5, maxBytes: Int? = nil, overwrite: Bool = false) {
            self.snapshotInterval = snapshotInterval
            self.maxBytes = maxBytes
            self.overwrite = overwrite
        }
        /// Past this many bytes nothing but the end marker is written: the cap plus half again
        /// (at least 1 MiB more) for losses and events.
        public var hardLimitBytes: Int? {
            maxBytes.map { cap in
                let (limit, overflow) = cap.addingReportingOverflow(Swift.max(cap / 2, 1 << 20))
                return overflow ? Int.max : limit
            }
        }
    }

    private struct State {
        var file: RunFileWriter?
        var problem: String?
        var bytesWritten = 0
        /// When a snapshot, and loss points, were last written (each at most once per `snapshotInterval`).
        var lastSnapshotTime = -Double.infinity
        var lastLossTime = -Double.infinity
        var lastSequence: Int?
        var pendingSnapshot: TrainingSnapshot?
        var pendingLosses: [LossPoint] = []
        /// The history index of `pendingLosses.first` (or of the next point when empty).
        var nextLossIndex = 0
        var snapshots = 0, lossPoints = 0, events = 0
        var droppedSnapshots = 0, droppedLossPoints = 0, droppedEvents = 0
        var limitNoted = false
    }

    public let path: String
    public let options: Options
    private let started: Double
    private let startedClock: Double
    private let state: Mutex<State>

    /// Creates the recording at `url` and writes its header; throws if it cannot (an existing
    /// file is refused unless `options.overwrite`).
    public init(creating url: URL, tensortopVersion: String, command: String, options: Options = Options()) throws {
        path = url.path
        self.options = options
        started = Date().timeIntervalSince1970
        startedClock = Self.clock()
        var file = try RunFileWriter(creating: url, overwrite: options.overwrite)
        let header = RunHeader(tensortopVersion: tensortopVersion, started: started, command: command, maxBytes: options.maxBytes)
        try file.append(try RunFormat.frame(.header(header)))
        state = Mutex(State(file: file, bytesWritten: file.size))
    }

    /// Seconds on a monotonic clock (the default `now` of every method).
    public static func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The first write error, if recording stopped because of one.
    public var problem: String? { state.withLock { $0.problem } }

    /// Bytes written so far.
    public var bytesWritten: Int { state.withLock { $0.bytesWritten } }

    // MARK: Recording

    /// Offers the source's newest snapshot: written now if the interval has passed since the
    /// last one, else kept until it has (a newer offer replaces it). Snapshots are told apart
    /// by their `sequence`.
    public func offer(_ snapshot: TrainingSnapshot, now: Double = Recorder.clock()) {
        state.withLock { state in
            if state.lastSequence != snapshot.sequence {
                state.lastSequence = snapshot.sequence
                state.pendingSnapshot = snapshot
            }
            writeDue(&state, now: now)
        }
    }

    /// Loss points of the source's history from index `first` on (each is written once).
    public func record(losses points: [LossPoint], first: Int, now: Double = Recorder.clock()) {
        state.withLock { state in
            if first > state.nextLossIndex + state.pendingLosses.count {
                // A gap (the source lost points): write what waits, continue at `first`.
                writeLosses(&state)
                state.nextLossIndex = first
            }
            let expected = state.nextLossIndex + state.pendingLosses.count
            state.pendingLosses += points[Swift.min(Swift.max(expected - first, 0), points.count)...]
            writeDue(&state, now: now, snapshot: false)
        }
    }

    /// Writes the waiting losses and snapshot if their interval has passed (call it on every poll).
    public func flush(now: Double = Recorder.clock()) {
        state.withLock { writeDue(&$0, now: now) }
    }

    /// An event the source reported.
    public func record(_ event: TrainerEvent) {
        state.withLock { state in
            writeLosses(&state)
            if write(.event(event), &state, limit: options.hardLimitBytes) { state.events += 1 } else { state.droppedEvents += 1 }
        }
    }

    /// A command sent to the source, with the id it was given.
    public func record(command: TrainerCommand, id: CommandID) {
        state.withLock { state in
            writeLosses(&state)
            if write(.command(RecordedCommand(id: id, command: command)), &state, limit: options.hardLimitBytes) {
                state.events += 1
            } else {
                state.droppedEvents += 1
            }
        }
    }

    /// Writes what is still waiting, the end marker, and closes the file. Later calls do nothing.
    public func finish() {
        state.withLock { state in
            guard let file = state.file else { return }
            writeLosses(&state)
            if let snapshot = state.pendingSnapshot { writeSnapshot(snapshot, &state, limit: options.hardLimitBytes) }
            let end = RunEnd(seconds: Self.clock() - startedClock, snapshots: state.snapshots, lossPoints: state.lossPoints,
                             events: state.events, droppedSnapshots: state.droppedSnapshots,
                             droppedLossPoints: state.droppedLossPoints, droppedEvents: state.droppedEvents)
            _ = write(.end(end), &state, limit: nil)
            file.close()
            state.file = nil
        }
    }

    deinit { finish() }

    // MARK: Writing (with the lock held)

    /// Writes the waiting snapshot (with the losses before it), or the waiting losses alone, when
    /// its interval has passed (losses alone when not `due`: a newer snapshot is about to be offered).
    private func writeDue(_ state: inout State, now: Double, snapshot due: Bool = true) {
        if due, let snapshot = state.pendingSnapshot, now - state.lastSnapshotTime >= options.snapshotInterval {
            writeLosses(&state)
            writeSnapshot(snapshot, &state, limit: options.maxBytes)
            state.lastSnapshotTime = now
            state.lastLossTime = now
        } else if !state.pendingLosses.isEmpty, now - state.lastLossTime >= options.snapshotInterval {
            writeLosses(&state)
            state.lastLossTime = now
        }
    }

    private func writeLosses(_ state: inout State) {
        guard !state.pendingLosses.isEmpty else { return }
        let count = state.pendingLosses.count
        if write(.losses(LossBatch(first: state.nextLossIndex, points: state.pendingLosses)), &state, limit: options.hardLimitBytes) {
            state.lossPoints += count
        } else {
            state.droppedLossPoints += count
        }
        state.nextLossIndex += count
        state.pendingLosses.removeAll(keepingCapacity: true)
    }

    private func writeSnapshot(_ snapshot: TrainingSnapshot, _ state: inout State, limit: Int?) {
        state.pendingSnapshot = nil
        if let cap = options.maxBytes, !state.limitNoted, (state.file?.size ?? 0) >= cap {
            state.limitNoted = true
            _ = write(.limit(LimitNote(maxBytes: cap, snapshotsKept: state.snapshots)), &state, limit: options.hardLimitBytes)
        }
        if write(.snapshot(snapshot), &state, limit: limit) { state.snapshots += 1 } else { state.droppedSnapshots += 1 }
    }

    /// Appends one record unless the file is closed or already `limit` bytes long; returns whether it was written.
    private func write(_ record: RunRecord, _ state: inout State, limit: Int?) -> Bool {
        guard var file = state.file else { return false }
        if let limit, file.size >= limit { return false }
        do {
            try file.append(try RunFormat.frame(record))
            state.file = file
            state.bytesWritten = file.size
            return true
        } catch {
            state.problem = "\(error)"
            file.close()
            state.file = nil
            return false
        }
    }
}
