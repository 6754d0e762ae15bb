import Foundation
import Telemetry

/// One row per parameter with its gradient statistics and norm history; vanishing and
/// exploding gradients are flagged against visible thresholds. The selected parameter's
/// gradient is printed like PyTorch and drawn as a heat map.
enum GradientsView {
    /// Below this L2 norm a gradient counts as vanishing.
    static let vanishing = 1e-6
    /// Above this L2 norm a gradient counts as exploding.
    static let exploding = 1e2

    static func render(_ state: DashboardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        Draw.box(rect, title: "Gradients  ▼ ‖g‖<\(Draw.short(vanishing)) vanishing  ▲ >\(Draw.short(exploding)) exploding",
                 focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let parameters = state.snapshot?.parameters, !parameters.isEmpty, inner.width >= 30, inner.height >= 3 else { return }
        // Columns: name, shape, ‖g‖, mean, max|g|, zero share, update ratio; the norm's history
        // follows on the same line when there is room, else on a line of its own.
        let header = Draw.fit("name", 9) + Draw.fit("shape", 10) + Draw.fit("‖g‖", 7, alignRight: true)
            + Draw.fit("mean", 8, alignRight: true) + Draw.fit("max|g|", 8, alignRight: true) + Draw.fit("zero", 5, alignRight: true)
            + Draw.fit("ratio", 7, alignRight: true) + " "
        let historyInline = inner.width - header.count - 2 >= 10
        buffer.put(Draw.fit(header + (historyInline ? "‖g‖ history" : ""), inner.width), x: inner.x, y: inner.y, style: theme[.dim])
        var y = inner.y + 1
        for (i, p) in parameters.enumerated() where y < inner.maxY {
            let selected = i == state.selectedParameter
            var line = Draw.fit(p.name, 9) + Draw.fit(WeightsPanel.shapeText(p.shape), 10)
            var flagStyle = theme[.text]
            if let g = p.gradient {
                line += Draw.fit(Draw.short(g.l2Norm), 7, alignRight: true) + Draw.fit(Draw.short(g.mean), 8, alignRight: true)
                    + Draw.fit(Draw.short(g.maxAbs), 8, alignRight: true) + Draw.fit(Draw.fixed(g.zeroFraction * 100, 0) + "%", 5, alignRight: true)
                    + Draw.fit(Draw.short(g.updateRatio), 7, alignRight: true) + " "
                if g.l2Norm < vanishing { flagStyle = theme[.warn] }
                if g.l2Norm > exploding || !g.l2Norm.isFinite { flagStyle = theme[.alarm] }
            } else {
                line += Draw.fit("no gradient yet", 40) + " "
            }
            let sparkWidth = historyInline ? max(0, inner.width - line.count - 2) : inner.width - 12
            let history = Array(p.normHistory.suffix(sparkWidth))
            let peak = history.max() ?? 1
            let spark = String(history.map { Draw.spark(peak > 0 ? $0 / peak : 0) })
            if historyInline { line += spark }
            buffer.put(Draw.fit(line, inner.width - 1), x: inner.x, y: y, style: selected ? theme[.selected] : theme[.text])
            if flagStyle != theme[.text] {
                let flag = (p.gradient?.l2Norm ?? 0) < vanishing ? "▼" : "▲"
                buffer.put(flag, x: inner.maxX - 1, y: y, style: flagStyle)
            }
            y += 1
            if !historyInline && y < inner.maxY {
                buffer.put("  ‖g‖ hist " + spark, x: inner.x, y: y, style: theme[.dim], clip: inner)
                y += 1
            }
        }
        // The selected parameter's gradient: PyTorch's printout, then heat-map tiles of its first units.
        let detailY = y + 1
        guard let selected = state.parameter, detailY < inner.maxY else { return }
        let rows = inner.maxY - detailY
        // Heat-map tiles of the first units on the right, the printout on the left.
        let tileCount = rows >= 4 ? min(selected.gradientTiles.count / 784, max(0, (inner.width - 40) / 15)) : 0
        let textWidth = inner.width - tileCount * 15
        let title = tileCount > 0 ? "\(selected.name).grad (tiles: units 0–\(tileCount - 1), red +, blue −):" : "\(selected.name).grad:"
        buffer.put(Draw.fit(title, inner.width), x: inner.x, y: detailY, style: theme[.title])
        for (i, line) in selected.gradientText.split(separator: "\n").prefix(max(0, rows - 1)).enumerated() {
            buffer.put(Draw.fit(String(line), textWidth - 1), x: inner.x, y: detailY + 1 + i, style: theme[.text])
        }
        for unit in 0..<tileCount {
            let values = Array(selected.gradientTiles[(unit * 784)..<((unit + 1) * 784)])
            heatMap(values, x: inner.x + textWidth + unit * 15, y: detailY + 1, rows: rows - 1, color: state.colorsAvailable, theme: theme, into: &buffer)
        }
    }

    /// One hidden unit's 784 gradients as a 28×28 tile at half size (14×7 cells): blue negative, red positive.
    static func heatMap(_ values: [Float], x: Int, y: Int, rows: Int, color: Bool, theme: Theme, into buffer: inout Buffer) {
        let peak = max(values.map { abs($0) }.max() ?? 1, 1e-12)
        /// The mean of a 2×2 block of the 28×28 grid.
        func value(_ column: Int, _ row: Int) -> Float {
            (values[(2 * row) * 28 + 2 * column] + values[(2 * row) * 28 + 2 * column + 1]
             + values[(2 * row + 1) * 28 + 2 * column] + values[(2 * row + 1) * 28 + 2 * column + 1]) / 4
        }
        func shade(_ v: Float) -> TerminalColor {
            let t = Double(v / peak)
            let level = min(5, Int(abs(t) * 5.99))
            return t >= 0 ? .index(UInt8(16 + 36 * level)) : .index(UInt8(16 + level))
        }
        for row in 0..<min(7, rows) {
            for column in 0..<14 {
                let top = value(column, 2 * row), bottom = value(column, 2 * row + 1)
                if color {
                    buffer[x + column, y + row] = Cell("▀", Style(foreground: shade(top), background: shade(bottom)))
                } else {
                    let magnitude = UInt8(min(255, Int(abs((top + bottom) / 2) / peak * 255)))
                    buffer[x + column, y + row] = Cell(Draw.density(magnitude), theme[.text])
                }
            }
        }
    }
}
