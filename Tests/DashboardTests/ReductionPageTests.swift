import Dashboard
import Telemetry
import Testing

/// Page 6, the reduction explorer: its keys change the loss's options and ask the app's engine
/// for new values, a new batch asks again, and the values are drawn as bars under the images,
/// the reduced loss and the selected sample's gradient table.
struct ReductionPageTests {
    /// Values like the engine's for the sample batch (16 samples, 10 classes), under `settings`.
    static func view(_ settings: ReductionSettings = ReductionSettings(), sequence: Int = 7) -> ReductionView {
        let losses = (0..<16).map { 0.05 + Double(($0 * 7) % 16) / 8 }
        let ignored = (0..<16).map { $0 % 10 == settings.ignoredClass }
        let logits = (0..<10).map { Double($0) / 2 - 2 }
        let sum = zip(losses, ignored).filter { !$0.1 }.map(\.0).reduce(0, +)
        let kept = ignored.filter { !$0 }.count
        return ReductionView(
            settings: settings, sequence: sequence, call: settings.ignoredClass.map { "nn.CrossEntropyLoss(ignore_index=\($0))" } ?? "nn.CrossEntropyLoss()",
            losses: zip(losses, ignored).map { $1 ? 0 : $0 }, ignored: ignored, mean: sum / Double(kept), sum: sum,
            denominator: Double(kept), denominatorText: kept == 16 ? "N, every sample" : "the \(kept) samples kept",
            weights: Array(repeating: 1, count: 10), logits: logits, probabilities: (0..<10).map { Double($0 + 1) / 55 },
            target: (0..<10).map { $0 == settings.selected % 10 ? 1 : 0 },
            gradient: (0..<10).map { (Double($0 + 1) / 55 - ($0 == settings.selected % 10 ? 1 : 0)) / Double(kept) },
            largest: (0..<16).filter { !ignored[$0] }.max { losses[$0] < losses[$1] })
    }

    /// The sample state on page 6 with the engine's answer folded in.
    static func state(width: Int, height: Int) -> DashboardState {
        var state = Sample.state(width: width, height: height)
        state.page = .reductions
        _ = reduce(&state, .reductions(view()))
        return state
    }

    static func request(_ settings: ReductionSettings) -> Effect {
        .reductions(ReductionRequest(batch: Sample.snapshot().batch!, sequence: 7, settings: settings))
    }

    @Test func openingThePageAsksTheEngineForTheBatchShown() {
        var state = Sample.state(width: 120, height: 40)
        #expect(reduce(&state, .key(.character("6"))) == [Self.request(ReductionSettings())])
        var empty = DashboardState(width: 120, height: 40)
        #expect(reduce(&empty, .key(.character("6"))).isEmpty, "no batch, nothing to ask")
        #expect(DashboardView.render(empty, theme: .monochrome).text.contains("no batch yet"))
    }

    @Test func aNewSnapshotAsksAgainOnlyOnThisPage() {
        var state = Self.state(width: 120, height: 40)
        var next = Sample.snapshot()
        next.sequence = 8
        #expect(reduce(&state, .snapshot(next)) == [.reductions(ReductionRequest(batch: next.batch!, sequence: 8, settings: state.reductions.settings))])
        state.page = .main
        #expect(reduce(&state, .snapshot(next)).isEmpty)
    }

    @Test func theKeysToggleTheOptionsOnTheSelectedSamplesClass() {
        var state = Self.state(width: 120, height: 40)
        var expected = ReductionSettings()
        _ = reduce(&state, .key(.right))
        _ = reduce(&state, .key(.right))
        expected.selected = 2
        #expect(state.reductions.settings == expected)
        expected.weightedClass = 2
        #expect(reduce(&state, .key(.character("w"))) == [Self.request(expected)], "w doubles sample 3's class, 2")
        expected.ignoredClass = 2
        #expect(reduce(&state, .key(.character("i"))) == [Self.request(expected)])
        expected.ignoredClass = nil
        _ = reduce(&state, .key(.character("i")))
        #expect(state.reductions.settings == expected, "i again on the same class goes back to -100")
        for value in [0.1, 0.2, 0.5, 0] {
            _ = reduce(&state, .key(.character("s")))
            #expect(state.reductions.settings.labelSmoothing == value)
        }
        _ = reduce(&state, .key(.character("p")))
        _ = reduce(&state, .key(.character("r")))
        #expect(state.reductions.settings.probabilityTargets && state.reductions.settings.gradientOf == .sum)
        _ = reduce(&state, .key(.end))
        #expect(state.reductions.settings.selected == 15)
        _ = reduce(&state, .key(.right))
        #expect(state.reductions.settings.selected == 15, "the selection stays in the batch")
        _ = reduce(&state, .key(.character("x")))
        expected = ReductionSettings()
        expected.selected = 15
        #expect(state.reductions.settings == expected, "x: every option back to PyTorch's defaults, the selection kept")
        #expect(reduce(&state, .key(.character("q"))) == [.quit], "the page keys still work")
    }

    @Test func aProblemIsShownInsteadOfTheBars() {
        var state = Self.state(width: 120, height: 40)
        _ = reduce(&state, .reductionProblem("this source's batches carry no logits"))
        let text = DashboardView.render(state, theme: .monochrome).text
        #expect(text.contains("this source's batches carry no logits") && !text.contains("reduction='none'"))
        // Images that do not fit their stated size (a damaged preview) say so, not "computing" for ever.
        var damaged = Sample.snapshot()
        damaged.batch!.pixels.removeLast()
        _ = reduce(&state, .snapshot(damaged))
        #expect(DashboardView.render(state, theme: .monochrome).text.contains("do not fit their stated size"))
    }

    /// Whether the first `name` on the screen is followed (after spaces) by the ▲ mark.
    static func marked(_ text: String, _ name: String) -> Bool {
        guard let range = text.range(of: name) else { return false }
        return text[range.upperBound...].first { $0 != " " } == "▲"
    }

    @Test func theBatchPanelMarksTheLargestLoss() {
        var state = Sample.state(width: 200, height: 60)
        var snapshot = Sample.snapshot()
        snapshot.batch!.losses[1] = 2.5
        _ = reduce(&state, .snapshot(snapshot))
        var text = DashboardView.render(state, theme: .monochrome).text
        #expect(Self.marked(text, "Trouser") && !Self.marked(text, "T-shirt/top"), "the source's own losses: sample 2 is largest")
        // Under the explorer's options once its values are for this batch.
        var view = Self.view()
        view.largest = 0
        _ = reduce(&state, .reductions(view))
        text = DashboardView.render(state, theme: .monochrome).text
        #expect(Self.marked(text, "T-shirt/top") && !Self.marked(text, "Trouser"))
        view.sequence = 6
        _ = reduce(&state, .reductions(view))
        #expect(Self.marked(DashboardView.render(state, theme: .monochrome).text, "Trouser"), "values for another batch are not used")
    }

    @Test func goldenScreens() {
        for (width, height) in [(120, 40), (80, 24)] {
            var state = Self.state(width: width, height: height)
            GoldenFrames.check(DashboardView.render(state, theme: .monochrome).text, named: "reductions-\(width)x\(height).txt")
            var settings = ReductionSettings()
            settings.selected = 13
            settings.ignoredClass = 3
            _ = reduce(&state, .reductions(Self.view(settings)))
            GoldenFrames.check(DashboardView.render(state, theme: .monochrome).text, named: "reductions-ignored-\(width)x\(height).txt")
        }
    }
}
