import Telemetry

/// One record of a `.ttrun` recording: what a source said or was told, in the order it happened.
///
/// Each record is one frame's payload (docs/TELEMETRY.md, "Recorded runs"). The first record of
/// a file is always `header`; `end` is the last when the recorder finished cleanly.
public enum RunRecord: Sendable, Equatable, Codable {
    /// What was recorded, by which tensortop, when.
    case header(RunHeader)
    /// A snapshot, as the source published it (recorded at a bounded rate).
    case snapshot(TrainingSnapshot)
    /// Loss points since the previous `losses` record.
    case losses(LossBatch)
    /// An event the source reported.
    case event(TrainerEvent)
    /// A command sent to the source, with the id its acknowledgement carries.
    case command(id: CommandID, command: TrainerCommand)
    /// The size cap was reached here: later snapshots are dropped (losses and events go on).
    case limit(LimitNote)
    /// The recorder finished cleanly; nothing follows.
    case end(RunEnd)

    // JSON names of the unlabelled values (docs/TELEMETRY.md, "Records").
    enum HeaderCodingKeys: String, CodingKey { case _0 = "run" }
    enum SnapshotCodingKeys: String, CodingKey { case _0 = "snapshot" }
    enum LossesCodingKeys: String, CodingKey { case _0 = "points" }
    enum EventCodingKeys: String, CodingKey { case _0 = "event" }
    enum LimitCodingKeys: String, CodingKey { case _0 = "note" }
    enum EndCodingKeys: String, CodingKey { case _0 = "summary" }
}

/// The first record of a recording.
public struct RunHeader: Sendable, Equatable, Codable {
    /// `TelemetryCoding.schemaVersion` of the writer; readers refuse newer versions.
    public var schemaVersion: Int
    /// The writer's `tensortop --version`.
    public var tensortopVersion: String
    /// When recording started, in seconds since 1970-01-01 UTC.
    public var started: Double
    /// What was run, e.g. `tensortop train --epochs 2 --record run.ttrun`.
    public var command: String
    /// The size cap past which snapshots are dropped, in bytes; nil when there is none.
    public var maxBytes: Int?

    public init(schemaVersion: Int = TelemetryCoding.schemaVersion, tensortopVersion: String, started: Double,
                command: String, maxBytes: Int? = nil) {
        self.schemaVersion = schemaVersion
        self.tensortopVersion = tensortopVersion
        self.started = started
        self.command = command
        self.maxBytes = maxBytes
    }
}

/// A command sent to the source (an intervention), as a recording read back holds it.
public struct RecordedCommand: Sendable, Equatable, Codable {
    /// The id the source gave it; its `applied` / `refused` event carries the same id.
    public var id: CommandID
    public var command: TrainerCommand
    public init(id: CommandID, command: TrainerCommand) {
        self.id = id
        self.command = command
    }
}

/// Where the size cap was reached.
public struct LimitNote: Sendable, Equatable, Codable {
    /// The cap, in bytes.
    public var maxBytes: Int
    /// The snapshots recorded before it.
    public var snapshotsKept: Int
    public init(maxBytes: Int, snapshotsKept: Int) {
        self.maxBytes = maxBytes
        self.snapshotsKept = snapshotsKept
    }
}

/// The last record of a cleanly finished recording: what it holds, and what was left out.
public struct RunEnd: Sendable, Equatable, Codable {
    /// Seconds from the header's `started` to the end.
    public var seconds: Double
    public var snapshots: Int
    public var lossPoints: Int
    public var events: Int
    /// Snapshots not written: past the size cap (`maxBytes`) or the hard limit.
    public var droppedSnapshots: Int
    /// Loss points and events not written: past the hard limit.
    public var droppedLossPoints: Int
    public var droppedEvents: Int
    public init(seconds: Double, snapshots: Int, lossPoints: Int, events: Int,
                droppedSnapshots: Int = 0, droppedLossPoints: Int = 0, droppedEvents: Int = 0) {
        self.seconds = seconds
        self.snapshots = snapshots
        self.lossPoints = lossPoints
        self.events = events
        self.droppedSnapshots = droppedSnapshots
        self.droppedLossPoints = droppedLossPoints
        self.droppedEvents = droppedEvents
    }
}
