import Testing
@testable import Dashboard
import Telemetry

/// The gradients panel on its own: the table, the selection and heat-map tiles of any image shape.
@Suite struct GradientsViewTests {
    /// A first layer over `shape` images whose first four units' gradients are `tile(channel, y, x)`.
    static func parameter(name: String = "0.weight", shape: [Int], tile: (Int, Int, Int) -> Float) -> ParameterSnapshot {
        let (c, h, w) = (shape[0], shape[1], shape[2])
        let one = (0..<c).flatMap { ch in (0..<h).flatMap { y in (0..<w).map { x in tile(ch, y, x) } } }
        return ParameterSnapshot(name: name, shape: [64, c * h * w], values: Sample.histogram(center: 0, spread: 0.1), initialization: nil,
                                 gradient: GradientStats(l2Norm: 0.5, mean: 0, std: 0.01, maxAbs: 0.01, zeroFraction: 0, updateRatio: 1e-4),
                                 gradientText: "tensor([[ 0.0010, -0.0010]])", tiles: [], gradientTiles: Array((0..<4).map { _ in one }.joined()),
                                 tileShape: shape, normHistory: [0.4, 0.5])
    }

    static func render(_ input: GradientsView.Input, _ width: Int = 100, _ height: Int = 20) -> Buffer {
        WidgetRendering.buffer(width, height) { GradientsView.render(input, in: $0, focused: false, theme: .monochrome, into: &$1) }
    }

    @Test func tilesTakeTheirSizeFromTheShape() {
        let sizes = [[1, 28, 28], [3, 32, 32], [1, 16, 16], [1, 224, 224], [28, 28], [2, 9, 5]].map { GradientsView.TileLayout($0).map { [$0.columns, $0.rows] } }
        #expect(sizes == [[14, 7], [16, 8], [16, 8], [16, 8], [14, 7], [5, 5]])
        for bad in [[], [784], [1, 0, 28], [1, 28, 5000], [1, 1, 1, 1]] { #expect(GradientsView.TileLayout(bad) == nil, "\(bad)") }
    }

    @Test func aSixteenPixelTileIsSixteenCellsWideWithItsSigns() {
        // Positive on the left half, negative on the right.
        let parameter = Self.parameter(shape: [1, 16, 16]) { _, _, x in x < 8 ? 1e-3 : -1e-3 }
        let lines = WidgetRendering.lines(Self.render(GradientsView.Input(parameters: [parameter], colors: false)))
        let detail = lines.firstIndex { $0.contains("0.weight.grad") }!
        // Three tiles fit beside the printout's 40 columns: 98 − 40 = 58 = 3 × (16 + 1) + 7.
        #expect(lines[detail].contains("0.weight.grad (tiles of units 0–2: +*# > 0, -=≡ < 0)"), "\(lines[detail])")
        let tileRows = lines[(detail + 1)...].filter { $0.contains("########≡≡≡≡≡≡≡≡") }
        #expect(tileRows.count == 8, "8 rows of 16 pixels: \(lines)")
        #expect(tileRows.allSatisfy { $0.hasSuffix(" ########≡≡≡≡≡≡≡≡ ########≡≡≡≡≡≡≡≡ ########≡≡≡≡≡≡≡≡ │") }, "\(tileRows)")
    }

    @Test func anRGBTileShowsTheMeanOfItsChannels() {
        // Left half: channels +1, −1, 0 cancel out; right half: all +1.
        let parameter = Self.parameter(shape: [3, 32, 32]) { c, _, x in x < 16 ? [1, -1, 0][c] : 1 }
        let buffer = Self.render(GradientsView.Input(parameters: [parameter], colors: true))
        let detail = buffer.lines.firstIndex { $0.contains("0.weight.grad") }!
        let x = 1 + 98 - 3 * 17  // the first tile's first column
        #expect(buffer[x, detail + 1].style == Style(foreground: .index(16), background: .index(16)))
        #expect(buffer[x + 8, detail + 1].style == Style(foreground: .index(196), background: .index(196)))
        #expect(buffer[x + 16, detail + 1].character == " ", "a column between tiles")
    }

    @Test func withoutATileShapeThereAreNoTiles() {
        var parameter = Self.parameter(shape: [1, 28, 28]) { _, _, _ in 1 }
        parameter.tileShape = []
        let text = Self.render(GradientsView.Input(parameters: [parameter], colors: false)).text
        #expect(text.contains("0.weight.grad") && !text.contains("tiles of units") && !text.contains("######"))
        // A shape whose tiles the gradient does not fill once: none either.
        parameter.tileShape = [3, 64, 64]
        #expect(!Self.render(GradientsView.Input(parameters: [parameter], colors: false)).text.contains("tiles of units"))
    }

    @Test func theSelectionIsHighlightedAndClampedToTheList() {
        let parameters = ["0.weight", "0.bias", "2.weight"].map { name in Self.parameter(name: name, shape: [1, 4, 4]) { _, _, _ in 0 } }
        for (selected, row) in [(1, 3), (9, 4)] {
            let buffer = Self.render(GradientsView.Input(parameters: parameters, selected: selected, colors: false))
            let highlighted = (2..<5).filter { buffer[2, $0].style == Theme.monochrome[.selected] }
            #expect(highlighted == [row], "selected \(selected)")
            #expect(buffer.text.contains("\(parameters[row - 2].name).grad"))
        }
        #expect(GradientsView.Input(parameters: [], selected: 3).parameter == nil)
    }
}
