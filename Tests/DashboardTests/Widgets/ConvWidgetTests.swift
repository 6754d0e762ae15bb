import Foundation
import Testing
@testable import Dashboard
import Telemetry

/// The convolutional parts: filter tiles in the weights panel, the feature-map page, buffers in
/// the gradient table, the mode in the status bar; golden screens at 120×40 and 80×24.
@Suite struct ConvWidgetTests {
    static func theme() throws -> Theme { try ScreenTests.theme("dark") }

    @Test func goldenScreensOfTheMainAndFeaturePages() throws {
        let theme = try Self.theme()
        for (width, height) in [(120, 40), (80, 24)] {
            for page in [Page.main, .features] {
                let state = ConvSample.state(width: width, height: height, page: page)
                let name = "cnn-\(page == .main ? "main" : "features")-\(width)x\(height).txt"
                GoldenFrames.check(DashboardView.render(state, theme: theme).text + "\n", named: name)
            }
        }
        // Without colours the tiles are signs and densities, and the screen still reads.
        let mono = ConvSample.state(width: 120, height: 40, page: .features, colors: false)
        GoldenFrames.check(DashboardView.render(mono, theme: .monochrome).text + "\n", named: "cnn-features-mono-120x40.txt")
    }

    @Test func theWeightsPanelDrawsTheFiltersOnOneScaleOrAHint() {
        let conv = ConvSample.snapshot().parameters[0]
        let tall = WidgetRendering.buffer(54, 19) { WeightsPanel.render(WeightsPanel.Input(parameter: conv, step: 250, colors: false), in: $0, focused: false, theme: .monochrome, into: &$1) }
        let lines = WidgetRendering.lines(tall)
        #expect(lines[0].hasPrefix("┌─ Weights 0.weight  [16×1×5×5]"))
        #expect(lines.contains { $0.contains("filters 0–15 of 16") })
        // The histograms keep their room beside the filters.
        #expect(lines.contains { $0.contains("before") && $0.contains("after") && $0.contains("now") })
        // 80×24's panel: no row of filters fits, a hint says where they are.
        let short = WidgetRendering.buffer(36, 9) { WeightsPanel.render(WeightsPanel.Input(parameter: conv, step: 250, colors: false), in: $0, focused: false, theme: .monochrome, into: &$1) }
        #expect(WidgetRendering.lines(short)[7].contains("16 filters"))
        // A Linear weight has no filter band.
        let linear = Sample.snapshot().parameters[0]
        #expect(WeightsPanel.filterBand(linear, in: Rect(x: 0, y: 0, width: 52, height: 17)) == (0, 0))
    }

    @Test func filterTilesUseOneScaleSoAWeakFilterLooksWeak() {
        var conv = ConvSample.snapshot().parameters[0]
        conv.tiles = Array(repeating: 1, count: 25) + Array(repeating: 0.01, count: 25)
        let tile = GradientsView.TileLayout([1, 5, 5])!
        let buffer = WidgetRendering.buffer(11, 3) { rect, buffer in
            for unit in 0..<2 {
                GradientsView.heatMap(Array(conv.tiles[(unit * 25)..<((unit + 1) * 25)]), tile, x: unit * 6, y: 0, rows: 3, color: false,
                                      peak: Tiles.peak(conv.tiles), theme: .monochrome, into: &buffer)
            }
        }
        #expect(WidgetRendering.lines(buffer)[0] == "#####")
    }

    @Test func theGradientTableListsBuffersWithoutGradientsAndKeepsTheSelectionInView() {
        let snapshot = ConvSample.snapshot()
        let input = GradientsView.Input(parameters: snapshot.parameters, selected: 9, colors: false, buffers: snapshot.buffers)
        let lines = WidgetRendering.lines(WidgetRendering.buffer(58, 12) { GradientsView.render(input, in: $0, focused: false, theme: .monochrome, into: &$1) })
        // 16 rows do not fit in 9: the window shows the selected parameter and the buffers after it.
        #expect(lines.contains { $0.contains("9.bias") })
        #expect(lines.contains { $0.contains("1.num_batches_t") && $0.contains("no gradient: 250") })
        #expect(!lines.contains { $0.contains("0.weight") })
        let table = GradientsView.tableLines(snapshot.parameters, buffers: snapshot.buffers, width: 56, height: 10, selected: 9)
        #expect(table.count == 9 && table.contains(.parameter(9, history: false)))
        // A click on a buffer's row selects nothing; on a parameter's row, that parameter.
        let rect = Rect(x: 0, y: 0, width: 58, height: 12)
        let rows = (2..<11).map { GradientsView.parameter(atLine: $0, in: rect, parameters: snapshot.parameters, buffers: snapshot.buffers, selected: 9) }
        #expect(rows.contains(9) && rows.contains(nil))
    }

    @Test func theStatusBarShowsTheModeWhenItMatters() throws {
        let theme = try Self.theme()
        var state = ConvSample.state(width: 120, height: 40)
        #expect(DashboardView.render(state, theme: theme).lines[38].contains("train mode"))
        state.snapshot?.modelMode = .eval
        #expect(DashboardView.render(state, theme: theme).lines[38].contains("eval mode"))
        state.snapshot?.modelMode = nil
        #expect(!DashboardView.render(state, theme: theme).lines[38].contains("mode"))
    }

    @Test func theFeaturePageSaysWhenThereIsNothingToShowAndKeyFourOpensIt() {
        var state = Sample.state(width: 100, height: 30)
        _ = reduce(&state, .key(.character("4")))
        #expect(state.page == .features)
        let text = DashboardView.render(state, theme: .monochrome).text
        #expect(text.contains("no feature maps: the model has no convolutions (try --model cnn)"))
    }

    @Test func snapshotsWithTheNewFieldsRoundTripAndOldOnesReadWithout() throws {
        let snapshot = ConvSample.snapshot()
        let data = try TelemetryCoding.encoder().encode(snapshot)
        #expect(try TelemetryCoding.decoder().decode(TrainingSnapshot.self, from: data) == snapshot)
        let old = try TelemetryCoding.decoder().decode(TrainingSnapshot.self, from: Data(#"{"step":3,"modelMode":"calibrating"}"#.utf8))
        #expect(old.buffers.isEmpty && old.featureMaps == nil && old.modelMode == nil)
        let plain = try TelemetryCoding.decoder().decode(FeatureMapLayer.self, from: Data(#"{"name":"2","shape":[1,1,2],"values":[0.5,"nan"]}"#.utf8))
        #expect(plain.kind == "" && plain.mapCount == 1 && plain.values[0] == 0.5 && plain.values[1].isNaN)
    }
}
