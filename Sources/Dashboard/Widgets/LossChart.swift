import Foundation
import Telemetry

/// The loss curve: every step's loss (faint braille), its bias-corrected moving average
/// (bright), test losses at epoch ends (◆), epoch ticks and intervention markers.
enum LossChart {
    /// The exponential moving average with bias correction, restarted at each new segment.
    static func smoothed(_ points: [LossPoint], weight: Double) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(points.count)
        var average = 0.0, count = 0, segment = points.first?.segment ?? 0
        for point in points {
            if point.segment != segment {
                segment = point.segment
                average = 0
                count = 0
            }
            count += 1
            average = weight * average + (1 - weight) * point.loss
            result.append(weight == 0 ? point.loss : average / (1 - pow(weight, Double(count))))
        }
        return result
    }

    static func render(_ state: DashboardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        // Only the steps the snapshot has reached, so every panel shows the same moment.
        let newest = state.snapshot?.step ?? Int.max
        let points = state.losses.filter { $0.step <= newest }
        let smooth = smoothed(points, weight: state.smoothing)
        var title = [Draw.Part(text: "Loss", priority: 0), Draw.Part(text: "smoothing \(Draw.fixed(state.smoothing, 2))", priority: 4)]
        if state.logScale { title.append(Draw.Part(text: "log", priority: 3)) }
        if let last = smooth.last { title.append(Draw.Part(text: "now \(Draw.decimal(last, 4, width: 8))", priority: 1)) }
        if let epoch = state.snapshot?.epochResults.last {
            title.append(Draw.Part(text: "test \(Draw.decimal(epoch.testLoss, 4, width: 8)) acc \(Draw.decimal(epoch.testAccuracy * 100, 1, width: 5))%", priority: 2))
        }
        Draw.box(rect, title: title, focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard inner.width > 12, inner.height > 3 else { return }
        guard !points.isEmpty else {
            buffer.put("waiting for the first step…", x: inner.x + 1, y: inner.y + inner.height / 2, style: theme[.dim], clip: inner)
            return
        }
        let labelWidth = 7
        let plot = Rect(x: inner.x + labelWidth, y: inner.y, width: inner.width - labelWidth, height: inner.height - 1)
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let tests = state.snapshot?.epochResults ?? []
        func transform(_ v: Double) -> Double { state.logScale ? log10(max(v, 1e-8)) : v }
        // The y range: the newest segment's (a reset rescales the axis), robust to a few huge
        // losses (2nd–98th percentile of the raw values).
        let segment = points.last!.segment
        let current = points.indices.filter { points[$0].segment == segment }
        let sorted = current.map { points[$0].loss }.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return }
        let lowRaw = sorted[(sorted.count - 1) * 2 / 100], highRaw = sorted[(sorted.count - 1) * 98 / 100]
        let candidates = [lowRaw, highRaw] + current.map { smooth[$0] }.filter(\.isFinite) + tests.map(\.testLoss).filter(\.isFinite)
        var low = transform(candidates.min()!), high = transform(candidates.max()!)
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let firstStep = points.first!.step, lastStep = max(points.last!.step, firstStep &+ 1)
        func dotX(_ step: Int) -> Int {
            // In Double: steps from a recording could be anything.
            Draw.integer((Double(step) - Double(firstStep)) * Double(canvas.dotWidth - 1) / max(1, Double(lastStep) - Double(firstStep)))
        }
        func dotY(_ value: Double) -> Int {
            let t = (transform(value) - low) / (high - low)
            return Draw.integer(((1 - min(1, max(0, t))) * Double(canvas.dotHeight - 1)).rounded())
        }
        for point in points where point.loss.isFinite { canvas.set(dotX(point.step), dotY(point.loss), bright: false) }
        var previous: (Int, Int, Int)?
        for (point, value) in zip(points, smooth) where value.isFinite {
            let here = (dotX(point.step), dotY(value))
            if let (x, y, segment) = previous, segment == point.segment {
                canvas.line(x, y, here.0, here.1, bright: true)
            } else {
                canvas.set(here.0, here.1, bright: true)
            }
            previous = (here.0, here.1, point.segment)
        }
        canvas.render(into: &buffer, at: plot, faintStyle: theme[.series], brightStyle: theme[.smoothed])
        func cellX(_ step: Int) -> Int { plot.x + dotX(step) / 2 }
        // Intervention markers: a dotted column with the journal entry's tag at the top.
        for entry in state.snapshot?.journal ?? [] where entry.step >= firstStep && entry.step <= lastStep && entry.kind != .save {
            let x = cellX(entry.step)
            for y in plot.y..<plot.maxY where buffer[x, y].character == " " {
                buffer[x, y] = Cell("┊", theme[.marker])
            }
            buffer[x, plot.y] = Cell(entry.tag, theme[.marker].bolded)
        }
        for test in tests where test.testLoss.isFinite && test.step >= firstStep {
            buffer[cellX(test.step), plot.y + dotY(test.testLoss) / 4] = Cell("◆", theme[.testPoint])
        }
        // Axes: three y labels, the x axis with epoch ticks and the step range.
        let labels = [(plot.y, high), (plot.y + plot.height / 2, (high + low) / 2), (plot.maxY - 1, low)]
        for (y, value) in labels {
            let shown = state.logScale ? pow(10, value) : value
            let text = Draw.number(shown, width: labelWidth - 1)
            buffer.put(text, x: inner.x + max(0, labelWidth - 1 - text.count), y: y, style: theme[.axis])
        }
        let axisY = inner.maxY - 1
        buffer.put(String(repeating: "─", count: plot.width), x: plot.x, y: axisY, style: theme[.axis])
        for test in tests where test.step >= firstStep { buffer[cellX(test.step), axisY] = Cell("┴", theme[.axis]) }
        buffer.put("step \(firstStep)", x: plot.x, y: axisY, style: theme[.axis])
        let end = "\(lastStep)"
        buffer.put(end, x: plot.maxX - end.count, y: axisY, style: theme[.axis])
    }
}
