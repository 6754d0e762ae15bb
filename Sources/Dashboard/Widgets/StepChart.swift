import Foundation
import Telemetry

/// A chart of values over training steps in braille dots: where a step and a value fall, the
/// series, the intervention markers, the y labels on the left and the step axis underneath.
/// The loss chart and the run-history charts draw with it.
struct StepChart {
    /// One value of a series at a step; a series' line is broken where the segment changes.
    struct Point: Equatable {
        var step: Int
        var value: Double
        var segment = 0
    }

    /// Columns left of the plot for the y labels.
    static let labelWidth = 7

    /// Whether `inner` (a box's inside) has room for a plot, its labels and its axis.
    static func fits(_ inner: Rect) -> Bool { inner.width > 12 && inner.height > 3 }

    let inner: Rect
    /// Where the dots go: right of the labels, above the axis.
    let plot: Rect
    let firstStep: Int
    let lastStep: Int
    let logScale: Bool
    /// The value range in plotted units (log10 of the values on a log scale).
    let low: Double
    let high: Double
    private(set) var canvas: BrailleCanvas

    /// A chart in `inner` from `firstStep` to `lastStep` (one more when they are equal), its y
    /// range spanning `values` (non-finite ones ignored); nil when no value is finite.
    init?(in inner: Rect, firstStep: Int, lastStep: Int, spanning values: [Double], logScale: Bool) {
        let plotted = values.filter { $0.isFinite && (!logScale || $0 > 0) }.map { Self.transform($0, logScale: logScale) }
        guard var low = plotted.min(), var high = plotted.max() else { return nil }
        // A flat series gets a little room around it, relative to its size (a constant learning
        // rate of 0.001 is not drawn on a −0.5…0.5 axis); only an all-zero one gets ±0.5.
        let size = max(abs(low), abs(high))
        if high - low <= size * 1e-6 {
            let room = size > 0 ? size * 0.05 : 0.5
            low -= room
            high += room
        }
        self.inner = inner
        plot = Rect(x: inner.x + Self.labelWidth, y: inner.y, width: inner.width - Self.labelWidth, height: inner.height - 1)
        self.firstStep = firstStep
        self.lastStep = max(lastStep, firstStep &+ 1)
        self.logScale = logScale
        self.low = low
        self.high = high
        canvas = BrailleCanvas(width: plot.width, height: plot.height)
    }

    /// A value in plotted units: log10 on a log scale (where values at or below 0 have no place:
    /// `add` leaves them out; here they count as the smallest positive Double).
    static func transform(_ value: Double, logScale: Bool) -> Double {
        logScale ? log10(max(value, .leastNonzeroMagnitude)) : value
    }

    /// The dot column of a step.
    func dotX(_ step: Int) -> Int {
        // In Double: steps from a recording could be anything.
        Draw.integer((Double(step) - Double(firstStep)) * Double(canvas.dotWidth - 1) / max(1, Double(lastStep) - Double(firstStep)))
    }

    /// The dot row of a value (0 at the top), clamped to the plot.
    func dotY(_ value: Double) -> Int {
        let t = (Self.transform(value, logScale: logScale) - low) / (high - low)
        return Draw.integer(((1 - min(1, max(0, t))) * Double(canvas.dotHeight - 1)).rounded())
    }

    /// The screen column of a step.
    func cellX(_ step: Int) -> Int { plot.x + dotX(step) / 2 }

    /// Whether a step lies on the chart's x range.
    func shows(_ step: Int) -> Bool { step >= firstStep && step <= lastStep }

    /// Sets the dots of a series' finite values in the bright layer (1) or the faint one (0).
    mutating func add(_ points: [Point], bright: Bool, joined: Bool) { add(points, layer: bright ? 1 : 0, joined: joined) }

    /// Sets the dots of a series' finite values in `layer`; `joined` draws lines between
    /// consecutive values of the same segment (a non-finite value is skipped, not a break).
    mutating func add(_ points: [Point], layer: Int, joined: Bool) {
        var previous: (x: Int, y: Int, segment: Int)?
        for point in points where point.value.isFinite && (!logScale || point.value > 0) {
            let x = dotX(point.step), y = dotY(point.value)
            if joined, let previous, previous.segment == point.segment {
                canvas.line(previous.x, previous.y, x, y, layer: layer)
            } else {
                canvas.set(x, y, layer: layer)
            }
            previous = (x, y, point.segment)
        }
    }

    /// Draws the dots: bright ones in `brightStyle`, the others in `faintStyle`.
    func drawDots(faintStyle: Style, brightStyle: Style, into buffer: inout Buffer) {
        drawDots(styles: [faintStyle, brightStyle], into: &buffer)
    }

    /// Draws the dots, each cell in the style of its top layer.
    func drawDots(styles: [Style], into buffer: inout Buffer) {
        canvas.render(into: &buffer, at: plot, styles: styles)
    }

    /// Intervention markers: a dotted column at each journal entry's step (saves aside) with
    /// the entry's tag at the top.
    func drawMarkers(_ journal: [JournalEntry], theme: Theme, into buffer: inout Buffer) {
        for entry in journal where shows(entry.step) && entry.kind != .save {
            let x = cellX(entry.step)
            for y in plot.y..<plot.maxY where buffer[x, y].character == " " {
                buffer[x, y] = Cell("┊", theme[.marker])
            }
            buffer[x, plot.y] = Cell(entry.tag, theme[.marker].bolded)
        }
    }

    /// A symbol in the cell of each finite point from the first step on (e.g. ◆ for test results).
    func drawSymbols(_ points: [Point], _ symbol: Character, style: Style, into buffer: inout Buffer) {
        for point in points where point.value.isFinite && shows(point.step) {
            buffer[cellX(point.step), plot.y + dotY(point.value) / 4] = Cell(symbol, style)
        }
    }

    /// Three y labels (top, middle, bottom), the x axis with a ┴ at each of `ticks`, the first
    /// step at its left end and the last at its right (or `ends`, the words for both ends).
    func drawAxes(ticks: [Int], ends: (first: String, last: String)? = nil, theme: Theme, into buffer: inout Buffer) {
        let labels = [(plot.y, high), (plot.y + plot.height / 2, (high + low) / 2), (plot.maxY - 1, low)]
        for (y, value) in labels {
            let text = Draw.number(logScale ? pow(10, value) : value, width: Self.labelWidth - 1)
            buffer.put(text, x: inner.x + max(0, Self.labelWidth - 1 - text.count), y: y, style: theme[.axis])
        }
        let axisY = inner.maxY - 1
        buffer.put(String(repeating: "─", count: plot.width), x: plot.x, y: axisY, style: theme[.axis])
        for tick in ticks where shows(tick) { buffer[cellX(tick), axisY] = Cell("┴", theme[.axis]) }
        buffer.put(ends?.first ?? "step \(firstStep)", x: plot.x, y: axisY, style: theme[.axis])
        let end = ends?.last ?? "\(lastStep)"
        buffer.put(end, x: plot.maxX - end.count, y: axisY, style: theme[.axis])
    }
}
