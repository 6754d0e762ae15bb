import Telemetry

/// A recording read back: its snapshots in order, the whole loss history, and where each event
/// and command fell between the snapshots.
public struct RecordedRun: Sendable {
    /// Something the source reported or was told, placed on the timeline.
    public struct Placed<Value: Sendable>: Sendable {
        /// How many snapshots came before it in the file (it happened after snapshot `position - 1`).
        public var position: Int
        public var value: Value
    }

    public private(set) var header: RunHeader?
    public private(set) var snapshots: [TrainingSnapshot] = []
    /// Training steps played up to each snapshot, from the first: the sum of the forward step
    /// changes (a reset's jump back counts 0), for a play speed in steps per second.
    public private(set) var progress: [Double] = []
    public private(set) var losses: [LossPoint] = []
    public private(set) var events: [Placed<TrainerEvent>] = []
    public private(set) var commands: [Placed<RecordedCommand>] = []
    /// Where the size cap was reached, if it was.
    public private(set) var limit: LimitNote?
    /// The end marker, once read: nothing more will come.
    public private(set) var end: RunEnd?
    /// Whether any snapshot carries batch images, or per-parameter gradients.
    public private(set) var hasBatchImages = false
    public private(set) var hasGradients = false

    public init() {}

    /// Adds the next record of the file, or says why it cannot come here (damage).
    public mutating func apply(_ record: RunRecord) throws(RecordingProblem) {
        if end != nil { throw RecordingProblem("a record after the end marker") }
        guard case .header(let header) = record else {
            guard self.header != nil else { throw RecordingProblem("the first record is not the header") }
            try applyBody(record)
            return
        }
        guard self.header == nil else { throw RecordingProblem("a second header") }
        guard header.schemaVersion <= TelemetryCoding.schemaVersion else {
            throw RecordingProblem("written with telemetry schema \(header.schemaVersion) by tensortop \(header.tensortopVersion); "
                                   + "this tensortop reads schema \(TelemetryCoding.schemaVersion) and older: update tensortop to replay it")
        }
        self.header = header
    }

    private mutating func applyBody(_ record: RunRecord) throws(RecordingProblem) {
        switch record {
        case .header:
            break  // handled by apply
        case .snapshot(let snapshot):
            var played = progress.last ?? 0
            if let previous = snapshots.last {
                // In Double: steps from a hostile file may be anywhere in Int's range.
                played += Swift.min(Swift.max(Double(snapshot.step) - Double(previous.step), 0), 1e15)
            }
            snapshots.append(snapshot)
            progress.append(played)
            hasBatchImages = hasBatchImages || snapshot.batch != nil
            hasGradients = hasGradients || snapshot.parameters.contains { $0.gradient != nil }
        case .losses(let batch):
            let points = try batch.points()
            // A batch overlapping what was read adds only its new points; a gap (points dropped
            // past the hard limit) is closed up.
            let overlap = Swift.min(Swift.max(losses.count - batch.first, 0), points.count)
            losses += points[overlap...]
        case .event(let event):
            events.append(Placed(position: snapshots.count, value: event))
        case .command(let id, let command):
            commands.append(Placed(position: snapshots.count, value: RecordedCommand(id: id, command: command)))
        case .limit(let note):
            limit = note
        case .end(let end):
            self.end = end
        }
    }

    /// The loss points that belong to snapshot `index` (all of them at the last snapshot).
    public func visibleLossCount(at index: Int) -> Int {
        guard snapshots.indices.contains(index), index < snapshots.count - 1 else { return losses.count }
        return Swift.min(Swift.max(snapshots[index].lossCount, 0), losses.count)
    }

    /// How many events belong to snapshot `index`: those written before it (all of them at the
    /// last snapshot).
    public func visibleEventCount(at index: Int) -> Int {
        guard index < snapshots.count - 1 else { return events.count }
        // Positions never decrease along the file: the first event past the index ends the prefix.
        return events.firstIndex { $0.position > index } ?? events.count
    }
}
