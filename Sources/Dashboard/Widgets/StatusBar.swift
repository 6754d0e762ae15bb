import Foundation
import Telemetry

/// The bottom lines: run state, the model's train/eval mode (when it matters), epoch and step with the run's progress bar and ETA, learning
/// rate, samples/s, optimizer, theme and init; then the keys (or the last message). Each line
/// leaves out its least important parts when the terminal is narrow.
enum StatusBar {
    static func render(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 1 else { return }
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        guard let s = state.snapshot else {
            buffer.put(" waiting for the first snapshot…", x: rect.x, y: rect.y, style: theme[.status], clip: rect)
            keys(state, in: rect, theme: theme, into: &buffer)
            return
        }
        let stateStyle: Style = switch s.state {
        case .running: theme[.statusKey]
        case .diverged, .failed: theme[.alarm]
        default: theme[.status].bolded
        }
        let barWidth = rect.width >= 110 ? 16 : 8
        let filled = min(barWidth, max(0, Draw.integer(runFraction(s) * Double(barWidth))))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        let status = theme[.status]
        let badge = s.timeline.map(replayBadge) ?? " \(s.state) ".uppercased()
        buffer.put(badge, x: rect.x, y: rect.y, style: s.timeline == nil ? stateStyle : theme[.statusKey], clip: rect)
        var parts = modeParts(s, theme: theme)
        // Training or evaluation mode, for a model where it matters (batch norm, dropout).
        if let mode = s.modelMode { parts.append(Draw.Part(text: "\(mode) mode", priority: 3, style: status)) }
        // A source that does not know the run's length (an attached script) reports 0 epochs.
        let epochs = s.totalEpochs > 0 ? "epoch \(max(s.epoch, 1))/\(s.totalEpochs)" : "epoch \(max(s.epoch, 1))"
        // A branched run: which branch these figures are (B switches).
        if s.branches.indices.contains(s.branch) {
            parts.append(Draw.Part(text: "branch \(s.branches[s.branch].name) of \(s.branches.count)", priority: 0, style: status.bolded))
        }
        parts += [Draw.Part(text: epochs, priority: 0, style: status),
                  Draw.Part(text: bar, priority: 2, style: status),
                  Draw.Part(text: "step \(s.step)", priority: 1, style: status)]
        if let eta = eta(s) { parts.append(Draw.Part(text: "ETA \(eta)", priority: 5, style: status)) }
        let rate = s.samplesPerSecond > 0 ? "\(Draw.integer(s.samplesPerSecond.rounded()))" : "–"
        parts += [Draw.Part(text: "lr \(Draw.number(s.learningRate))", priority: 1, style: status),
                  Draw.Part(text: "\(rate) samples/s", priority: 6, style: status),
                  Draw.Part(text: s.optimizerName, priority: 4, style: status),
                  Draw.Part(text: "theme \(state.themeName)", priority: 7, style: status),
                  Draw.Part(text: "init \(s.initDescription)", priority: 8, style: status)]
        let (kept, separator) = Draw.arrange(parts, width: rect.width - badge.count - 2, separator: "  ")
        var x = rect.x + badge.count + 1
        for (i, part) in kept.enumerated() {
            if i > 0 { x = buffer.put(separator, x: x, y: rect.y, style: status, clip: rect) }
            x = buffer.put(part.text, x: x, y: rect.y, style: part.style, clip: rect)
        }
        keys(state, in: rect, theme: theme, into: &buffer)
    }

    /// A replay's badge: ` REPLAY 12/40 ▶ ` while it plays, ` REPLAY 12/40 paused ` when not.
    static func replayBadge(_ timeline: TimelinePosition) -> String {
        let shown = timeline.count > 0 ? min(max(timeline.index, 0), timeline.count - 1) + 1 : 0
        return " REPLAY \(shown)/\(max(timeline.count, 0)) \(timeline.playing ? "▶" : "paused") "
    }

    /// What the source's mode adds after the badge: where a replay stopped early (always
    /// kept), `following`, the recorded run's state, and the speed limit when there is one.
    static func modeParts(_ s: TrainingSnapshot, theme: Theme) -> [Draw.Part] {
        var parts: [Draw.Part] = []
        if let timeline = s.timeline {
            if let damage = timeline.damage { parts.append(Draw.Part(text: "stopped early: \(damage)", priority: 0, style: theme[.alarm])) }
            if timeline.following { parts.append(Draw.Part(text: "following", priority: 1, style: theme[.status])) }
            parts.append(Draw.Part(text: "\(s.state)", priority: 3, style: theme[.status]))
        }
        if let limit = s.speedLimit {
            let text = (s.timeline == nil ? "limit " : "") + SpeedText.describe(limit)
            parts.append(Draw.Part(text: text, priority: 1, style: theme[.status]))
        }
        return parts
    }

    /// How far the whole run is, 0…1 (1 when finished): what the bar shows, next to the run's ETA.
    static func runFraction(_ s: TrainingSnapshot) -> Double {
        if case .finished = s.state { return 1 }
        // In Double: --epochs can be as large as a user types it.
        let total = Double(s.totalEpochs) * Double(s.stepsPerEpoch)
        guard total > 0 else { return 0 }
        return min(1, max(0, stepsDone(s) / total))
    }

    /// Steps of the run done so far. Between epochs (`stepInEpoch` 0) `epoch` counts the epochs
    /// finished; during one it is the epoch under way.
    static func stepsDone(_ s: TrainingSnapshot) -> Double {
        s.stepInEpoch == 0 ? Double(max(s.epoch, 0)) * Double(s.stepsPerEpoch)
            : (Double(max(s.epoch, 1)) - 1) * Double(s.stepsPerEpoch) + Double(s.stepInEpoch)
    }

    /// The time left for the whole run while it runs, as m:ss or h:mm:ss.
    static func eta(_ s: TrainingSnapshot) -> String? {
        guard case .running = s.state, s.samplesPerSecond > 0 else { return nil }
        let remaining = Double(s.totalEpochs) * Double(s.stepsPerEpoch) - stepsDone(s)
        let seconds = Draw.integer(remaining * Double(s.batchSize) / s.samplesPerSecond)
        guard seconds > 0 else { return nil }
        if seconds >= 3600 { return String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) }
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }

    /// What the second line adds to a message too long for it.
    static let moreHint = " (m: all messages)"

    /// The second line: the last message if there is one (cut, with a pointer to the message
    /// log, when it is too long), else the keys.
    static func keys(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        var hints = InputTable.hints(capabilities: state.capabilities)
        if let scope = state.page.keyScope {
            // The page's own keys first, then the pages, help and quit.
            hints = InputTable.hints(in: scope, capabilities: state.capabilities)
                + hints.filter { $0.importance == 0 || $0.hint.text == "pages" }.map { ($0.hint, $0.importance + 1) }
        }
        let typing = state.page == .autograd && state.autograd.draft != nil ? "type the program: enter evaluates it, esc cancels" : nil
        keys(message: typing ?? state.message, hints: hints, in: rect, theme: theme, into: &buffer)
    }

    /// The second line of `rect`: `message` if there is one (cut, with a pointer to the message
    /// log, when it is too long), else the hints, the most important kept when room is short.
    static func keys(message: String?, hints: [(hint: KeyHint, importance: Int)], in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 2 else { return }
        let y = rect.y + 1
        buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        if let message {
            let text = " " + message
            let shown = text.count < rect.width ? text : Draw.fit(text, rect.width - 1 - moreHint.count) + moreHint
            buffer.put(shown, x: rect.x, y: y, style: theme[.status], clip: rect)
            return
        }
        let parts = hints.map { Draw.Part(text: "\($0.hint.keys) \($0.hint.text)", priority: $0.importance) }
        let (kept, separator) = Draw.arrange(parts, width: rect.width - 2, separator: "  ")
        var x = rect.x + 1
        for (i, part) in kept.enumerated() {
            if i > 0 { x = buffer.put(separator, x: x, y: y, style: theme[.status]) }
            let key = String(part.text.prefix { $0 != " " })
            x = buffer.put(key, x: x, y: y, style: theme[.statusKey], clip: rect)
            x = buffer.put(String(part.text.dropFirst(key.count)), x: x, y: y, style: theme[.status], clip: rect)
        }
    }
}
