import Foundation
import Synchronization
import Telemetry

/// The recorder's file side: appends encoded records in order, applying the size cap, and keeps
/// the counts the end marker reports.
final class RecorderWriter: Sendable {
    /// Something the recorder decided to write.
    enum Item: Sendable {
        case losses(LossBatch)
        /// A snapshot under the size cap.
        case snapshot(TrainingSnapshot)
        /// The snapshot still waiting at the end: written up to the hard limit.
        case lastSnapshot(TrainingSnapshot)
        /// An event or a command.
        case record(RunRecord)
        /// Signalled once everything queued before it is written.
        case barrier(DispatchSemaphore)

        /// The record to encode (nil for a barrier).
        var record: RunRecord? {
            switch self {
            case .losses(let batch): .losses(batch)
            case .snapshot(let snapshot), .lastSnapshot(let snapshot): .snapshot(snapshot)
            case .record(let record): record
            case .barrier: nil
            }
        }
    }

    private struct State {
        var file: RunFileWriter?
        var problem: String?
        var bytesWritten: Int
        var snapshots = 0, lossPoints = 0, events = 0
        var droppedSnapshots = 0, droppedLossPoints = 0, droppedEvents = 0
        var limitNoted = false
    }

    private let state: Mutex<State>
    private let options: Recorder.Options
    private let started: Double

    init(file: RunFileWriter, options: Recorder.Options, started: Double) {
        state = Mutex(State(file: file, bytesWritten: file.size))
        self.options = options
        self.started = started
    }

    var problem: String? { state.withLock { $0.problem } }
    var bytesWritten: Int { state.withLock { $0.bytesWritten } }
    var isOpen: Bool { state.withLock { $0.file != nil } }

    /// `item`'s frame: the slow part (JSON and deflate), done without any lock held.
    static func encode(_ item: Item) -> Result<[UInt8], RecordingProblem>? {
        guard let record = item.record else { return nil }
        do {
            return .success(try RunFormat.frame(record))
        } catch {
            return .failure(RecordingProblem("cannot encode a record (\(error))"))
        }
    }

    /// Appends `item`'s encoded frame (from `encode`), or counts it dropped past its limit.
    func append(_ item: Item, _ encoded: Result<[UInt8], RecordingProblem>?) {
        state.withLock { box in
            switch item {
            case .barrier(let reached):
                reached.signal()
            case .losses(let batch):
                let written = append(encoded, &box, limit: options.hardLimitBytes)
                if written { box.lossPoints += batch.losses.count } else { box.droppedLossPoints += batch.losses.count }
            case .record:
                if append(encoded, &box, limit: options.hardLimitBytes) { box.events += 1 } else { box.droppedEvents += 1 }
            case .snapshot, .lastSnapshot:
                if let cap = options.maxBytes, box.bytesWritten >= cap, !box.limitNoted {
                    box.limitNoted = true
                    let note = RunRecord.limit(LimitNote(maxBytes: cap, snapshotsKept: box.snapshots))
                    _ = append(Self.encode(.record(note)), &box, limit: options.hardLimitBytes)
                }
                let limit = if case .lastSnapshot = item { options.hardLimitBytes } else { options.maxBytes }
                if append(encoded, &box, limit: limit) { box.snapshots += 1 } else { box.droppedSnapshots += 1 }
            }
        }
    }

    /// Writes the end marker, syncs and closes the file.
    func close() {
        state.withLock { box in
            guard box.file != nil else { return }
            let end = RunEnd(seconds: Recorder.clock() - started, snapshots: box.snapshots, lossPoints: box.lossPoints,
                             events: box.events, droppedSnapshots: box.droppedSnapshots,
                             droppedLossPoints: box.droppedLossPoints, droppedEvents: box.droppedEvents)
            _ = append(Self.encode(.record(.end(end))), &box, limit: nil)
            box.file?.close()
            box.file = nil
        }
    }

    /// Appends a frame unless the file is closed or already `limit` bytes long; returns whether it was written.
    private func append(_ encoded: Result<[UInt8], RecordingProblem>?, _ box: inout State, limit: Int?) -> Bool {
        guard var file = box.file, let encoded else { return false }
        if let limit, box.bytesWritten >= limit { return false }
        do {
            try file.append(try encoded.get())
            box.file = file
            box.bytesWritten = file.size
            return true
        } catch {
            box.problem = box.problem ?? "\(error)"
            if error is RecordingProblem { return false }  // that record only
            file.close()
            box.file = nil
            return false
        }
    }

    /// Puts the calling thread at the lowest scheduling priority: recording gets what training leaves.
    static func lowerPriority() {
        #if os(Linux)
        // On Linux the nice value is per thread, and 0 names the calling one.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #else
        Thread.current.qualityOfService = .background
        #endif
    }
}
