import Foundation
import Telemetry

/// The bottom lines: run state, epoch and step with a progress bar and ETA, samples/s,
/// learning rate, optimizer, init and theme; then the main keys (or the last message).
enum StatusBar {
    static func render(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 1 else { return }
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        var x = rect.x
        func part(_ text: String, _ style: Style) {
            x = buffer.put(text, x: x, y: rect.y, style: style, clip: rect)
        }
        guard let s = state.snapshot else {
            part(" loading Fashion-MNIST…", theme[.status])
            keys(state, in: rect, theme: theme, into: &buffer)
            return
        }
        let stateStyle: Style = switch s.state {
        case .running: theme[.statusKey]
        case .diverged, .failed: theme[.alarm]
        default: theme[.status].bolded
        }
        part(" \(s.state) ".uppercased(), stateStyle)
        let fraction = s.stepsPerEpoch > 0 ? Double(s.stepInEpoch) / Double(s.stepsPerEpoch) : 0
        let barWidth = rect.width >= 110 ? 16 : 8
        let filled = Int(fraction * Double(barWidth))
        part(" epoch \(max(s.epoch, 1))/\(s.totalEpochs) ", theme[.status])
        part(String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled), theme[.status])
        let remaining = Double((s.totalEpochs - max(s.epoch, 1)) * s.stepsPerEpoch + (s.stepsPerEpoch - s.stepInEpoch))
        let eta = s.samplesPerSecond > 0 && s.state == .running ? remaining * Double(s.batchSize) / s.samplesPerSecond : 0
        part(" step \(s.step)", theme[.status])
        if eta > 0 { part(String(format: " ETA %d:%02d", Int(eta) / 60, Int(eta) % 60), theme[.status]) }
        let rate = s.samplesPerSecond > 0 ? "\(Int(s.samplesPerSecond.rounded()))" : "–"
        part(" │ \(rate) samples/s │ lr \(Draw.number(s.learningRate)) │ \(s.optimizerName)", theme[.status])
        if rect.width >= 140 { part(" │ init \(s.initDescription)", theme[.status]) }
        part(" │ theme \(state.themeName)", theme[.status])
        keys(state, in: rect, theme: theme, into: &buffer)
    }

    /// The second line: the last message if there is one, else the main keys.
    static func keys(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height >= 2 else { return }
        let y = rect.y + 1
        buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", theme[.status]))
        if let message = state.message {
            buffer.put(Draw.fit(" " + message, rect.width), x: rect.x, y: y, style: theme[.status])
            return
        }
        var x = rect.x + 1
        for (key, label) in [("␣", "pause"), ("n", "step"), ("+/-", "lr"), ("i", "init"), ("r", "reset"), ("s", "save"),
                             ("l", "load"), ("tab", "focus"), ("1/2", "pages"), ("a", "ascii"), ("t", "theme"), ("?", "help"), ("q", "quit")] {
            guard x + key.count + label.count + 2 < rect.maxX else { break }
            x = buffer.put(key, x: x, y: y, style: theme[.statusKey])
            x = buffer.put(" \(label)  ", x: x, y: y, style: theme[.status])
        }
    }
}
