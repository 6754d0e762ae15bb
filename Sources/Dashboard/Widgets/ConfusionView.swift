import Telemetry

/// Page 2: the test set's confusion matrix (counts shaded by size) and per-class accuracy.
enum ConfusionView {
    static func render(_ state: DashboardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let result = state.snapshot?.epochResults.last
        Draw.box(rect, title: "Confusion matrix" + (result.map { "  epoch \($0.epoch), test accuracy \(Draw.fixed($0.testAccuracy * 100, 2))%" } ?? "") + "  (1 back)",
                 focused: true, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let result else {
            buffer.put("appears at the end of the first epoch", x: inner.x + 1, y: inner.y + 1, style: theme[.dim], clip: inner)
            return
        }
        let names = state.snapshot?.classNames ?? (0..<result.confusion.count).map(String.init)
        let nameWidth = min(12, names.map(\.count).max() ?? 5)
        let cellWidth = max(5, min(8, (inner.width - nameWidth - 12) / max(result.confusion.count, 1)))
        buffer.put(Draw.fit("true \\ predicted", nameWidth + 1), x: inner.x, y: inner.y, style: theme[.dim])
        for (c, _) in result.confusion.enumerated() {
            buffer.put(Draw.fit(String(names[c].prefix(cellWidth - 1)), cellWidth, alignRight: true), x: inner.x + nameWidth + 1 + c * cellWidth, y: inner.y, style: theme[.dim])
        }
        buffer.put("  accuracy", x: inner.x + nameWidth + 1 + result.confusion.count * cellWidth, y: inner.y, style: theme[.dim], clip: inner)
        let peak = max(1, result.confusion.flatMap { $0 }.max() ?? 1)
        for (row, counts) in result.confusion.enumerated() where inner.y + 1 + row < inner.maxY {
            let y = inner.y + 1 + row
            buffer.put(Draw.fit(names[row], nameWidth), x: inner.x, y: y, style: theme[.text])
            for (column, count) in counts.enumerated() {
                var style = row == column ? theme[.good] : (count > 0 ? theme[.bad] : theme[.dim])
                if state.colorsAvailable && count > 0 {
                    style = style.with(background: Draw.grey(UInt8(40 + 150 * count / peak)))
                }
                buffer.put(Draw.fit("\(count)", cellWidth - 1, alignRight: true) + " ", x: inner.x + nameWidth + 1 + column * cellWidth, y: y, style: style)
            }
            let accuracy = result.perClassAccuracy[row]
            buffer.put("  " + Draw.fixed(accuracy * 100, 1) + "%", x: inner.x + nameWidth + 1 + counts.count * cellWidth, y: y,
                       style: accuracy >= 0.85 ? theme[.good] : theme[.warn], clip: inner)
        }
        let historyY = inner.y + result.confusion.count + 2
        guard historyY < inner.maxY else { return }
        buffer.put("epoch  train loss  test loss  test accuracy", x: inner.x, y: historyY, style: theme[.dim], clip: inner)
        for (i, epoch) in (state.snapshot?.epochResults ?? []).suffix(inner.maxY - historyY - 1).enumerated() {
            let line = Draw.fit("\(epoch.epoch)", 5, alignRight: true) + Draw.fit(Draw.fixed(epoch.trainLoss, 4), 12, alignRight: true)
                + Draw.fit(Draw.fixed(epoch.testLoss, 4), 11, alignRight: true) + Draw.fit(Draw.fixed(epoch.testAccuracy * 100, 2) + "%", 15, alignRight: true)
            buffer.put(line, x: inner.x, y: historyY + 1 + i, style: theme[.text], clip: inner)
        }
    }
}
