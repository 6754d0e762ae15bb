import Telemetry

/// A histogram drawn with ▁▂▃▄▅▆▇█ bars, its range and outliers on the axis, the
/// initialisation's theoretical bound or std marked, and the statistics underneath.
enum HistogramView {
    static func render(_ histogram: Histogram, title: String, spread: SpreadMark?, style: Style, in rect: Rect,
                       theme: Theme, into buffer: inout Buffer) {
        guard rect.width > 8, rect.height >= 4 else { return }
        buffer.put(Draw.fit(title, rect.width), x: rect.x, y: rect.y, style: theme[.title])
        let statsY = rect.maxY - 1, axisY = rect.maxY - 2
        let bars = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 3)
        guard histogram.count > 0, !histogram.counts.isEmpty else {
            buffer.put("no values", x: rect.x, y: rect.y + 1, style: theme[.dim])
            return
        }
        // Resample the bins to one per column.
        let columns = bars.width
        var heights = [Double](repeating: 0, count: columns)
        for (i, count) in histogram.counts.enumerated() {
            let column = i * columns / histogram.counts.count
            heights[column] += Double(count)
        }
        let tallest = max(heights.max() ?? 1, 1)
        let eighths = Array(" ▁▂▃▄▅▆▇█")
        for (column, value) in heights.enumerated() {
            var remaining = Int((value / tallest * Double(bars.height * 8)).rounded())
            if value > 0 { remaining = max(remaining, 1) }
            for row in stride(from: bars.maxY - 1, through: bars.y, by: -1) {
                let piece = min(8, remaining)
                if piece > 0 { buffer[bars.x + column, row] = Cell(eighths[piece], style) }
                remaining -= piece
            }
        }
        // The axis: range, outliers and the theoretical spread.
        buffer.put(String(repeating: "─", count: rect.width), x: rect.x, y: axisY, style: theme[.axis])
        func column(_ value: Double) -> Int? {
            guard histogram.high > histogram.low else { return nil }
            let c = Int(((value - histogram.low) / (histogram.high - histogram.low) * Double(columns - 1)).rounded())
            return (0..<columns).contains(c) ? c : nil
        }
        var marks: [Double] = []
        switch spread {
        case .uniform(let low, let high)?: marks = [low, high]
        case .normal(let mean, let std)?: marks = [mean - 2 * std, mean - std, mean + std, mean + 2 * std]
        case .constant(let v)?: marks = [v]
        default: break
        }
        for mark in marks { if let c = column(mark) { buffer[rect.x + c, axisY] = Cell("┼", theme[.spread]) } }
        let lowText = (histogram.below > 0 ? "◂\(histogram.below) " : "") + Draw.number(histogram.low)
        let highText = Draw.number(histogram.high) + (histogram.above > 0 ? " \(histogram.above)▸" : "")
        buffer.put(lowText, x: rect.x, y: axisY, style: theme[.axis])
        if highText.count + lowText.count < rect.width { buffer.put(highText, x: rect.maxX - highText.count, y: axisY, style: theme[.axis]) }
        let stats = "n=\(histogram.count) μ=\(Draw.number(histogram.mean)) σ=\(Draw.number(histogram.std)) min=\(Draw.number(histogram.min)) max=\(Draw.number(histogram.max))"
        buffer.put(Draw.fit(stats, rect.width), x: rect.x, y: statsY, style: theme[.text])
    }
}

/// The weights panel: the selected parameter's histograms right before and right after its
/// latest (re)initialisation side by side, and its values now underneath.
enum WeightsPanel {
    static func render(_ state: DashboardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let parameter = state.parameter
        let title = parameter.map { "Weights \($0.name) \(shapeText($0.shape))  ↑↓ select" } ?? "Weights"
        Draw.box(rect, title: title, focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let parameter, inner.height >= 5, inner.width >= 20 else { return }
        if inner.height < 12 {
            // A short panel: before, after and now side by side.
            let record = parameter.initialization
            buffer.put(Draw.fit("init \(record.map { "\($0.method)" } ?? "")  \(spreadText(record?.spread))", inner.width), x: inner.x, y: inner.y, style: theme[.accent])
            let row = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
            let third = row.width / 3
            let areas = [Rect(x: row.x, y: row.y, width: third - 1, height: row.height),
                         Rect(x: row.x + third, y: row.y, width: third - 1, height: row.height),
                         Rect(x: row.x + 2 * third, y: row.y, width: row.width - 2 * third, height: row.height)]
            HistogramView.render(record?.before ?? .empty, title: "before", spread: nil, style: theme[.histogramBefore], in: areas[0], theme: theme, into: &buffer)
            HistogramView.render(record?.after ?? .empty, title: "after", spread: record?.spread, style: theme[.histogramAfter], in: areas[1], theme: theme, into: &buffer)
            HistogramView.render(parameter.values, title: "now", spread: record?.spread, style: theme[.histogramNow], in: areas[2], theme: theme, into: &buffer)
            return
        }
        let (top, bottom) = inner.splitRows(inner.height / 2)
        let (left, right) = top.splitColumns(top.width / 2)
        let record = parameter.initialization
        let spread = record?.spread
        let method = record.map { "\($0.method)" } ?? ""
        buffer.put(Draw.fit("init \(method) at step \(record?.step ?? 0)  \(spreadText(spread))", inner.width), x: inner.x, y: inner.y, style: theme[.accent])
        let histograms = Rect(x: top.x, y: top.y + 1, width: top.width, height: top.height - 1)
        let (beforeArea, afterArea) = histograms.splitColumns(left.width)
        HistogramView.render(record?.before ?? .empty, title: "before", spread: nil, style: theme[.histogramBefore],
                             in: Rect(x: beforeArea.x, y: beforeArea.y, width: beforeArea.width - 1, height: beforeArea.height), theme: theme, into: &buffer)
        HistogramView.render(record?.after ?? .empty, title: "after", spread: spread, style: theme[.histogramAfter],
                             in: afterArea, theme: theme, into: &buffer)
        _ = right
        HistogramView.render(parameter.values, title: "now (step \(state.snapshot?.step ?? 0))", spread: spread,
                             style: theme[.histogramNow], in: bottom, theme: theme, into: &buffer)
    }

    static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: "×") + "]" }

    static func spreadText(_ spread: SpreadMark?) -> String {
        switch spread {
        case .uniform(let low, let high)?: "┼ bound ±\(Draw.number(max(abs(low), abs(high))))"
        case .normal(_, let std)?: "┼ ±σ,±2σ σ=\(Draw.number(std))"
        case .constant(let v)?: "┼ constant \(Draw.number(v))"
        default: ""
        }
    }
}
