import Foundation
import Telemetry

/// A source as a scripted demo shows it: the same on every machine and in every folder.
///
/// Wraps another source; zeroes the timing figures (samples/s, seconds) in its snapshots and
/// removes the demo's temporary working folder from the texts of its events, so frames do not
/// depend on the machine's speed or on where the demo ran.
final class ScriptedSource: TelemetrySource {
    let base: any TelemetrySource
    /// Removed from event texts (the demo's temporary folder, with its trailing slash).
    let hiddenPathPrefix: String

    init(_ base: any TelemetrySource, hiddenPathPrefix: String) {
        self.base = base
        self.hiddenPathPrefix = hiddenPathPrefix
    }

    var capabilities: SourceCapabilities { base.capabilities }

    func latestSnapshot() -> TrainingSnapshot? {
        guard var snapshot = base.latestSnapshot() else { return nil }
        snapshot.samplesPerSecond = 0
        snapshot.seconds = 0
        return snapshot
    }

    func losses(from cursor: Int) -> (points: [LossPoint], next: Int) { base.losses(from: cursor) }

    func takeEvents() -> [TrainerEvent] { base.takeEvents().map(cleaned) }

    func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { base.waitForEvents(timeout: seconds).map(cleaned) }

    @discardableResult func send(_ command: TrainerCommand) -> CommandID { base.send(command) }

    /// The event with the hidden folder removed from its text.
    private func cleaned(_ event: TrainerEvent) -> TrainerEvent {
        func clean(_ text: String) -> String { text.replacingOccurrences(of: hiddenPathPrefix, with: "") }
        switch event {
        case .applied(let id, let text): return .applied(id, clean(text))
        case .refused(let id, let text): return .refused(id, clean(text))
        case .saved(let path): return .saved(path: clean(path))
        default: return event
        }
    }
}
