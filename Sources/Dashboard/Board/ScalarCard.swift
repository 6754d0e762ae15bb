import Foundation

/// One scalar tag: every run's values overlaid in its own colour, faint as logged and bright
/// smoothed (TensorBoard's debiased moving average), with a legend of each run's latest value.
enum ScalarCard {
    /// A run's points on the chart's x axis (steps, or milliseconds of relative or wall time).
    struct Line {
        var run: String
        var colour: Int
        var points: [StepChart.Point]
        var smoothed: [Double]
        var last: BoardPoint?
    }

    /// The x position of a point: its step, or milliseconds since `origin` (relative) or the epoch (wall).
    static func x(_ point: BoardPoint, axis: BoardXAxis, origin: Double) -> Int {
        switch axis {
        case .step: point.step
        case .relative: Draw.integer(((point.wallTime - origin) * 1000).rounded())
        case .wall: Draw.integer((point.wallTime * 1000).rounded())
        }
    }

    /// The lines a card draws, in run order.
    static func lines(_ card: BoardCard, _ state: BoardState) -> [Line] {
        let series = (state.data.scalars[card.tag] ?? []).sorted { state.data.runIndex($0.run) < state.data.runIndex($1.run) }
        return series.map { run in
            let origin = run.items.first?.wallTime ?? 0
            let points = run.items.map { StepChart.Point(step: x($0, axis: state.xAxis, origin: origin), value: $0.value) }
            return Line(run: run.run, colour: state.data.runIndex(run.run), points: points,
                        smoothed: Smoothing.debiased(run.items.map(\.value), weight: state.smoothing), last: run.items.last)
        }
    }

    /// The words at the x axis' ends for the axis in use.
    static func axisEnds(_ first: Int, _ last: Int, axis: BoardXAxis) -> (first: String, last: String)? {
        switch axis {
        case .step: return nil
        case .relative: return (duration(first), duration(last))
        case .wall: return (clock(first), clock(last))
        }
    }

    /// Milliseconds as a short duration: `0s`, `0.9s`, `42s`, `3m05s`, `2h13m`.
    static func duration(_ milliseconds: Int) -> String {
        let seconds = max(0, milliseconds / 1000)
        if milliseconds > 0 && milliseconds < 10_000 { return "\(Draw.fixed(Double(milliseconds) / 1000, 1))s" }
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm%02ds", seconds / 60, seconds % 60) }
        return String(format: "%dh%02dm", seconds / 3600, seconds / 60 % 60)
    }

    /// Milliseconds since the epoch as the local clock time `HH:MM:SS`.
    static func clock(_ milliseconds: Int) -> String {
        let seconds = time_t(milliseconds / 1000)
        var parts = tm()
        var copy = seconds
        guard localtime_r(&copy, &parts) != nil else { return "\(milliseconds / 1000)" }
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func render(_ card: BoardCard, _ state: BoardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let lines = lines(card, state)
        var title = [Draw.Part(text: card.tag, priority: 0)]
        if state.logScale { title.append(Draw.Part(text: "log", priority: 2)) }
        if state.fullScreen { title.append(Draw.Part(text: "smoothing \(Draw.fixed(state.smoothing, 2))", priority: 1)) }
        Draw.box(rect, title: title, focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        // The legend takes what the chart can spare: one line a run full-screen, else the lines its entries flow over.
        let spare = max(1, inner.height - 6)
        let legendLines = state.fullScreen ? min(lines.count, max(1, inner.height / 3))
            : min(spare, legendHeight(lines, width: inner.width))
        let (chartArea, legendArea) = inner.splitRows(inner.height - legendLines)
        legend(lines, full: state.fullScreen, axis: state.xAxis, in: legendArea, theme: theme, into: &buffer)
        let xs = lines.flatMap { $0.points.map(\.step) }
        let values = yRange(lines, logScale: state.logScale)
        guard StepChart.fits(chartArea), let first = xs.min(), let last = xs.max(),
              var chart = StepChart(in: chartArea, firstStep: first, lastStep: last, spanning: values, logScale: state.logScale) else {
            if !lines.isEmpty {
                buffer.put(values.isEmpty ? "no finite values" : "too small to draw", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            }
            return
        }
        // Layers: every run's logged values (faint) under every run's smoothed line (bright).
        var styles: [Style] = []
        for (i, line) in lines.enumerated() {
            chart.add(line.points, layer: i, joined: state.smoothing == 0)
            var faint = theme.run(line.colour)
            faint.dim = true
            styles.append(state.smoothing == 0 ? theme.run(line.colour) : faint)
        }
        if state.smoothing > 0 {
            for (i, line) in lines.enumerated() {
                chart.add(zip(line.points, line.smoothed).map { StepChart.Point(step: $0.step, value: $1) }, layer: lines.count + i, joined: true)
                styles.append(theme.run(line.colour).bolded)
            }
        }
        chart.drawDots(styles: styles, into: &buffer)
        chart.drawAxes(ticks: [], ends: axisEnds(chart.firstStep, chart.lastStep, axis: state.xAxis), theme: theme, into: &buffer)
    }

    /// The values the y axis spans: the logged and smoothed values, without the outer 2 % on
    /// each side once there are enough of them (as TensorBoard ignores outliers in its scaling,
    /// so one huge first loss does not flatten the curve); values off the range sit at its edge.
    static func yRange(_ lines: [Line], logScale: Bool) -> [Double] {
        let values = lines.flatMap { $0.points.map(\.value) + $0.smoothed }.filter { $0.isFinite && (!logScale || $0 > 0) }.sorted()
        guard values.count >= 50 else { return values }
        return [values[(values.count - 1) * 2 / 100], values[(values.count - 1) * 98 / 100]]
    }

    /// The lines a flowing legend of `lines` takes in `width` columns.
    static func legendHeight(_ lines: [Line], width: Int) -> Int {
        var rows = 1, x = 1
        for line in lines {
            let entry = 2 + "\(line.run) \(Draw.number(line.smoothed.last ?? .nan, digits: 3))".count
            if x + entry > width - 1 && x > 1 { (rows, x) = (rows + 1, 1) }
            x += entry + 2
        }
        return rows
    }

    /// Each run's colour, name and latest smoothed value; in a full-screen chart one line a
    /// run with the logged value, its step and time too. Runs that do not fit are counted.
    static func legend(_ lines: [Line], full: Bool, axis: BoardXAxis, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        guard rect.height > 0 else { return }
        if full {
            // One line a run; when they do not all fit, the last line counts the rest.
            let shown = lines.count > rect.height ? rect.height - 1 : lines.count
            for (row, line) in lines.prefix(shown).enumerated() {
                guard let last = line.last else { continue }
                let y = rect.y + row
                var x = buffer.put("━━ ", x: rect.x + 1, y: y, style: theme.run(line.colour).bolded, clip: rect)
                x = buffer.put(Draw.fit(line.run, 16) + " ", x: x, y: y, style: theme[.text], clip: rect)
                let smoothed = line.smoothed.last ?? last.value
                var text = "smoothed \(Draw.number(smoothed, digits: 4))  value \(Draw.number(last.value, digits: 4))  step \(last.step)"
                if let firstPoint = line.points.first, let lastPoint = line.points.last, axis == .relative {
                    text += "  after \(duration(lastPoint.step - firstPoint.step))"
                }
                buffer.put(text, x: x, y: y, style: theme[.text], clip: rect)
            }
            if shown < lines.count {
                buffer.put("+\(lines.count - shown) more", x: rect.x + 1, y: rect.maxY - 1, style: theme[.dim], clip: rect)
            }
            return
        }
        // Entries flow left to right over the legend's lines; those that do not fit are counted
        // at the end of the last line (entries give way to that count).
        var placed: [(x: Int, y: Int, line: Line, entry: String)] = []
        var x = rect.x + 1, y = rect.y
        for line in lines {
            let entry = "\(line.run) \(Draw.number(line.smoothed.last ?? .nan, digits: 3))"
            if x + 2 + entry.count > rect.maxX - 1 && x > rect.x + 1 {
                guard y + 1 < rect.maxY else { break }
                (x, y) = (rect.x + 1, y + 1)
            }
            guard x + 2 + entry.count <= rect.maxX - 1 else { break }
            placed.append((x, y, line, entry))
            x += 2 + entry.count + 2
        }
        func countText(_ shown: Int) -> String { "+\(lines.count - shown) more" }
        while placed.count < lines.count, let last = placed.last,
              last.y == rect.maxY - 1,
              last.x + 2 + last.entry.count + 1 + countText(placed.count).count > rect.maxX - 1 {
            placed.removeLast()
        }
        for item in placed {
            let after = buffer.put("━", x: item.x, y: item.y, style: theme.run(item.line.colour).bolded, clip: rect)
            buffer.put(" " + item.entry, x: after, y: item.y, style: theme[.text], clip: rect)
        }
        if placed.count < lines.count {
            let more = countText(placed.count)
            buffer.put(more, x: rect.maxX - 1 - more.count, y: rect.maxY - 1, style: theme[.dim], clip: rect)
        }
    }
}
