/// One run's histogram tag over time: as ridges (one line per logged step, values across,
/// bar height by how many values fell there; newest at the bottom) or as a heat strip (steps
/// across, values up, shade by the share of the step's values).
enum HistogramCard {
    /// The counts of `distribution` in `bins` equal bins over `low`…`high`: each bucket's
    /// count shared out by overlap (a bucket of zero width goes to the bin it sits in).
    static func rebin(_ distribution: BoardDistribution, bins: Int, low: Double, high: Double) -> [Double] {
        var result = Array(repeating: 0.0, count: max(0, bins))
        guard bins > 0, high > low else { return result }
        let width = (high - low) / Double(bins)
        func bin(_ value: Double) -> Int { min(bins - 1, max(0, Draw.integer((value - low) / width))) }
        for bucket in distribution.buckets where bucket.count > 0 && bucket.count.isFinite {
            let a = min(high, max(low, bucket.low)), b = min(high, max(low, bucket.high))
            guard a.isFinite, b.isFinite else { continue }
            if b - a <= 0 {
                result[bin(a)] += bucket.count
                continue
            }
            for i in bin(a)...bin(b) {
                let lo = max(a, low + Double(i) * width), hi = min(b, low + Double(i + 1) * width)
                if hi > lo { result[i] += bucket.count * (hi - lo) / (b - a) }
            }
        }
        return result
    }

    /// `count` indices spread evenly over `0..<total`, always ending at the newest.
    static func sample(_ total: Int, _ count: Int) -> [Int] {
        guard total > 0, count > 0 else { return [] }
        if total <= count { return Array(0..<total) }
        return (0..<count).map { count == 1 ? total - 1 : $0 * (total - 1) / (count - 1) }
    }

    /// Five shades from empty to full, for the heat strip.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    static func render(_ card: BoardCard, _ state: BoardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let run = card.run ?? ""
        let items = state.data.histograms[card.tag]?.first { $0.run == run }?.items ?? []
        Draw.box(rect, title: [Draw.Part(text: card.tag, priority: 0), Draw.Part(text: run, priority: 1),
                               Draw.Part(text: state.histogramStyle.rawValue, priority: 2)],
                 focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        let ranges = items.compactMap(\.range)
        let style = theme.run(state.data.runIndex(run))
        guard let low = ranges.map(\.low).min(), let high = ranges.map(\.high).max(), inner.width > StepChart.labelWidth + 4, inner.height > 2 else {
            buffer.put(items.isEmpty ? "no histograms" : "no values", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            return
        }
        let (lo, hi) = high > low ? (low, high) : (low - 0.5, high + 0.5)
        let plot = Rect(x: inner.x + StepChart.labelWidth, y: inner.y, width: inner.width - StepChart.labelWidth, height: inner.height - 1)
        let axisY = inner.maxY - 1
        buffer.put(String(repeating: "─", count: plot.width), x: plot.x, y: axisY, style: theme[.axis])
        switch state.histogramStyle {
        case .ridge:
            let rows = sample(items.count, plot.height)
            let counts = rows.map { rebin(items[$0], bins: plot.width, low: lo, high: hi) }
            let peak = max(1e-300, counts.flatMap { $0 }.max() ?? 0)
            let top = plot.maxY - rows.count
            for (row, index) in rows.enumerated() {
                let label = "\(items[index].step)"
                buffer.put(Draw.fit(label, StepChart.labelWidth - 1, alignRight: true), x: inner.x, y: top + row, style: theme[.axis])
                for (column, count) in counts[row].enumerated() where count > 0 {
                    buffer[plot.x + column, top + row] = Cell(Draw.spark(count / peak), style)
                }
            }
            buffer.put(Draw.number(lo, width: 8), x: plot.x, y: axisY, style: theme[.axis])
            let end = Draw.number(hi, width: 8)
            buffer.put(end, x: plot.maxX - end.count, y: axisY, style: theme[.axis])
            // Steps are the rows' labels; the axis below is the values'.
            buffer.put("value", x: inner.x, y: axisY, style: theme[.axis])
        case .heat:
            let columns = sample(items.count, plot.width)
            // Each step's column is as wide as the steps shown allow.
            let cellWidth = max(1, plot.width / max(1, columns.count))
            for (slot, index) in columns.enumerated() {
                let counts = rebin(items[index], bins: plot.height, low: lo, high: hi)
                let peak = max(1e-300, counts.max() ?? 0)
                for (bin, count) in counts.enumerated() where count > 0 {
                    let shade = shades[min(shades.count - 1, max(1, Draw.integer((count / peak * Double(shades.count - 1)).rounded(.up))))]
                    for dx in 0..<cellWidth where slot * cellWidth + dx < plot.width {
                        buffer[plot.x + slot * cellWidth + dx, plot.maxY - 1 - bin] = Cell(shade, style)
                    }
                }
            }
            for (y, value) in [(plot.y, hi), (plot.y + plot.height / 2, (hi + lo) / 2), (plot.maxY - 1, lo)] {
                let text = Draw.number(value, width: StepChart.labelWidth - 1)
                buffer.put(text, x: inner.x + max(0, StepChart.labelWidth - 1 - text.count), y: y, style: theme[.axis])
            }
            buffer.put("step \(items.first!.step)", x: plot.x, y: axisY, style: theme[.axis])
            let end = "\(items.last!.step)"
            buffer.put(end, x: plot.maxX - end.count, y: axisY, style: theme[.axis])
        }
    }
}
