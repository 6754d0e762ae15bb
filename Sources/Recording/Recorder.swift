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
/// says what happened.
///
/// Thread-safe, and cheap for the caller: the methods only decide what is due and queue it. The
/// encoding (a snapshot's JSON and deflate take tens of milliseconds) and the writing happen on
/// the recorder's own thread, at the lowest scheduling priority, so that neither a dashboard's
/// frame nor the training steps wait for them; when that thread lags, at most a few snapshots
/// wait for it (older ones are skipped). `finish` writes what is left on the calling thread.
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

    /// What the callers decided is due, in order, for the writer thread.
    private struct Inbox: Sendable {
        /// Items not yet appended, oldest first, each with its sequence number. An item leaves
        /// the queue only when appended: whoever encodes it first (the writer thread, or `finish`
        /// on the caller's) appends it; a copy finished later finds it gone and is dropped.
        var queue: [(number: Int, item: RecorderWriter.Item)] = []
        var nextNumber = 0
        var finishing = false
        var lastSequence: Int?
        var pendingSnapshot: TrainingSnapshot?
        var pendingLosses: [LossPoint] = []
        /// The history index of `pendingLosses.first` (or of the next point when empty).
        var nextLossIndex = 0
        /// When a snapshot, and loss points, were last queued (each at most once per `snapshotInterval`).
        var lastSnapshotTime = -Double.infinity
        var lastLossTime = -Double.infinity

        mutating func append(_ item: RecorderWriter.Item) {
            queue.append((nextNumber, item))
            nextNumber += 1
        }
    }

    /// The queue between the callers and the writer thread (which holds it, not the recorder,
    /// so that a recorder dropped without `finish` still finishes).
    private final class Mailbox: Sendable {
        let inbox = Mutex(Inbox())
        /// Wakes the writer thread.
        let work = DispatchSemaphore(value: 0)
        let writer: RecorderWriter
        init(writer: RecorderWriter) { self.writer = writer }

        /// Encodes and appends the oldest waiting item; false when none waits.
        func writeNext() -> Bool {
            guard let (number, item) = inbox.withLock({ $0.queue.first }) else { return false }
            let encoded = RecorderWriter.encode(item)
            inbox.withLock { box in
                guard box.queue.first?.number == number else { return }  // written meanwhile, or replaced
                box.queue.removeFirst()
                writer.append(item, encoded)
            }
            return true
        }

        /// Whether the recording is closed and nothing waits (the writer thread may end).
        var done: Bool { inbox.withLock { $0.finishing && $0.queue.isEmpty } && !writer.isOpen }
    }

    public let path: String
    public let options: Options
    private let mailbox: Mailbox
    /// Snapshots that may wait for the writer thread; past this the oldest waiting one is skipped.
    static let maxWaitingSnapshots = 4

    /// Creates the recording at `url`, writes its header and starts the writer thread; throws if
    /// it cannot (an existing file is refused unless `options.overwrite`).
    public init(creating url: URL, tensortopVersion: String, command: String, options: Options = Options()) throws {
        path = url.path
        self.options = options
        var file = try RunFileWriter(creating: url, overwrite: options.overwrite)
        let header = RunHeader(tensortopVersion: tensortopVersion, started: Date().timeIntervalSince1970,
                               command: command, maxBytes: options.maxBytes)
        try file.append(try RunFormat.frame(.header(header)))
        let mailbox = Mailbox(writer: RecorderWriter(file: file, options: options, started: Self.clock()))
        self.mailbox = mailbox
        let thread = Thread {
            RecorderWriter.lowerPriority()
            while !mailbox.done {
                mailbox.work.wait()
                while mailbox.writeNext() {}
            }
        }
        thread.name = "tt-recorder"
        thread.start()
    }

    /// Seconds on a monotonic clock (the default `now` of every method).
    public static func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The first write error, if recording stopped because of one.
    public var problem: String? { mailbox.writer.problem }

    /// Bytes written so far.
    public var bytesWritten: Int { mailbox.writer.bytesWritten }

    // MARK: Recording

    /// Offers the source's newest snapshot: queued now if the interval has passed since the last
    /// one, else kept until it has (a newer offer replaces it). Snapshots are told apart by `sequence`.
    public func offer(_ snapshot: TrainingSnapshot, now: Double = Recorder.clock()) {
        enqueue { box in
            if box.lastSequence != snapshot.sequence {
                box.lastSequence = snapshot.sequence
                box.pendingSnapshot = snapshot
            }
            queueDue(&box, now: now)
        }
    }

    /// Loss points of the source's history from index `first` on (each is written once).
    public func record(losses points: [LossPoint], first: Int, now: Double = Recorder.clock()) {
        enqueue { box in
            if first > box.nextLossIndex + box.pendingLosses.count {
                // A gap (the source lost points): queue what waits, continue at `first`.
                queueLosses(&box)
                box.nextLossIndex = first
            }
            let expected = box.nextLossIndex + box.pendingLosses.count
            box.pendingLosses += points[Swift.min(Swift.max(expected - first, 0), points.count)...]
            queueDue(&box, now: now, snapshot: false)
        }
    }

    /// Queues the waiting losses and snapshot if their interval has passed (call it on every poll).
    public func flush(now: Double = Recorder.clock()) {
        enqueue { queueDue(&$0, now: now) }
    }

    /// An event the source reported.
    public func record(_ event: TrainerEvent) {
        enqueue { box in
            queueLosses(&box)
            box.append(.record(.event(event)))
        }
    }

    /// A command sent to the source, with the id it was given.
    public func record(command: TrainerCommand, id: CommandID) {
        enqueue { box in
            queueLosses(&box)
            box.append(.record(.command(id: id, command: command)))
        }
    }

    /// Returns once everything queued so far is in the file (what a reader of it sees then).
    public func waitUntilWritten() {
        let reached = DispatchSemaphore(value: 0)
        enqueue { $0.append(.barrier(reached)) }
        if mailbox.inbox.withLock({ $0.finishing }) { return }
        reached.wait()
    }

    /// Writes what is still waiting (the newest snapshot too), the end marker, and closes the
    /// file; returns once that is done. The work left is done on the calling thread (the writer
    /// thread, at the lowest priority, may be starved by a busy machine). Later calls do nothing.
    public func finish() {
        let first = mailbox.inbox.withLock { box -> Bool in
            guard !box.finishing else { return false }
            queueLosses(&box)
            if let snapshot = box.pendingSnapshot { box.append(.lastSnapshot(snapshot)) }
            box.pendingSnapshot = nil
            box.finishing = true
            return true
        }
        guard first else { return }
        while mailbox.writeNext() {}
        mailbox.inbox.withLock { _ in mailbox.writer.close() }
        mailbox.work.signal()  // the writer thread sees that all is done and ends
    }

    deinit { finish() }

    // MARK: Queueing (with the inbox locked)

    /// Runs `change` on the inbox and wakes the writer if it queued anything.
    private func enqueue(_ change: (inout Inbox) -> Void) {
        let queued = mailbox.inbox.withLock { box -> Bool in
            guard !box.finishing else { return false }
            let before = box.queue.count
            change(&box)
            return box.queue.count > before
        }
        if queued { mailbox.work.signal() }
    }

    /// Queues the waiting snapshot (with the losses before it), or the waiting losses alone, when
    /// its interval has passed (losses alone when not `due`: a newer snapshot is about to be offered).
    private func queueDue(_ box: inout Inbox, now: Double, snapshot due: Bool = true) {
        if due, let snapshot = box.pendingSnapshot, now - box.lastSnapshotTime >= options.snapshotInterval {
            queueLosses(&box)
            // A writer that lags (a slow disk, a machine too busy to give it time) skips the
            // oldest waiting snapshot: the queue's memory and the work left to `finish` stay bounded.
            let waiting = box.queue.indices.filter { if case .snapshot = box.queue[$0].item { true } else { false } }
            if waiting.count >= Self.maxWaitingSnapshots { box.queue.remove(at: waiting[0]) }
            box.append(.snapshot(snapshot))
            box.pendingSnapshot = nil
            box.lastSnapshotTime = now
            box.lastLossTime = now
        } else if !box.pendingLosses.isEmpty, now - box.lastLossTime >= options.snapshotInterval {
            queueLosses(&box)
            box.lastLossTime = now
        }
    }

    private func queueLosses(_ box: inout Inbox) {
        guard !box.pendingLosses.isEmpty else { return }
        box.append(.losses(LossBatch(first: box.nextLossIndex, points: box.pendingLosses)))
        box.nextLossIndex += box.pendingLosses.count
        box.pendingLosses.removeAll(keepingCapacity: true)
    }
}
