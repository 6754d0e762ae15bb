import Foundation
import Telemetry

/// Page 3: the run's history — test loss, test accuracy and learning rate over the run as
/// braille charts on one step axis, with epoch ticks and intervention markers.
enum HistoryView {
    /// What the page draws.
    struct Input: Equatable {
        /// The test results at epoch ends, oldest first.
        var epochs: [EpochResult]
        /// The loss points up to the moment shown (each with the learning rate of its step).
        var losses: [LossPoint]
        var journal: [JournalEntry] = []
    }

    /// The input for a state: the same moment the loss chart shows.
    static func input(_ state: DashboardState) -> Input {
        Input(epochs: state.snapshot?.epochResults ?? [], losses: LossChart.activeBranchPoints(state), journal: state.snapshot?.journal ?? [])
    }

    /// One chart of the page: its title, the points of its line and how it says there are none.
    struct Chart {
        var title: [Draw.Part]
        var points: [StepChart.Point]
        /// Whether each point also gets a ◆ (few points: test results).
        var symbols: Bool
        var logScale = false
        /// What the box says when `points` is empty.
        var empty: String
    }

    /// The three charts for an input: test loss, test accuracy (%) and learning rate.
    static func charts(_ input: Input) -> [Chart] {
        let latest = input.epochs.last
        let noEpoch = "appears at the end of the first epoch"
        let testLoss = Chart(
            title: [Draw.Part(text: "Test loss", priority: 0)]
                + (latest.map { [Draw.Part(text: "epoch \($0.epoch): \(Draw.decimal($0.testLoss, 4, width: 8))", priority: 1)] } ?? []),
            points: input.epochs.map { StepChart.Point(step: $0.step, value: $0.testLoss) }, symbols: true, empty: noEpoch)
        let accuracy = Chart(
            title: [Draw.Part(text: "Test accuracy %", priority: 0)]
                + (latest.map { [Draw.Part(text: "epoch \($0.epoch): \(Draw.decimal($0.testAccuracy * 100, 2, width: 6))%", priority: 1)] } ?? []),
            points: input.epochs.map { StepChart.Point(step: $0.step, value: $0.testAccuracy * 100) }, symbols: true, empty: noEpoch)
        return [testLoss, accuracy, learningRate(input.losses)]
    }

    /// The learning rate of every step whose source says it, as a line broken at resets and
    /// at steps without one; on a log scale when it spans ten times or more.
    static func learningRate(_ losses: [LossPoint]) -> Chart {
        var points: [StepChart.Point] = [], line = 0, unknown = 0
        for (i, point) in losses.enumerated() {
            if i > 0, losses[i - 1].segment != point.segment || losses[i - 1].learningRate == nil { line += 1 }
            guard let rate = point.learningRate else { unknown += 1; continue }
            points.append(StepChart.Point(step: point.step, value: rate, segment: line))
        }
        let positive = points.map(\.value).filter { $0.isFinite && $0 > 0 }
        let logScale = (positive.max() ?? 0) >= 10 * (positive.min() ?? .infinity)
        var title = [Draw.Part(text: "Learning rate", priority: 0)]
        if let now = points.last, losses.last?.learningRate != nil { title.append(Draw.Part(text: "now \(Draw.number(now.value))", priority: 1)) }
        if logScale { title.append(Draw.Part(text: "log", priority: 3)) }
        if unknown > 0 && !points.isEmpty { title.append(Draw.Part(text: "unknown at \(unknown) of \(losses.count) steps", priority: 2)) }
        let empty = losses.isEmpty ? "waiting for the first step…" : "unknown: this source does not report it"
        return Chart(title: title, points: points, symbols: false, logScale: logScale, empty: empty)
    }

    static func render(_ input: Input, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let charts = charts(input)
        // Too small for three plots: one box with the newest values.
        guard rect.width >= 40, rect.height >= 12 else {
            Draw.box(rect, title: "Run history", focused: false, theme: theme, into: &buffer)
            let inner = rect.inset(1)
            for (i, chart) in charts.enumerated() {
                buffer.put(Draw.line(chart.title, width: inner.width), x: inner.x, y: inner.y + i, style: theme[.text], clip: inner)
            }
            return
        }
        // Two charts above the learning rate when wide enough, else three rows.
        let areas: [Rect]
        if rect.width >= 60 {
            let (top, bottom) = rect.splitRows(rect.height / 2)
            let (left, right) = top.splitColumns(top.width / 2)
            areas = [left, right, bottom]
        } else {
            let (first, rest) = rect.splitRows(rect.height / 3)
            let (second, third) = rest.splitRows(rest.height / 2)
            areas = [first, second, third]
        }
        let steps = [input.losses.first?.step, input.losses.last?.step].compactMap { $0 } + input.epochs.map(\.step)
        for (chart, area) in zip(charts, areas) {
            draw(chart, steps: (steps.min() ?? 0, steps.max() ?? 0), ticks: input.epochs.map(\.step), journal: input.journal,
                 in: area, theme: theme, into: &buffer)
        }
    }

    /// One chart in its box, spanning `steps`.
    static func draw(_ chart: Chart, steps: (first: Int, last: Int), ticks: [Int], journal: [JournalEntry], in rect: Rect,
                     theme: Theme, into buffer: inout Buffer) {
        Draw.box(rect, title: chart.title, focused: false, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard StepChart.fits(inner) else { return }
        guard var plot = StepChart(in: inner, firstStep: steps.first, lastStep: steps.last, spanning: chart.points.map(\.value),
                                   logScale: chart.logScale) else {
            let text = chart.points.isEmpty ? chart.empty : "no finite value to draw"
            buffer.put(text, x: inner.x + 1, y: inner.y + inner.height / 2, style: theme[.dim], clip: inner)
            return
        }
        plot.add(chart.points, bright: true, joined: true)
        plot.drawDots(faintStyle: theme[.series], brightStyle: theme[.smoothed], into: &buffer)
        plot.drawMarkers(journal, theme: theme, into: &buffer)
        if chart.symbols { plot.drawSymbols(chart.points, "◆", style: theme[.testPoint], into: &buffer) }
        plot.drawAxes(ticks: ticks, theme: theme, into: &buffer)
    }
}
