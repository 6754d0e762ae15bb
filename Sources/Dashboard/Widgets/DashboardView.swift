import Telemetry

/// Renders the whole screen for a state: pure, so tests and demos draw exactly what the terminal shows.
public enum DashboardView {
    /// The smallest screen the panels fit in.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(_ state: DashboardState, theme: Theme) -> Buffer {
        var buffer = Buffer(width: state.width, height: state.height)
        buffer.fill(buffer.area, with: Cell(" ", theme[.text]))
        guard state.width >= minimumWidth, state.height >= minimumHeight else {
            let message = "terminal too small: need at least \(minimumWidth)×\(minimumHeight), now \(state.width)×\(state.height)"
            let lines = state.width >= message.count ? [message] : ["terminal too small:", "need at least \(minimumWidth)×\(minimumHeight),", "now \(state.width)×\(state.height)"]
            for (i, line) in lines.enumerated() {
                buffer.put(line, x: max(0, (state.width - line.count) / 2), y: max(0, state.height / 2 - 1 + i), style: theme[.alarm])
            }
            return buffer
        }
        let captionHeight = state.caption == nil ? 0 : 1
        let screen = Rect(x: 0, y: captionHeight, width: state.width, height: state.height - 2 - captionHeight)
        if let caption = state.caption {
            buffer.fill(Rect(x: 0, y: 0, width: state.width, height: 1), with: Cell(" ", theme[.statusKey]))
            buffer.put(Draw.fit(" " + caption, state.width), x: 0, y: 0, style: theme[.statusKey])
        }
        switch state.page {
        case .main:
            // The bottom row gets the extra line: on 120×40 it fits two rows of four half-size images.
            let (top, bottom) = screen.splitRows(screen.height * 9 / 19)
            let (loss, weights) = top.splitColumns(top.width * 11 / 20)
            let (batch, gradients) = bottom.splitColumns(max(bottom.width / 2, min(62, bottom.width * 11 / 20)))
            LossChart.render(LossChart.input(state), in: loss, focused: state.focus == .loss, theme: theme, into: &buffer)
            WeightsPanel.render(WeightsPanel.input(state), in: weights, focused: state.focus == .weights, theme: theme, into: &buffer)
            BatchView.render(BatchView.input(state), in: batch, focused: state.focus == .batch, theme: theme, into: &buffer)
            GradientsView.render(GradientsView.input(state), in: gradients, focused: state.focus == .gradients, theme: theme, into: &buffer)
        case .confusion:
            ConfusionView.render(ConfusionView.input(state), in: screen, theme: theme, into: &buffer)
        case .history:
            HistoryView.render(HistoryView.input(state), in: screen, theme: theme, into: &buffer)
        }
        StatusBar.render(state, in: Rect(x: 0, y: state.height - 2, width: state.width, height: 2), theme: theme, into: &buffer)
        if let menu = state.initMenu { Overlays.initMenu(menu, state, in: screen, theme: theme, into: &buffer) }
        if let menu = state.loadMenu { Overlays.loadMenu(menu, state, in: screen, theme: theme, into: &buffer) }
        if state.showHelp { Overlays.help(in: screen, theme: theme, into: &buffer) }
        if state.showMessages { Overlays.messageLog(state.messages, in: screen, theme: theme, into: &buffer) }
        if state.showKeys { Overlays.keys(state.shownKeys, in: screen, theme: theme, into: &buffer) }
        return buffer
    }
}
