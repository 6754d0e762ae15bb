import Testing
@testable import Dashboard
import Telemetry

/// The weights panel and its histograms on their own.
@Suite struct WeightsPanelTests {
    static func render(_ input: WeightsPanel.Input, _ width: Int, _ height: Int) -> Buffer {
        WidgetRendering.buffer(width, height) { WeightsPanel.render(input, in: $0, focused: true, theme: .monochrome, into: &$1) }
    }

    @Test func aFlatHistogramDrawsFlatWithItsRangeAndStatistics() {
        let histogram = Histogram(counts: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], low: -1, high: 1, below: 0, above: 0, count: 24,
                                  mean: 0, std: 0.58, min: -1, max: 1)
        let buffer = WidgetRendering.buffer(12, 5) {
            HistogramView.render(histogram, title: "after", spread: .uniform(low: -0.5, high: 0.5), style: .plain, in: $0, theme: .monochrome, into: &$1)
        }
        #expect(WidgetRendering.lines(buffer) == [
            "after",
            "████████████",
            "████████████",
            "-1─┼────┼──1",
            "μ=0 σ=0.58",
        ])
    }

    @Test func anEmptyHistogramSaysSoAndATinyAreaDrawsNothing() {
        let empty = WidgetRendering.buffer(20, 5) {
            HistogramView.render(.empty, title: "before", spread: nil, style: .plain, in: $0, theme: .monochrome, into: &$1)
        }
        #expect(WidgetRendering.lines(empty) == ["before", "no values", "", "", ""])
        let tiny = WidgetRendering.buffer(8, 3) {
            HistogramView.render(Sample.histogram(center: 0, spread: 1), title: "now", spread: nil, style: .plain, in: $0, theme: .monochrome, into: &$1)
        }
        #expect(tiny.text.allSatisfy { $0.isWhitespace })
    }

    @Test func withoutAParameterOnlyTheBoxIsDrawn() {
        let lines = WidgetRendering.lines(Self.render(WeightsPanel.Input(parameter: nil), 30, 4))
        #expect(lines == ["┌─ Weights ──────────────────┐", "│                            │", "│                            │", "└────────────────────────────┘"])
    }

    @Test func aShortPanelPutsBeforeAfterAndNowSideBySide() {
        let parameter = Sample.snapshot().parameters[0]
        let lines = WidgetRendering.lines(Self.render(WeightsPanel.Input(parameter: parameter, step: 250), 60, 10))
        #expect(lines[0].hasPrefix("┌─ Weights 1.weight  [256×784]  ↑↓ select ─"))
        #expect(lines[1] == "│init normal_(mean=0.0, std=0.01)  ┼ ±σ,±2σ σ=0.01         │", "the step is left out first: \(lines[1])")
        let titles = lines[2]
        #expect(titles.contains("before") && titles.contains("after") && titles.contains("now") && !titles.contains("step 250"))
        #expect(titles.firstRange(of: "after")!.lowerBound.utf16Offset(in: titles) == 20)
    }

    @Test func anInitTheProbeDidNotSeeShowsItsAfterOnly() {
        var parameter = Sample.snapshot().parameters[0]
        parameter.initialization = InitRecord(method: InitChoice(name: "before the probe", arguments: []), step: 0, spread: .none,
                                              before: .empty, after: Sample.histogram(center: 0, spread: 0.1))
        let lines = WidgetRendering.lines(Self.render(WeightsPanel.Input(parameter: parameter, step: 9), 60, 20))
        #expect(lines[1].hasPrefix("│init before the probe  at step 0 "))
        #expect(lines[3].hasPrefix("│not seen "))
    }

    @Test func aTallPanelPutsNowUnderneathWithItsStep() {
        let parameter = Sample.snapshot().parameters[0]
        let text = Self.render(WeightsPanel.Input(parameter: parameter, step: 250), 60, 20).text
        #expect(text.contains("now (step 250)"))
        let input = WeightsPanel.input(Sample.state(width: 120, height: 40))
        #expect(input.parameter?.name == "1.weight" && input.step == 250)
    }
}
