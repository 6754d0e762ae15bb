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
        let withShape = inner.width >= 72
        let header = Draw.fit("name", 9) + (withShape ? Draw.fit("shape", 10) : "") + Draw.fit("‖g‖", 8, alignRight: true)
            + Draw.fit("mean", 9, alignRight: true) + Draw.fit("max|g|", 8, alignRight: true) + Draw.fit("zero", 5, alignRight: true)
            + Draw.fit("lr‖g‖/‖w‖", 10, alignRight: true) + " "
        buffer.put(Draw.fit(header + "‖g‖ history", inner.width), x: inner.x, y: inner.y, style: theme[.dim])
        for (i, p) in parameters.enumerated() where inner.y + 1 + i < inner.maxY {
            let y = inner.y + 1 + i
            let selected = i == state.selectedParameter
            var line = Draw.fit(p.name, 9) + (withShape ? Draw.fit(WeightsPanel.shapeText(p.shape), 10) : "")
            var flagStyle = theme[.text]
            if let g = p.gradient {
                line += Draw.fit(Draw.short(g.l2Norm), 8, alignRight: true) + Draw.fit(Draw.short(g.mean), 9, alignRight: true)
                    + Draw.fit(Draw.short(g.maxAbs), 8, alignRight: true) + Draw.fit(Draw.fixed(g.zeroFraction * 100, 0) + "%", 5, alignRight: true)
                    + Draw.fit(Draw.short(g.updateRatio), 10, alignRight: true) + " "
                if g.l2Norm < vanishing { flagStyle = theme[.warn] }
                if g.l2Norm > exploding || !g.l2Norm.isFinite { flagStyle = theme[.alarm] }
            } else {
                line += Draw.fit("no gradient yet", 40) + " "
            }
            let sparkWidth = max(0, inner.width - line.count - 2)
            let history = Array(p.normHistory.suffix(sparkWidth))
            let peak = history.max() ?? 1
            line += String(history.map { Draw.spark(peak > 0 ? $0 / peak : 0) })
            buffer.put(Draw.fit(line, inner.width - 2), x: inner.x, y: y, style: selected ? theme[.selected] : theme[.text])
            if flagStyle != theme[.text] {
                let flag = (p.gradient?.l2Norm ?? 0) < vanishing ? "▼" : "▲"
                buffer.put(flag, x: inner.maxX - 1, y: y, style: flagStyle)
            }
        }
        // The selected parameter's gradient: PyTorch's printout and a heat map tile.
        let detailY = inner.y + parameters.count + 2
        guard let selected = state.parameter, detailY < inner.maxY else { return }
        let tile = selected.gradientTiles.count >= 784 ? Array(selected.gradientTiles.prefix(784)) : []
        let tileWidth = tile.isEmpty || inner.width < 60 ? 0 : 29
        let textArea = Rect(x: inner.x, y: detailY, width: inner.width - tileWidth, height: inner.maxY - detailY)
        buffer.put(Draw.fit("\(selected.name).grad:", textArea.width), x: textArea.x, y: detailY, style: theme[.title])
        for (i, line) in selected.gradientText.split(separator: "\n").enumerated() where detailY + 1 + i < inner.maxY {
            buffer.put(Draw.fit(String(line), textArea.width), x: textArea.x, y: detailY + 1 + i, style: theme[.text])
        }
        if tileWidth > 0 {
            heatMap(tile, x: inner.maxX - 28, y: detailY, maxRows: inner.maxY - detailY, color: state.colorsAvailable, theme: theme, into: &buffer)
        }
    }

    /// The first hidden unit's 784 gradients as a 28×28 tile (blue negative, red positive).
    static func heatMap(_ values: [Float], x: Int, y: Int, maxRows: Int, color: Bool, theme: Theme, into buffer: inout Buffer) {
        let peak = max(values.map { abs($0) }.max() ?? 1, 1e-12)
        func shade(_ v: Float) -> TerminalColor {
            let t = Double(v / peak)
            let level = UInt8(min(5, Int(abs(t) * 5.99)))
            return t >= 0 ? .index(16 + 36 * level) : .index(16 + level)
        }
        for row in 0..<min(14, maxRows) {
            for column in 0..<28 {
                let top = values[(2 * row) * 28 + column], bottom = values[(2 * row + 1) * 28 + column]
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
