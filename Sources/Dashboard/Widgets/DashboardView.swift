import Telemetry

/// Renders the whole screen for a state: pure, so tests and demos draw exactly what the terminal shows.
public enum DashboardView {
    /// The smallest screen the panels fit in.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(_ state: DashboardState, theme: Theme) -> Buffer {
        var buffer = Buffer(width: state.width, height: state.height)
        buffer.fill(buffer.area, with: Cell(" ", theme[.text]))
        guard let layout = Layout(state) else {
            drawTooSmall(theme: theme, into: &buffer)
            return buffer
        }
        let screen = layout.screen
        if let caption = state.caption, let line = layout.caption {
            buffer.fill(line, with: Cell(" ", theme[.statusKey]))
            buffer.put(Draw.fit(" " + caption, state.width), x: 0, y: 0, style: theme[.statusKey])
        }
        switch state.page {
        case .main:
            LossChart.render(LossChart.input(state), in: layout.rect(of: .loss), focused: state.focus == .loss, theme: theme, into: &buffer)
            WeightsPanel.render(WeightsPanel.input(state), in: layout.rect(of: .weights), focused: state.focus == .weights, theme: theme, into: &buffer)
            BatchView.render(BatchView.input(state), in: layout.rect(of: .batch), focused: state.focus == .batch, theme: theme, into: &buffer)
            GradientsView.render(GradientsView.input(state), in: layout.rect(of: .gradients), focused: state.focus == .gradients, theme: theme, into: &buffer)
        case .confusion:
            ConfusionView.render(ConfusionView.input(state), in: screen, theme: theme, into: &buffer)
        case .history:
            HistoryView.render(HistoryView.input(state), in: screen, theme: theme, into: &buffer)
        case .features:
            FeatureMapsView.render(FeatureMapsView.input(state), in: screen, theme: theme, into: &buffer)
        case .autograd:
            AutogradPageView.render(state.autograd, in: screen, theme: theme, into: &buffer)
        case .reductions:
            ReductionPageView.render(ReductionPageView.input(state), in: screen, theme: theme, into: &buffer)
        }
        StatusBar.render(state, in: layout.status, theme: theme, into: &buffer)
        if let menu = state.initMenu { Overlays.initMenu(menu, state, in: screen, theme: theme, into: &buffer) }
        if let menu = state.loadMenu { Overlays.loadMenu(menu, state, in: screen, theme: theme, into: &buffer) }
        if state.branchMenu { Overlays.branchMenu(state, in: screen, theme: theme, into: &buffer) }
        if state.showHelp { Overlays.help(state, in: screen, theme: theme, into: &buffer) }
        if state.showMessages { Overlays.messageLog(state.messages, back: state.messagesBack, in: screen, theme: theme, into: &buffer) }
        if state.showKeys { Overlays.keys(state.shownKeys, in: screen, theme: theme, into: &buffer) }
        return buffer
    }

    /// What a screen smaller than the minimum shows: how big it must be, and that q quits.
    static func drawTooSmall(theme: Theme, into buffer: inout Buffer) {
        let (width, height) = (buffer.width, buffer.height)
        let message = "terminal too small: need at least \(minimumWidth)×\(minimumHeight), now \(width)×\(height)"
        let lines = (width >= message.count ? [message] : ["terminal too small:", "need at least \(minimumWidth)×\(minimumHeight),", "now \(width)×\(height)"])
            + ["q quits"]
        for (i, line) in lines.enumerated() {
            buffer.put(line, x: max(0, (width - line.count) / 2), y: max(0, height / 2 - 1 + i), style: theme[.alarm])
        }
    }
}
