import Testing
@testable import Dashboard
import Telemetry

/// Page 3 on its own: test loss, test accuracy and learning rate over the run.
@Suite struct HistoryViewTests {
    static func render(_ input: HistoryView.Input, _ width: Int = 100, _ height: Int = 30) -> Buffer {
        WidgetRendering.buffer(width, height) { HistoryView.render(input, in: $0, theme: .monochrome, into: &$1) }
    }

    static var sample: HistoryView.Input { HistoryView.input(Sample.state(width: 100, height: 30)) }

    @Test func beforeAnythingHappensEachChartSaysWhy() {
        let text = Self.render(HistoryView.Input(epochs: [], losses: [])).text
        #expect(text.components(separatedBy: "appears at the end of the first epoch").count == 3)
        #expect(text.contains("waiting for the first step…"))
        for title in ["Test loss", "Test accuracy %", "Learning rate"] { #expect(text.contains("┌─ \(title) ─")) }
    }

    @Test func theChartsShareTheStepAxisTicksAndMarkers() {
        let lines = Self.render(Self.sample).lines
        #expect(lines[0].contains("┌─ Test loss  epoch 2: 0.2500 ─") && lines[0].contains("┌─ Test accuracy %  epoch 2: 86.00% ─"))
        #expect(lines[15].contains("┌─ Learning rate  now 0.001 ─"))
        // Each chart's x axis runs from step 1 to 250 with ticks at the epochs' ends (100, 200).
        let axes = lines.filter { $0.contains("step 1") }
        #expect(axes.map { $0.components(separatedBy: "step 1─").count - 1 } == [2, 1], "\(axes)")
        #expect(axes.map { $0.components(separatedBy: "┴").count - 1 } == [4, 2], "\(axes)")
        // The reinit (I) and lr change (L) markers top every chart; ◆ marks both test results.
        let tops = [lines[1], lines[16]]
        #expect(tops.allSatisfy { $0.contains("I") && $0.contains("L") }, "\(tops)")
        #expect(Self.render(Self.sample).text.components(separatedBy: "◆").count == 5)
    }

    @Test func theLearningRateChartFollowsItsSteps() {
        let buffer = Self.render(Self.sample)
        let labels = buffer.lines[16...].compactMap { Double($0.dropFirst().prefix(6).trimmingCharacters(in: .whitespaces)) }
        #expect(labels == [0.002, 0.0015, 0.001], "\(labels)")
        // High until the change at step 180, low after it: the line's dots sit at the top, then at the bottom.
        let plot = buffer.lines[16...27]
        let top = plot.first!, bottom = plot[plot.startIndex + 11]
        #expect(top.contains("⠉") && bottom.contains("⣀"), "\(top)\n\(bottom)")
    }

    @Test func anUnknownLearningRateIsSaid() {
        let none = HistoryView.Input(epochs: [], losses: WidgetRendering.losses([1, 1, 1]))
        #expect(Self.render(none).text.contains("unknown: this source does not report it"))
        var some = WidgetRendering.losses([1, 1, 1, 1], learningRate: 0.01)
        some[1].learningRate = nil
        #expect(Self.render(HistoryView.Input(epochs: [], losses: some)).lines[15].contains("Learning rate  now 0.01  unknown at 1 of 4 steps"))
    }

    @Test func aRateSpanningTenTimesIsOnALogScale() {
        let losses = (1...100).map { LossPoint(step: $0, loss: 1, segment: 0, learningRate: $0 <= 50 ? 0.1 : 0.001) }
        let buffer = Self.render(HistoryView.Input(epochs: [], losses: losses))
        #expect(buffer.lines[15].contains("Learning rate  now 0.001  log"))
        let labels = buffer.lines[16...].compactMap { Double($0.dropFirst().prefix(6).trimmingCharacters(in: .whitespaces)) }
        #expect(labels == [0.1, 0.01, 0.001], "\(labels)")
    }

    @Test func narrowAreasStackTheChartsAndTinyOnesListTheNewestValues() {
        let narrow = WidgetRendering.lines(Self.render(Self.sample, 50, 30))
        #expect(narrow[0].hasPrefix("┌─ Test loss") && narrow[10].hasPrefix("┌─ Test accuracy %") && narrow[20].hasPrefix("┌─ Learning rate"))
        let tiny = WidgetRendering.lines(Self.render(Self.sample, 36, 6))
        #expect(tiny == [
            "┌─ Run history ────────────────────┐",
            "│Test loss  epoch 2: 0.2500        │",
            "│Test accuracy %  epoch 2: 86.00%  │",
            "│Learning rate  now 0.001          │",
            "│                                  │",
            "└──────────────────────────────────┘",
        ])
    }
}

extension HistoryViewTests {
    @Test func hostileNumbersDrawWithoutTrapping() {
        let wild: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e300, 0]
        let epochs = wild.enumerated().map { i, v in
            EpochResult(epoch: i, step: [Int.min, 5, .max, 7, 8, 9][i], trainLoss: v, testLoss: v, testAccuracy: v,
                        perClassAccuracy: [], confusion: [], seconds: v)
        }
        let losses = [LossPoint(step: .min, loss: 1, segment: .max, learningRate: .nan)]
            + wild.enumerated().map { LossPoint(step: $0.offset, loss: $0.element, segment: $0.offset % 2, learningRate: $0.element) }
            + [LossPoint(step: .max, loss: 1, segment: .min, learningRate: -1)]
        for (width, height) in [(100, 30), (50, 30), (30, 8), (2, 2), (0, 0)] {
            let text = Self.render(HistoryView.Input(epochs: epochs, losses: losses, journal: [JournalEntry(step: .max, kind: .reset, text: "")]),
                                   width, height).text
            #expect(ReadabilityTests.cutNumber(in: text) == nil, "\(width)x\(height): \(text)")
        }
    }
}
