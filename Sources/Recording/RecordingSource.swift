import Synchronization
import Telemetry

/// A source that records what passes through it: wrap the real source in it, and a dashboard
/// (or a headless loop) using it writes the recording as a side effect of polling.
///
/// Events are recorded as they are taken (a source hands each out once, so the recorder must
/// see them on their way to the reader), commands as they are sent, loss points and snapshots
/// on every poll from the recorder's own cursor. Call `finish` when done.
public final class RecordingSource: TelemetrySource {
    public let source: any TelemetrySource
    public let recorder: Recorder
    /// The recorder's cursor into the source's loss history.
    private let lossCursor = Mutex(0)

    public init(_ source: any TelemetrySource, recorder: Recorder) {
        self.source = source
        self.recorder = recorder
    }

    public var capabilities: SourceCapabilities { source.capabilities }
    public var wrappedSource: (any TelemetrySource)? { source }

    public func latestSnapshot() -> TrainingSnapshot? {
        let snapshot = source.latestSnapshot()
        record(snapshot)
        return snapshot
    }

    public func losses(from cursor: Int) -> (points: [LossPoint], next: Int) { source.losses(from: cursor) }

    public func takeEvents() -> [TrainerEvent] { recorded(source.takeEvents()) }

    public func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { recorded(source.waitForEvents(timeout: seconds)) }

    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID {
        let id = source.send(command)
        recorder.record(command: command, id: id)
        return id
    }

    /// Records what is left (the newest snapshot too) and closes the recording with its end marker.
    public func finish() {
        record(source.latestSnapshot())
        recorder.finish()
    }

    private func recorded(_ events: [TrainerEvent]) -> [TrainerEvent] {
        record(source.latestSnapshot())
        for event in events { recorder.record(event) }
        return events
    }

    /// New loss points, then the snapshot (so a snapshot's points come before it in the file).
    private func record(_ snapshot: TrainingSnapshot?) {
        lossCursor.withLock { cursor in
            let (points, next) = source.losses(from: cursor)
            if next < cursor {
                cursor = next  // a rewound history: the recorder keeps what it wrote
            } else {
                if !points.isEmpty { recorder.record(losses: points, first: cursor) }
                cursor = next
            }
        }
        if let snapshot { recorder.offer(snapshot) } else { recorder.flush() }
    }
}
