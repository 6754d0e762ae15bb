import Telemetry

/// Page 3: the run's history — test loss, test accuracy and learning rate over the run.
enum HistoryView {
    static func render(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        Draw.box(rect, title: [Draw.Part(text: "Run history", priority: 0)], focused: false, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        buffer.put("no epochs finished yet", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
    }
}
