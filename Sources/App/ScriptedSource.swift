import Foundation
import Synchronization
import Telemetry

/// A source as a scripted demo shows it: the same on every machine and in every folder.
///
/// Wraps another source; zeroes the timing figures (samples/s, seconds, epoch seconds) in its
/// snapshots and events, and removes the demo's temporary working folder from the texts of its
/// events, so frames do not depend on the machine's speed or on where the demo ran.
///
/// Its snapshot changes only when the demo `settle`s it (once the trainer has answered), never
/// while a reader polls mid-step: whatever watches it — the dashboard, a recording — sees the
/// same snapshots at the same points on every run.
final class ScriptedSource: TelemetrySource {
    let base: any TelemetrySource
    /// Removed from event texts (the demo's temporary folder, with its trailing slash).
    let hiddenPathPrefix: String
    /// The snapshot handed out, taken at the last `settle`.
    private let settled = Mutex<TrainingSnapshot?>(nil)

    init(_ base: any TelemetrySource, hiddenPathPrefix: String) {
        self.base = base
        self.hiddenPathPrefix = hiddenPathPrefix
    }

    var capabilities: SourceCapabilities { base.capabilities }
    var wrappedSource: (any TelemetrySource)? { base }

    /// Takes the base source's newest snapshot as the one handed out from now on.
    func settle() {
        guard var snapshot = base.latestSnapshot() else { return }
        snapshot.samplesPerSecond = 0
        snapshot.seconds = 0
        snapshot.epochResults = snapshot.epochResults.map(Self.untimed)
        settled.withLock { $0 = snapshot }
    }

    func latestSnapshot() -> TrainingSnapshot? { settled.withLock { $0 } }

    func losses(from cursor: Int) -> (points: [LossPoint], next: Int) { base.losses(from: cursor) }

    func takeEvents() -> [TrainerEvent] { base.takeEvents().map(cleaned) }

    func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { base.waitForEvents(timeout: seconds).map(cleaned) }

    @discardableResult func send(_ command: TrainerCommand) -> CommandID { base.send(command) }

    /// An epoch's result with its wall-clock time zeroed.
    private static func untimed(_ result: EpochResult) -> EpochResult {
        var result = result
        result.seconds = 0
        return result
    }

    /// The event with the hidden folder removed from its text and its timing zeroed.
    private func cleaned(_ event: TrainerEvent) -> TrainerEvent {
        func clean(_ text: String) -> String { text.replacingOccurrences(of: hiddenPathPrefix, with: "") }
        switch event {
        case .applied(let id, let text): return .applied(id, clean(text))
        case .refused(let id, let text): return .refused(id, clean(text))
        case .saved(let path): return .saved(path: clean(path))
        case .epochFinished(let result): return .epochFinished(Self.untimed(result))
        default: return event
        }
    }
}
