import Foundation
@testable import Dashboard
import Telemetry

/// Draws one widget into a buffer of its own, as ratatui's widget tests do, so a test can
/// assert the widget's lines without a whole screen around it.
enum WidgetRendering {
    /// The buffer after `draw` painted into all of a `width`×`height` one.
    static func buffer(_ width: Int, _ height: Int, _ draw: (Rect, inout Buffer) -> Void) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        draw(buffer.area, &buffer)
        return buffer
    }

    /// The lines of `buffer` without trailing spaces.
    static func lines(_ buffer: Buffer) -> [String] { buffer.text.components(separatedBy: "\n") }

    /// The loss points of a run: `values` at steps 1, 2, … in segment 0.
    static func losses(_ values: [Double], learningRate: Double? = nil) -> [LossPoint] {
        values.enumerated().map { LossPoint(step: $0.offset + 1, loss: $0.element, segment: 0, learningRate: learningRate) }
    }

    /// The y labels a chart drew: the numbers right-aligned in the 6 columns after the box's border.
    static func yLabels(_ buffer: Buffer) -> [Double] {
        buffer.lines.compactMap { Double($0.dropFirst().prefix(6).trimmingCharacters(in: .whitespaces)) }
    }
}
