import Foundation
import Synchronization
import Telemetry

/// The recorder's writing side: encodes queued records and appends them, applying the size cap.
///
/// Used only from the recorder's thread (the lock makes `problem` and `bytesWritten` readable
/// from any other).
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

    /// Writes `items` in order.
    func write(_ items: [Item]) {
        guard !items.isEmpty else { return }
        for item in items {
            // Encoding happens outside the lock: a reader of `bytesWritten` never waits for it.
            let (size, open) = state.withLock { ($0.bytesWritten, $0.file != nil) }
            if !open, case .barrier(let reached) = item { reached.signal() }
            guard open else { continue }
            switch item {
            case .barrier(let reached):
                reached.signal()
            case .losses(let batch):
                let written = append(.losses(batch), size: size, limit: options.hardLimitBytes)
                state.withLock { if written { $0.lossPoints += batch.losses.count } else { $0.droppedLossPoints += batch.losses.count } }
            case .record(let record):
                let written = append(record, size: size, limit: options.hardLimitBytes)
                state.withLock { if written { $0.events += 1 } else { $0.droppedEvents += 1 } }
            case .snapshot(let snapshot), .lastSnapshot(let snapshot):
                if let cap = options.maxBytes, size >= cap, !state.withLock({ $0.limitNoted }) {
                    let kept = state.withLock { box in
                        box.limitNoted = true
                        return box.snapshots
                    }
                    _ = append(.limit(LimitNote(maxBytes: cap, snapshotsKept: kept)), size: size, limit: options.hardLimitBytes)
                }
                let limit = if case .lastSnapshot = item { options.hardLimitBytes } else { options.maxBytes }
                let written = append(.snapshot(snapshot), size: bytesWritten, limit: limit)
                state.withLock { if written { $0.snapshots += 1 } else { $0.droppedSnapshots += 1 } }
            }
        }
    }

    /// Writes the end marker, syncs and closes the file.
    func close() {
        let end = state.withLock { box in
            RunEnd(seconds: Recorder.clock() - started, snapshots: box.snapshots, lossPoints: box.lossPoints,
                   events: box.events, droppedSnapshots: box.droppedSnapshots,
                   droppedLossPoints: box.droppedLossPoints, droppedEvents: box.droppedEvents)
        }
        _ = append(.end(end), size: bytesWritten, limit: nil)
        state.withLock { box in
            box.file?.close()
            box.file = nil
        }
    }

    /// Appends one record unless the file is closed or already `limit` bytes long; returns whether it was written.
    private func append(_ record: RunRecord, size: Int, limit: Int?) -> Bool {
        if let limit, size >= limit { return false }
        let frame: [UInt8]
        do {
            frame = try RunFormat.frame(record)
        } catch {
            state.withLock { $0.problem = $0.problem ?? "\(error)" }
            return false
        }
        return state.withLock { box in
            guard var file = box.file else { return false }
            do {
                try file.append(frame)
                box.file = file
                box.bytesWritten = file.size
                return true
            } catch {
                box.problem = "\(error)"
                file.close()
                box.file = nil
                return false
            }
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
