import Telemetry

/// The current batch's images, drawn from their pixels, captioned with the true and the
/// predicted class (green when right, red when wrong) and the prediction's probability.
enum BatchView {
    static func render(_ state: DashboardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let mode = state.imageMode == .blocks ? "▀ blocks" : "ASCII"
        Draw.box(rect, title: "Batch  \(mode) (a)", focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let batch = state.snapshot?.batch, batch.count > 0, inner.width >= 16, inner.height >= 6 else {
            buffer.put("no batch yet", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            return
        }
        let names = state.snapshot?.classNames ?? []
        // Full size (28 columns × 14 rows) when 8 images fit, else half size (14 × 7).
        let fullFits = (inner.width / 29) * (inner.height / 16) >= min(8, batch.count)
        let scale = fullFits ? 1 : 2
        let columns = batch.width / scale, rows = batch.height / (2 * scale)
        let cellWidth = max(columns, 12) + 1, cellHeight = rows + 2
        let across = max(1, inner.width / cellWidth), down = max(1, inner.height / cellHeight)
        for index in 0..<min(batch.count, across * down) {
            let x0 = inner.x + (index % across) * cellWidth, y0 = inner.y + (index / across) * cellHeight
            let pixels = Array(batch.pixels[(index * batch.width * batch.height)..<((index + 1) * batch.width * batch.height)])
            func pixel(_ x: Int, _ y: Int) -> UInt8 {
                // The average of a scale×scale block.
                var total = 0
                for dy in 0..<scale { for dx in 0..<scale { total += Int(pixels[(y * scale + dy) * batch.width + x * scale + dx]) } }
                return UInt8(total / (scale * scale))
            }
            for row in 0..<rows {
                for column in 0..<columns {
                    let top = pixel(column, 2 * row), bottom = pixel(column, 2 * row + 1)
                    let cell: Cell
                    if state.imageMode == .blocks {
                        cell = Cell("▀", Style(foreground: Draw.grey(top), background: Draw.grey(bottom)))
                    } else {
                        cell = Cell(Draw.density(UInt8((Int(top) + Int(bottom)) / 2)), theme[.text])
                    }
                    buffer[x0 + column, y0 + row] = cell
                }
            }
            let truth = batch.labels[index], guess = batch.predictions[index]
            let name = { (c: Int) in names.indices.contains(c) ? names[c] : "\(c)" }
            let width = cellWidth - 1
            buffer.put(Draw.fit(name(truth), width), x: x0, y: y0 + rows, style: theme[.text])
            let verdict = (truth == guess ? "✓" : "✗") + name(guess)
            let probability = " \(Int((batch.confidences[index] * 100).rounded()))%"
            buffer.put(Draw.fit(Draw.fit(verdict, width - probability.count) + probability, width), x: x0, y: y0 + rows + 1,
                       style: truth == guess ? theme[.good] : theme[.bad])
        }
    }
}
