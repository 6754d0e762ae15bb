import Testing
@testable import Dashboard
import Telemetry

/// The loss chart on its own: the window, the y axis fitted to what is shown, the title.
@Suite struct LossChartTests {
    static func render(_ input: LossChart.Input, _ width: Int = 60, _ height: Int = 12) -> Buffer {
        WidgetRendering.buffer(width, height) { LossChart.render(input, in: $0, focused: false, theme: .monochrome, into: &$1) }
    }

    @Test func beforeTheFirstStepItSaysSo() {
        let lines = WidgetRendering.lines(Self.render(LossChart.Input(points: []), 40, 6))
        #expect(lines == [
            "┌─ Loss  smoothing 0.90 ───────────────┐",
            "│                                      │",
            "│                                      │",
            "│ waiting for the first step…          │",
            "│                                      │",
            "└──────────────────────────────────────┘",
        ])
    }

    @Test func theWindowShowsTheLastStepsAndSaysSo() {
        let points = WidgetRendering.losses((1...300).map { 1 + 1 / Double($0) })
        let all = WidgetRendering.lines(Self.render(LossChart.Input(points: points, smoothing: 0)))
        #expect(all[0].hasPrefix("┌─ Loss  smoothing 0.00  now 1.0033 "))
        #expect(all[10].contains("step 1") && all[10].hasSuffix("300│"))
        let last = WidgetRendering.lines(Self.render(LossChart.Input(points: points, window: .last(50), smoothing: 0)))
        #expect(last[0].hasPrefix("┌─ Loss  last 50 steps  smoothing 0.00  now 1.0033 "))
        #expect(last[10].contains("step 251") && last[10].hasSuffix("300│"), "\(last[10])")
        // Fewer points than the window: all of them, and the title still says the window.
        let short = WidgetRendering.lines(Self.render(LossChart.Input(points: Array(points.prefix(20)), window: .last(200))))
        #expect(short[0].contains("last 200 steps") && short[10].contains("step 1"))
    }

    @Test func theYAxisRescalesToTheWindowAfterADivergence() {
        // A thousandfold loss for 200 steps, then 100 steps near 1 in the same segment.
        let points = WidgetRendering.losses((1...200).map { _ in 1000.0 } + (201...300).map { 1 + Double($0 % 3) / 10 })
        let all = WidgetRendering.yLabels(Self.render(LossChart.Input(points: points)))
        #expect(all.count == 3 && all.max()! > 500, "\(all)")
        let last = WidgetRendering.yLabels(Self.render(LossChart.Input(points: points, window: .last(100))))
        #expect(last.count == 3 && last.allSatisfy { $0 >= 0.9 && $0 < 1.5 }, "\(last)")
    }

    @Test func markersAndTestsOutsideTheWindowAreLeftOut() {
        let points = WidgetRendering.losses((1...300).map { 1 + 1 / Double($0) })
        let journal = [JournalEntry(step: 100, kind: .reinitialize, text: "old"), JournalEntry(step: 280, kind: .learningRate, text: "new"),
                       JournalEntry(step: 290, kind: .save, text: "saved")]
        let test = EpochResult(epoch: 1, step: 100, trainLoss: 1, testLoss: 1.01, testAccuracy: 0.5, perClassAccuracy: [], confusion: [], seconds: 1)
        let input = LossChart.Input(points: points, window: .last(50), tests: [test], journal: journal)
        let text = Self.render(input).text
        #expect(text.contains("L") && !text.contains("I") && !text.contains("S"), "\(text)")
        #expect(!text.contains("◆") && !text.contains("┴"))
        let whole = Self.render(LossChart.Input(points: points, tests: [test], journal: journal)).text
        #expect(whole.contains("◆") && whole.contains("┴") && whole.contains("I"))
    }

    @Test func theWindowStartsWhereItsStepsDo() {
        let points = WidgetRendering.losses(Array(repeating: 1, count: 10))
        #expect(LossChart.windowStart(points, .all) == 0)
        #expect(LossChart.windowStart(points, .last(3)) == 7)
        #expect(LossChart.windowStart(points, .last(50)) == 0)
        #expect(LossChart.windowStart([], .last(3)) == 0)
        // Steps at Int's edges (a recording may hold anything) do not trap.
        let wild = [LossPoint(step: .min, loss: 1, segment: 0), LossPoint(step: .max, loss: 1, segment: 0)]
        #expect(LossChart.windowStart(wild, .last(3)) == 1)
        #expect(LossChart.windowStart([LossPoint(step: .min, loss: 1, segment: 0)], .last(3)) == 0)
        #expect(LossChart.windowText(.last(1)) == "last 1 step" && LossChart.windowText(.all) == nil)
    }

    @Test func theInputIsTheSnapshotsMomentAndTheStatesSettings() {
        var state = Sample.state(width: 120, height: 40)
        state.lossWindow = .last(200)
        _ = reduce(&state, .losses([LossPoint(step: 251, loss: 1, segment: 0)]))
        let input = LossChart.input(state)
        #expect(input.points.count == 250 && input.window == .last(200) && input.tests.count == 2 && input.journal.count == 2)
    }
}

extension LossChartTests {
    @Test(arguments: LossWindow.cycle)
    func hostileNumbersDrawInEveryWindow(window: LossWindow) {
        var state = ReadabilityTests.hostileState(width: 100, height: 30)
        state.lossWindow = window
        state.logScale = true
        let text = Self.render(LossChart.input(state)).text
        #expect(ReadabilityTests.cutNumber(in: text) == nil, "\(text)")
    }
}
