import Telemetry

/// A histogram drawn with ▁▂▃▄▅▆▇█ bars, its range and outliers on the axis, the
/// initialisation's theoretical bound or std marked, and the statistics underneath.
enum HistogramView {
    static func render(_ histogram: Histogram, title: String, spread: SpreadMark?, style: Style, in rect: Rect,
                       emptyText: String = "no values", theme: Theme, into buffer: inout Buffer) {
        guard rect.width > 8, rect.height >= 4 else { return }
        buffer.put(Draw.fit(title, rect.width), x: rect.x, y: rect.y, style: theme[.title])
        let statsY = rect.maxY - 1, axisY = rect.maxY - 2
        guard histogram.count > 0, !histogram.counts.isEmpty else {
            buffer.put(emptyText, x: rect.x, y: rect.y + 1, style: theme[.dim], clip: rect)
            return
        }
        let heights = columnCounts(histogram.counts, width: rect.width)
        let columns = heights.count
        let bars = Rect(x: rect.x, y: rect.y + 1, width: columns, height: rect.height - 3)
        let tallest = max(heights.max() ?? 1, 1)
        let eighths = Array(" ▁▂▃▄▅▆▇█")
        for (column, value) in heights.enumerated() {
            var remaining = Draw.integer((value / tallest * Double(bars.height * 8)).rounded())
            if value > 0 { remaining = max(remaining, 1) }
            for row in stride(from: bars.maxY - 1, through: bars.y, by: -1) {
                let piece = min(8, remaining)
                if piece > 0 { buffer[bars.x + column, row] = Cell(eighths[piece], style) }
                remaining -= piece
            }
        }
        // The axis under the bars: range, outliers and the theoretical spread.
        let axis = Rect(x: rect.x, y: axisY, width: columns, height: 1)
        buffer.put(String(repeating: "─", count: columns), x: axis.x, y: axisY, style: theme[.axis])
        func column(_ value: Double) -> Int? {
            guard histogram.high > histogram.low, value.isFinite else { return nil }
            let c = Draw.integer(((value - histogram.low) / (histogram.high - histogram.low) * Double(columns - 1)).rounded())
            return (0..<columns).contains(c) ? c : nil
        }
        for mark in marks(spread) { if let c = column(mark) { buffer[axis.x + c, axisY] = Cell("┼", theme[.spread]) } }
        let (low, high) = axisLabels(histogram, width: columns)
        buffer.put(low, x: axis.x, y: axisY, style: theme[.axis], clip: axis)
        buffer.put(high, x: axis.maxX - high.count, y: axisY, style: theme[.axis], clip: axis)
        // Statistics by importance (μ, σ, n, min, max), each whole, in as many digits as fit.
        let stats = [("n=", "\(histogram.count)", 3)] + [("μ=", histogram.mean, 1), ("σ=", histogram.std, 2), ("min=", histogram.min, 4), ("max=", histogram.max, 4)]
            .map { ($0.0, Draw.number($0.1, width: max(1, rect.width - $0.0.count)), $0.2) }
        let parts = stats.map { Draw.Part(text: $0.0 + $0.1, priority: $0.2) }
        buffer.put(Draw.line(parts, width: rect.width, separator: " "), x: rect.x, y: statsY, style: theme[.text], clip: rect)
    }

    /// The bins merged into columns, at most `width` of them, every column the sum of the same
    /// whole number of bins (so a flat distribution draws flat): the most columns that divide
    /// the bin count. When no divisor uses even half the width (a prime bin count from a
    /// recording), bins are shared between columns in proportion to their overlap instead.
    static func columnCounts(_ counts: [Int], width: Int) -> [Double] {
        guard width > 0, !counts.isEmpty else { return [] }
        if counts.count <= width { return counts.map(Double.init) }
        let divisor = stride(from: width, through: 1, by: -1).first { counts.count % $0 == 0 } ?? 1
        if divisor * 2 >= width {
            let group = counts.count / divisor
            return (0..<divisor).map { c in Double(counts[(c * group)..<((c + 1) * group)].reduce(0, +)) }
        }
        var columns = [Double](repeating: 0, count: width)
        let perColumn = Double(counts.count) / Double(width)
        for (i, count) in counts.enumerated() {
            let start = Double(i) / perColumn, end = Double(i + 1) / perColumn
            var position = start
            while position < end - 1e-12 {
                let c = min(width - 1, Draw.integer(position)), edge = min(end, Double(c + 1))
                columns[c] += Double(count) * (edge - position) / (end - start)
                position = edge
            }
        }
        return columns
    }

    /// The initialisation's theoretical bounds or ±σ, ±2σ as values to mark on the axis.
    static func marks(_ spread: SpreadMark?) -> [Double] {
        switch spread {
        case .uniform(let low, let high)?: [low, high]
        case .normal(let mean, let std)?: [mean - 2 * std, mean - std, mean + std, mean + 2 * std]
        case .constant(let v)?: [v]
        default: []
        }
    }

    /// The axis's low and high labels for `width` columns, whole or not at all: the outlier
    /// counts go first, then the high label, then the low one; at least one space between them.
    static func axisLabels(_ histogram: Histogram, width: Int) -> (low: String, high: String) {
        let lowNumber = Draw.number(histogram.low, width: max(1, width / 2 - 1))
        let highNumber = Draw.number(histogram.high, width: max(1, width / 2 - 1))
        let lowFull = (histogram.below > 0 ? "◂\(histogram.below) " : "") + lowNumber
        let highFull = highNumber + (histogram.above > 0 ? " \(histogram.above)▸" : "")
        for (low, high) in [(lowFull, highFull), (lowNumber, highNumber), (lowNumber, ""), ("", "")] where low.count + high.count + (high.isEmpty ? 0 : 1) <= width {
            return (low, high)
        }
        return ("", "")
    }
}

/// The weights panel: the selected parameter's histograms right before and right after its
/// latest (re)initialisation side by side, and its values now underneath.
enum WeightsPanel {
    /// What the panel draws.
    struct Input: Equatable {
        /// The selected parameter, nil before the first snapshot.
        var parameter: ParameterSnapshot?
        /// The step the values are from.
        var step = 0
        /// Whether the terminal shows colours (else filter tiles use signs).
        var colors = true
    }

    /// The input for a state: its selected parameter at the snapshot's step.
    static func input(_ state: DashboardState) -> Input {
        Input(parameter: state.parameter, step: state.snapshot?.step ?? 0, colors: state.tilesInColour)
    }

    static func render(_ input: Input, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let parameter = input.parameter
        let title = parameter.map { [Draw.Part(text: "Weights \($0.name)", priority: 0), Draw.Part(text: shapeText($0.shape), priority: 1),
                                     Draw.Part(text: "↑↓ select", priority: 2)] } ?? [Draw.Part(text: "Weights", priority: 0)]
        Draw.box(rect, title: title, focused: focused, theme: theme, into: &buffer)
        let panel = rect.inset(1)
        guard let parameter, panel.height >= 5, panel.width >= 20 else { return }
        // A convolution's filters take the bottom lines; the histograms keep the rest.
        let band = filterBand(parameter, in: panel)
        renderFilters(parameter, band: band, in: panel, color: input.colors, theme: theme, into: &buffer)
        let inner = Rect(x: panel.x, y: panel.y, width: panel.width, height: panel.height - band.lines)
        if inner.height < 12 {
            // A short panel: before, after and now side by side.
            let record = parameter.initialization
            buffer.put(initLine(record, width: inner.width), x: inner.x, y: inner.y, style: theme[.accent])
            let row = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
            let third = row.width / 3
            // Two empty columns between histograms, so their bars never read as one.
            let areas = [Rect(x: row.x, y: row.y, width: third - 2, height: row.height),
                         Rect(x: row.x + third, y: row.y, width: third - 2, height: row.height),
                         Rect(x: row.x + 2 * third, y: row.y, width: row.width - 2 * third, height: row.height)]
            HistogramView.render(record?.before ?? .empty, title: "before", spread: nil, style: theme[.histogramBefore], in: areas[0],
                                 emptyText: beforeEmptyText(record), theme: theme, into: &buffer)
            HistogramView.render(record?.after ?? .empty, title: "after", spread: record?.spread, style: theme[.histogramAfter], in: areas[1], theme: theme, into: &buffer)
            HistogramView.render(parameter.values, title: "now", spread: record?.spread, style: theme[.histogramNow], in: areas[2], theme: theme, into: &buffer)
            return
        }
        let (top, bottom) = inner.splitRows(inner.height / 2)
        let left = top.splitColumns(top.width / 2).0
        let record = parameter.initialization
        let spread = record?.spread
        buffer.put(initLine(record, width: inner.width), x: inner.x, y: inner.y, style: theme[.accent])
        let histograms = Rect(x: top.x, y: top.y + 1, width: top.width, height: top.height - 1)
        let (beforeArea, afterArea) = histograms.splitColumns(left.width)
        HistogramView.render(record?.before ?? .empty, title: "before", spread: nil, style: theme[.histogramBefore],
                             in: Rect(x: beforeArea.x, y: beforeArea.y, width: beforeArea.width - 2, height: beforeArea.height),
                             emptyText: beforeEmptyText(record), theme: theme, into: &buffer)
        HistogramView.render(record?.after ?? .empty, title: "after", spread: spread, style: theme[.histogramAfter],
                             in: afterArea, theme: theme, into: &buffer)
        HistogramView.render(parameter.values, title: "now (step \(input.step))", spread: spread,
                             style: theme[.histogramNow], in: bottom, theme: theme, into: &buffer)
    }

    /// `init METHOD(ARGS) at step N  ┼ ±σ,±2σ σ=…` in `width`: the step and the spread are left
    /// out first, then the arguments (the method's name stays).
    static func initLine(_ record: InitRecord?, width: Int) -> String {
        guard let record else { return "" }
        let spread = spreadText(record.spread)
        // A description rather than a function ("before the probe") takes no parentheses.
        let call = record.method.arguments.isEmpty && record.method.name.contains(" ") ? record.method.name : "\(record.method)"
        for method in [call, record.method.name] {
            let parts = [Draw.Part(text: "init \(method)", priority: 0), Draw.Part(text: "at step \(record.step)", priority: 2),
                         Draw.Part(text: spread, priority: 1)].filter { !$0.text.isEmpty }
            if "init \(method)".count <= width || method == record.method.name { return Draw.line(parts, width: width) }
        }
        return ""
    }

    /// What the "before" histogram says without values: an init whose start was not seen (an
    /// attached model initialised before its probe) says so.
    static func beforeEmptyText(_ record: InitRecord?) -> String {
        record.map { _ in "not seen" } ?? "no values"
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
