import Telemetry

/// Small images of tensors drawn in half blocks: filters (signed) and feature maps (grey).
enum Tiles {
    /// The largest finite |value| of `values`, for drawing several tiles on one scale.
    static func peak(_ values: some Sequence<Float>) -> Double {
        Double(values.lazy.filter(\.isFinite).map { abs($0) }.max() ?? 0)
    }

    /// A `tile`-shaped map (the mean over its channels) in grey, black at 0 and white at `peak`
    /// (negative values black too): in colour ▀ half blocks of the grey ramp, without colour the
    /// ASCII density ramp. Past the map's edge a half cell is black.
    static func grey(_ values: ArraySlice<Float>, _ tile: GradientsView.TileLayout, x: Int, y: Int, rows: Int, color: Bool,
                     peak: Double, theme: Theme, into buffer: inout Buffer) {
        let top = max(peak, 1e-12)
        let plane = tile.height * tile.width
        let start = values.startIndex
        /// 0 … 255 for the mean under one half cell (NaN and negatives 0, beyond the peak 255).
        func level(_ column: Int, _ halfRow: Int) -> UInt8 {
            // A coarse scale can leave the last half cells past the edge: they stay 0.
            guard column * tile.scale < tile.width, halfRow * tile.scale < tile.height else { return 0 }
            let xs = (column * tile.scale)..<min(tile.width, (column + 1) * tile.scale)
            let ys = (halfRow * tile.scale)..<min(tile.height, (halfRow + 1) * tile.scale)
            var total: Float = 0
            for c in 0..<tile.channels { for py in ys { for px in xs { total += values[start + c * plane + py * tile.width + px] } } }
            let mean = Double(total) / Double(tile.channels * xs.count * ys.count)
            return UInt8(min(255, max(0, Draw.integer(mean / top * 255))))
        }
        for row in 0..<min(tile.rows, rows) {
            for column in 0..<tile.columns {
                let upper = level(column, 2 * row), lower = level(column, 2 * row + 1)
                buffer[x + column, y + row] = color
                    ? Cell("▀", Style(foreground: Draw.grey(upper), background: Draw.grey(lower)))
                    : Cell(Draw.density(UInt8((Int(upper) + Int(lower)) / 2)), theme[.text])
            }
        }
    }

    /// The legend of signed tiles: what colour (or sign) means what.
    static func signedLegend(color: Bool) -> String { color ? "red +, blue −" : "+*# > 0, -=≡ < 0" }
}

/// The weights panel's filter tiles: a first convolution's kernels on one scale, as many
/// rows of them as leave the histograms their room.
extension WeightsPanel {
    /// Lines the histograms need below the init line (before, after and now side by side).
    static let histogramLines = 4

    /// Whether a parameter's tiles are a convolution's filters (a 4-D weight's `[C, kH, kW]` kernels).
    static func hasFilters(_ parameter: ParameterSnapshot) -> Bool {
        parameter.shape.count == 4 && parameter.tileSize > 0 && parameter.tiles.count >= parameter.tileSize
            && GradientsView.TileLayout(parameter.tileShape) != nil
    }

    /// How many lines of `inner` the filter band takes (its title and rows of tiles), and how
    /// many filters it shows: none when not even one row leaves the histograms their room,
    /// then one line for a hint when there is room for it.
    static func filterBand(_ parameter: ParameterSnapshot, in inner: Rect) -> (lines: Int, shown: Int) {
        guard hasFilters(parameter), let tile = GradientsView.TileLayout(parameter.tileShape) else { return (0, 0) }
        let count = parameter.tiles.count / parameter.tileSize
        let perRow = max(1, (inner.width + 1) / (tile.columns + 1))
        let rowsWanted = (count + perRow - 1) / perRow
        let room = inner.height - 1 - histogramLines - 1  // the init line, the histograms, the band's title
        let rows = min(rowsWanted, max(0, room / tile.rows))
        if rows == 0 { return inner.height - 1 - histogramLines >= 1 ? (1, 0) : (0, 0) }
        return (1 + rows * tile.rows, min(count, rows * perRow))
    }

    /// Draws the filter band at the bottom of `inner`: a title, then the first `shown` filters
    /// left to right on one colour scale (the largest |weight| brightest); or only a hint where
    /// to see them when none fit.
    static func renderFilters(_ parameter: ParameterSnapshot, band: (lines: Int, shown: Int), in inner: Rect, color: Bool,
                              theme: Theme, into buffer: inout Buffer) {
        guard band.lines > 0, let tile = GradientsView.TileLayout(parameter.tileShape) else { return }
        let y0 = inner.maxY - band.lines
        let count = parameter.tiles.count / parameter.tileSize
        guard band.shown > 0 else {
            let hint = [Draw.Part(text: "\(count) filters", priority: 0), Draw.Part(text: "(4: feature maps)", priority: 1)]
            buffer.put(Draw.line(hint, width: inner.width, separator: " "), x: inner.x, y: y0, style: theme[.dim], clip: inner)
            return
        }
        let range = band.shown == 1 ? "0" : "0–\(band.shown - 1)"
        let title = [Draw.Part(text: "filters \(range) of \(count)", priority: 0),
                     Draw.Part(text: "(\(Tiles.signedLegend(color: color)), one scale)", priority: 1)]
        buffer.put(Draw.line(title, width: inner.width, separator: " "), x: inner.x, y: y0, style: theme[.title], clip: inner)
        let size = parameter.tileSize
        let peak = Tiles.peak(parameter.tiles.prefix(band.shown * size))
        let perRow = max(1, (inner.width + 1) / (tile.columns + 1))
        for unit in 0..<band.shown {
            let values = Array(parameter.tiles[(unit * size)..<((unit + 1) * size)])
            GradientsView.heatMap(values, tile, x: inner.x + (unit % perRow) * (tile.columns + 1), y: y0 + 1 + (unit / perRow) * tile.rows,
                                  rows: tile.rows, color: color, peak: peak, theme: theme, into: &buffer)
        }
    }
}
