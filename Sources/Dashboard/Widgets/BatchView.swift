import Telemetry

/// The current batch's images, drawn from their pixels, captioned with the true and the
/// predicted class (green when right, red when wrong) and the prediction's probability.
enum BatchView {
    /// The image size (in cells, two pixel rows per cell) and grid that show the most image
    /// area in `area`, so a panel is filled rather than left with empty rows.
    static func layout(count: Int, imageWidth: Int, imageHeight: Int, in area: Rect)
        -> (columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, across: Int, down: Int)? {
        guard count > 0, imageWidth > 0, imageHeight > 0 else { return nil }
        var best: (columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, across: Int, down: Int)?
        var bestArea = 0
        // From 3 rows up to the image's own resolution (two pixel rows a cell): larger adds nothing.
        for rows in 3...max(3, imageHeight / 2) {
            let columns = max(1, rows * 2 * imageWidth / imageHeight)
            let cellWidth = max(columns, 12) + 1, cellHeight = rows + 2
            let across = area.width / cellWidth, down = area.height / cellHeight
            let shown = min(count, across * down)
            guard shown > 0 else { continue }
            // The image area shown; on a tie the smaller size (tried first) wins: more images.
            if shown * columns * rows > bestArea {
                best = (columns, rows, cellWidth, cellHeight, across, down)
                bestArea = shown * columns * rows
            }
        }
        return best
    }

    /// What the panel draws.
    struct Input: Equatable {
        /// The batch's images, nil before the first.
        var batch: BatchPreview?
        /// The classes' names by index (a missing one shows as its number).
        var classNames: [String] = []
        var mode: ImageMode = .blocks
        /// The image with the largest loss (marked ▲), if any.
        var largest: Int?
    }

    /// The input for a state.
    static func input(_ state: DashboardState) -> Input {
        Input(batch: state.snapshot?.batch, classNames: state.snapshot?.classNames ?? [], mode: state.imageMode, largest: largestLoss(state))
    }

    /// The sample with the largest loss: under the reduction explorer's options when its values
    /// are for this batch, else the plain per-sample losses the source sent (NaN ranks first).
    static func largestLoss(_ state: DashboardState) -> Int? {
        guard let snapshot = state.snapshot, let batch = snapshot.batch else { return nil }
        if let view = state.reductions.view, view.sequence == snapshot.sequence { return view.largest }
        return ReductionView.largestLoss(batch.losses, among: batch.losses.indices)
    }

    /// Whether a preview's bytes are exactly its images (count × C·H·W) with 1 to 4 channels: a
    /// preview from a file or a peer may say anything.
    static func isWhole(_ batch: BatchPreview) -> Bool {
        let (bytes, overflow) = batch.count.multipliedReportingOverflow(by: batch.imageSize)
        return batch.count > 0 && batch.imageSize > 0 && batch.channels <= 4 && !overflow && batch.pixels.count == bytes
    }

    static func render(_ input: Input, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let mode = input.mode == .blocks ? "▀ blocks" : "ASCII"
        Draw.box(rect, title: [Draw.Part(text: "Batch", priority: 0), Draw.Part(text: "\(mode) (a)", priority: 1)],
                 focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard let batch = input.batch, isWhole(batch),
              let grid = layout(count: batch.count, imageWidth: batch.width, imageHeight: batch.height, in: inner) else {
            buffer.put("no batch yet", x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            return
        }
        let names = input.classNames
        for index in 0..<min(batch.count, grid.across * grid.down) {
            let x0 = inner.x + (index % grid.across) * grid.cellWidth, y0 = inner.y + (index / grid.across) * grid.cellHeight
            drawImage(batch, index, x: x0, y: y0, columns: grid.columns, rows: grid.rows, mode: input.mode, theme: theme, into: &buffer)
            let truth = batch.labels.indices.contains(index) ? batch.labels[index] : -1
            let guess = batch.predictions.indices.contains(index) ? batch.predictions[index] : -1
            let name = { (c: Int) in names.indices.contains(c) ? names[c] : "\(c)" }
            let width = grid.cellWidth - 1
            if index == input.largest {
                buffer.put(Draw.fit(name(truth), width - 2) + " ▲", x: x0, y: y0 + grid.rows, style: theme[.text])
                buffer.put("▲", x: x0 + width - 1, y: y0 + grid.rows, style: theme[.warn])
            } else {
                buffer.put(Draw.fit(name(truth), width), x: x0, y: y0 + grid.rows, style: theme[.text])
            }
            let confidence = batch.confidences.indices.contains(index) ? batch.confidences[index] : .nan
            let percent = confidence.isFinite ? "\(min(100, max(0, Draw.integer((confidence * 100).rounded()))))%" : "–"
            let verdict = (truth == guess ? "✓" : "✗") + name(guess)
            buffer.put(Draw.fit(Draw.fit(verdict, width - percent.count - 1) + " " + percent, width), x: x0, y: y0 + grid.rows + 1,
                       style: truth == guess ? theme[.good] : theme[.bad])
        }
    }

    /// Draws image `index` of a whole batch scaled to `columns` × `rows` cells at (x, y): ▀ half
    /// blocks (two pixel rows a cell; grey, or RGB from the first three channels) or, in ASCII
    /// mode, the density ramp. Each half cell is the mean of the pixels under it.
    static func drawImage(_ batch: BatchPreview, _ index: Int, x x0: Int, y y0: Int, columns: Int, rows: Int, mode: ImageMode,
                          theme: Theme, into buffer: inout Buffer) {
        guard columns > 0, rows > 0 else { return }
        let plane = batch.width * batch.height
        let offset = index * batch.imageSize
        /// The mean of one channel's pixels under one half cell (column, pixel row of 2 × rows).
        func pixel(_ column: Int, _ halfRow: Int, channel: Int = 0) -> UInt8 {
            let xa = column * batch.width / columns, xb = max(xa + 1, (column + 1) * batch.width / columns)
            let ya = halfRow * batch.height / (2 * rows), yb = max(ya + 1, (halfRow + 1) * batch.height / (2 * rows))
            let start = offset + channel * plane
            var total = 0
            for y in ya..<min(yb, batch.height) { for x in xa..<min(xb, batch.width) { total += Int(batch.pixels[start + y * batch.width + x]) } }
            return UInt8(total / max(1, (min(yb, batch.height) - ya) * (min(xb, batch.width) - xa)))
        }
        /// A half cell's colour: grey from the first channel, or the first three as RGB.
        func colour(_ column: Int, _ halfRow: Int) -> (grey: UInt8, color: TerminalColor) {
            guard batch.channels >= 3 else {
                let grey = pixel(column, halfRow)
                return (grey, Draw.grey(grey))
            }
            let (r, g, b) = (pixel(column, halfRow, channel: 0), pixel(column, halfRow, channel: 1), pixel(column, halfRow, channel: 2))
            return (Draw.luminance(r, g, b), Draw.cube(r, g, b))
        }
        for row in 0..<rows {
            for column in 0..<columns {
                let top = colour(column, 2 * row), bottom = colour(column, 2 * row + 1)
                let cell: Cell
                if mode == .blocks {
                    cell = Cell("▀", Style(foreground: top.color, background: bottom.color))
                } else {
                    cell = Cell(Draw.density(UInt8((Int(top.grey) + Int(bottom.grey)) / 2)), theme[.text])
                }
                buffer[x0 + column, y0 + row] = cell
            }
        }
    }
}
