import Foundation
import Telemetry

/// The bottom lines: run state, epoch and step with the run's progress bar and ETA, learning
/// rate, samples/s, optimizer, theme and init; then the keys (or the last message). Each line
/// leaves out its least important parts when the terminal is narrow.
enum StatusBar {
    static func render(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 1 else { return }
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        guard let s = state.snapshot else {
            buffer.put(" loading Fashion-MNIST…", x: rect.x, y: rect.y, style: theme[.status], clip: rect)
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
        let badge = " \(s.state) ".uppercased()
        buffer.put(badge, x: rect.x, y: rect.y, style: stateStyle, clip: rect)
        var parts = [Draw.Part(text: "epoch \(max(s.epoch, 1))/\(s.totalEpochs)", priority: 0, style: status),
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

    /// How far the whole run is, 0…1 (1 when finished): what the bar shows, next to the run's ETA.
    static func runFraction(_ s: TrainingSnapshot) -> Double {
        if case .finished = s.state { return 1 }
        // In Double: --epochs can be as large as a user types it.
        let total = Double(s.totalEpochs) * Double(s.stepsPerEpoch)
        guard total > 0 else { return 0 }
        let done = (Double(max(s.epoch, 1)) - 1) * Double(s.stepsPerEpoch) + Double(s.stepInEpoch)
        return min(1, max(0, done / total))
    }

    /// The time left for the whole run while it runs, as m:ss or h:mm:ss.
    static func eta(_ s: TrainingSnapshot) -> String? {
        guard case .running = s.state, s.samplesPerSecond > 0 else { return nil }
        let remaining = (Double(s.totalEpochs) - Double(max(s.epoch, 1))) * Double(s.stepsPerEpoch) + Double(s.stepsPerEpoch) - Double(s.stepInEpoch)
        let seconds = Draw.integer(remaining * Double(s.batchSize) / s.samplesPerSecond)
        guard seconds > 0 else { return nil }
        if seconds >= 3600 { return String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) }
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }

    /// The keys the second line offers, most important first when room is short: help and quit.
    static let keyHints: [(key: String, label: String, priority: Int)] = [
        ("␣", "pause", 1), ("n", "step", 2), ("+/-", "lr", 2), ("i", "init", 3), ("r", "reset", 3), ("s", "save", 3),
        ("l", "load", 4), ("tab", "focus", 4), ("1/2", "pages", 5), ("a", "ascii", 6), ("t", "theme", 6),
        ("m", "messages", 5), ("?", "help", 0), ("q", "quit", 0),
    ]

    /// What the second line adds to a message too long for it.
    static let moreHint = " (m: all messages)"

    /// The second line: the last message if there is one (cut, with a pointer to the message
    /// log, when it is too long), else the keys.
    static func keys(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 2 else { return }
        let y = rect.y + 1
        buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        if let message = state.message {
            let text = " " + message
            let shown = text.count < rect.width ? text : Draw.fit(text, rect.width - 1 - moreHint.count) + moreHint
            buffer.put(shown, x: rect.x, y: y, style: theme[.status], clip: rect)
            return
        }
        let parts = keyHints.map { Draw.Part(text: "\($0.key) \($0.label)", priority: $0.priority) }
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
