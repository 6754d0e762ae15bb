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

    /// A column of the table: its header, its width (without the space before it), how
    /// important it is (0 is kept always, then 1, 2, ...) and its text for a parameter.
    struct Column {
        var header: String
        var width: Int
        var priority: Int
        var alignRight = true
        var text: (ParameterSnapshot) -> String
    }

    /// The table's columns, most important first: name, ‖g‖, max|g|, update ratio, mean, zero share, shape.
    static func columns(_ parameters: [ParameterSnapshot], buffers: [BufferSnapshot] = []) -> [Column] {
        func stat(_ value: @escaping (GradientStats) -> Double) -> (ParameterSnapshot) -> String {
            { p in p.gradient.map { Draw.short(value($0)) } ?? "–" }
        }
        let names = parameters.map(\.name) + buffers.map(\.name)
        let shapes = parameters.map(\.shape) + buffers.map(\.shape)
        let nameWidth = max(4, min(16, names.map(\.count).max() ?? 4))
        let shapeWidth = max(5, shapes.map { WeightsPanel.shapeText($0).count }.max() ?? 5)
        return [
            Column(header: "name", width: nameWidth, priority: 0, alignRight: false) { $0.name },
            Column(header: "shape", width: shapeWidth, priority: 6, alignRight: false) { WeightsPanel.shapeText($0.shape) },
            Column(header: "‖g‖", width: 7, priority: 1, text: stat(\.l2Norm)),
            Column(header: "mean", width: 7, priority: 4, text: stat(\.mean)),
            Column(header: "max|g|", width: 7, priority: 2, text: stat(\.maxAbs)),
            Column(header: "zero", width: 4, priority: 5) { p in
                p.gradient.map { Draw.number(min(100, max(0, $0.zeroFraction * 100)), width: 3) + "%" } ?? "–"
            },
            Column(header: "ratio", width: 7, priority: 3, text: stat(\.updateRatio)),
        ]
    }

    /// The columns that fit in `width`, in table order: the least important are left out whole.
    static func fitting(_ columns: [Column], width: Int) -> [Column] {
        var room = width, keep = Set<String>()
        for column in columns.sorted(by: { $0.priority < $1.priority }) {
            let needed = column.width + (keep.isEmpty ? 0 : 1)
            guard needed <= room || column.priority == 0 else { break }
            keep.insert(column.header)
            room -= needed
        }
        return columns.filter { keep.contains($0.header) }
    }

    /// Whether each parameter's norm history fits on its table row in a panel `width` wide
    /// inside (else it gets a line of its own below the row).
    static func historyFitsInline(_ parameters: [ParameterSnapshot], buffers: [BufferSnapshot] = [], width: Int) -> Bool {
        let shown = fitting(columns(parameters, buffers: buffers), width: width - 2)
        let headerWidth = shown.reduce(0) { $0 + $1.width } + max(0, shown.count - 1)
        return width - headerWidth - 2 >= 10
    }

    /// The parameter whose table row (or history line) is on screen line `y` of the panel `rect` (for clicks).
    static func parameter(atLine y: Int, in rect: Rect, parameters: [ParameterSnapshot], buffers: [BufferSnapshot] = [], selected: Int = 0) -> Int? {
        let inner = rect.inset(1)
        guard !parameters.isEmpty, inner.width >= 20, inner.height >= 3, y > inner.y, y < inner.maxY else { return nil }
        let lines = tableLines(parameters, buffers: buffers, width: inner.width, height: inner.height, selected: selected)
        let index = y - inner.y - 1
        guard lines.indices.contains(index), case .parameter(let p, _) = lines[index] else { return nil }
        return p
    }

    /// A line of the table under its header.
    enum TableLine: Equatable {
        /// Parameter `index`'s row (`history`: its norm history on a line of its own, below).
        case parameter(Int, history: Bool)
        /// A parameter's norm history, on its own line.
        case history(Int)
        /// Buffer `index`'s row: no gradient.
        case buffer(Int)
    }

    /// The table's lines for a panel `width`×`height` inside: every parameter (with its history
    /// on a line of its own when it does not fit on the row), then every buffer. When they do not
    /// all fit, the history lines go first, then the table shows the lines around the selected
    /// parameter.
    static func tableLines(_ parameters: [ParameterSnapshot], buffers: [BufferSnapshot], width: Int, height: Int, selected: Int) -> [TableLine] {
        let room = max(0, height - 1)
        let separate = !historyFitsInline(parameters, buffers: buffers, width: width)
        var lines: [TableLine] = []
        for index in parameters.indices {
            lines.append(.parameter(index, history: separate))
            if separate { lines.append(.history(index)) }
        }
        lines += buffers.indices.map { .buffer($0) }
        if lines.count > room {
            lines = parameters.indices.map { .parameter($0, history: false) } + buffers.indices.map { .buffer($0) }
        }
        guard lines.count > room, room > 0 else { return lines }
        let first = min(max(0, selected - room / 2), lines.count - room)
        return Array(lines[first..<(first + room)])
    }

    /// What the panel draws.
    struct Input: Equatable {
        var parameters: [ParameterSnapshot]
        /// The index of the selected parameter (clamped to the list).
        var selected = 0
        /// Whether the terminal shows colours (else the heat map uses signs).
        var colors = true
        /// The model's buffers, listed after the parameters without gradients.
        var buffers: [BufferSnapshot] = []

        /// The selected parameter's index in the list (the last one when `selected` is past it).
        var selectedIndex: Int { min(max(0, selected), parameters.count - 1) }
        /// The selected parameter, nil when there are none.
        var parameter: ParameterSnapshot? { parameters.isEmpty ? nil : parameters[selectedIndex] }
    }

    /// The input for a state.
    static func input(_ state: DashboardState) -> Input {
        Input(parameters: state.snapshot?.parameters ?? [], selected: state.selectedParameter, colors: state.colorsAvailable,
              buffers: state.snapshot?.buffers ?? [])
    }

    static func render(_ input: Input, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        Draw.box(rect, title: [Draw.Part(text: "Gradients", priority: 0),
                               Draw.Part(text: "▼ ‖g‖<\(Draw.short(vanishing)) vanishing", priority: 2),
                               Draw.Part(text: "▲ >\(Draw.short(exploding)) exploding", priority: 1)],
                 focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        let parameters = input.parameters
        guard !parameters.isEmpty, inner.width >= 20, inner.height >= 3 else { return }
        // The last column is kept for the ▼/▲ flag.
        let shown = fitting(columns(parameters, buffers: input.buffers), width: inner.width - 2)
        func row(_ cell: (Column) -> String) -> String {
            shown.enumerated().map { i, column in
                // Numbers are at most 7 characters (Draw.short), so only a long name is cut.
                (i == 0 ? "" : " ") + Draw.fit(cell(column), column.width, alignRight: column.alignRight)
            }.joined()
        }
        let header = row(\.header)
        // The norm's history follows on the same line when there is room, else on a line of its own.
        let historyInline = historyFitsInline(parameters, buffers: input.buffers, width: inner.width)
        buffer.put(Draw.fit(header + (historyInline ? "  ‖g‖ history" : ""), inner.width - 1), x: inner.x, y: inner.y, style: theme[.dim])
        var y = inner.y + 1
        let lines = tableLines(parameters, buffers: input.buffers, width: inner.width, height: inner.height, selected: input.selectedIndex)
        for line in lines where y < inner.maxY {
            switch line {
            case .parameter(let i, _):
                let p = parameters[i]
                var text = row { $0.text(p) }
                var flag: (String, Style)?
                if let g = p.gradient {
                    if g.l2Norm < vanishing { flag = ("▼", theme[.warn]) }
                    if g.l2Norm > exploding || !g.l2Norm.isFinite { flag = ("▲", theme[.alarm]) }
                }
                if historyInline { text += "  " + sparkline(p.normHistory, width: max(0, inner.width - text.count - 3)) }
                buffer.put(Draw.fit(text, inner.width - 1), x: inner.x, y: y, style: i == input.selectedIndex ? theme[.selected] : theme[.text])
                if let (text, style) = flag { buffer.put(text, x: inner.maxX - 1, y: y, style: style) }
            case .history(let i):
                buffer.put("  ‖g‖ hist " + sparkline(parameters[i].normHistory, width: inner.width - 12), x: inner.x, y: y, style: theme[.dim], clip: inner)
            case .buffer(let i):
                // A buffer has no gradient: its name (and shape), then what it holds across the statistics columns.
                let b = input.buffers[i]
                let lead = shown.filter { $0.header == "name" || $0.header == "shape" }.enumerated().map { j, column in
                    (j == 0 ? "" : " ") + Draw.fit(column.header == "name" ? b.name : WeightsPanel.shapeText(b.shape), column.width)
                }.joined()
                buffer.put(Draw.fit(lead + " " + bufferSummary(b), inner.width - 1), x: inner.x, y: y, style: theme[.dim])
            }
            y += 1
        }
        // The selected parameter's gradient: PyTorch's printout, then heat-map tiles of its first units.
        let detailY = y + 1
        guard let selected = input.parameter, detailY < inner.maxY else { return }
        let rows = inner.maxY - detailY
        // Heat-map tiles of the first units on the right (each with a blank column after it), the printout on the left.
        let tile = TileLayout(selected.tileShape)
        let pitch = (tile?.columns ?? 0) + 1
        let tileCount = rows >= 4 && tile != nil ? min(selected.gradientTileCount, max(0, (inner.width - 40) / pitch)) : 0
        let textWidth = inner.width - tileCount * pitch
        let legend = Tiles.signedLegend(color: input.colors)
        let units = selected.shape.count == 4 ? "filters" : "units"
        let title = [Draw.Part(text: "\(selected.name).grad", priority: 0),
                     Draw.Part(text: tileCount > 0 ? "(tiles of \(units) 0–\(tileCount - 1): \(legend))" : "", priority: 1)].filter { !$0.text.isEmpty }
        buffer.put(Draw.line(title, width: inner.width, separator: " "), x: inner.x, y: detailY, style: theme[.title], clip: inner)
        for (i, line) in selected.gradientText.split(separator: "\n").prefix(max(0, rows - 1)).enumerated() {
            buffer.put(Draw.fitTokens(String(line), textWidth - 1), x: inner.x, y: detailY + 1 + i, style: theme[.text], clip: inner)
        }
        guard let tile else { return }
        let size = selected.tileSize
        for unit in 0..<tileCount {
            let values = Array(selected.gradientTiles[(unit * size)..<((unit + 1) * size)])
            heatMap(values, tile, x: inner.x + textWidth + unit * pitch, y: detailY + 1, rows: rows - 1,
                    color: input.colors, theme: theme, into: &buffer)
        }
    }

    /// What a buffer holds, in a few words: `buffer, no gradient: 250` for a counter,
    /// `buffer, no gradient: μ=0.013` for a vector.
    static func bufferSummary(_ b: BufferSnapshot) -> String {
        let value = b.values.count == 0 ? "empty" : b.values.count == 1 ? Draw.short(b.values.mean) : "μ=" + Draw.short(b.values.mean)
        return "buffer, no gradient: " + value
    }

    /// The newest `width` values as ▁▂▃▄▅▆▇█ relative to their largest.
    static func sparkline(_ values: [Double], width: Int) -> String {
        let history = Array(values.suffix(max(0, width)))
        let peak = history.filter(\.isFinite).max() ?? 1
        return String(history.map { Draw.spark(peak > 0 ? $0 / peak : 0) })
    }

    /// How a `[C, H, W]` tile is drawn: `scale`×`scale` pixels per half cell (a cell is one ▀
    /// over two half cells), at most 16 cells wide: a 28×28 tile is 14×7 cells, 16×16 is 16×8.
    struct TileLayout: Equatable {
        var channels: Int
        var height: Int
        var width: Int
        var scale: Int
        /// The tile's size in cells.
        var columns: Int
        var rows: Int

        /// nil for a shape that is not `[C, H, W]` (or `[H, W]`) with sizes 1…4096; at most
        /// `maxColumns` cells wide.
        init?(_ shape: [Int], maxColumns: Int = 16) {
            guard shape.allSatisfy({ (1...4096).contains($0) }) else { return nil }
            switch shape.count {
            case 3: (channels, height, width) = (shape[0], shape[1], shape[2])
            case 2: (channels, height, width) = (1, shape[0], shape[1])
            default: return nil
            }
            let most = max(1, maxColumns)
            scale = (width + most - 1) / most
            columns = (width + scale - 1) / scale
            rows = (height + 2 * scale - 1) / (2 * scale)
        }
    }

    /// One unit's gradients (a `tile`-shaped image, channel-first) as a heat map of the mean
    /// over channels: in colour blue negative and red positive, without colour `+*#` positive
    /// and `-=≡` negative by size. `peak` is the size drawn brightest (default: the tile's largest).
    static func heatMap(_ values: [Float], _ tile: TileLayout, x: Int, y: Int, rows: Int, color: Bool, peak shared: Double? = nil,
                        theme: Theme, into buffer: inout Buffer) {
        let peak = max(shared ?? Double(values.lazy.filter(\.isFinite).map { abs($0) }.max() ?? 1), 1e-12)
        let plane = tile.height * tile.width
        /// The mean of the pixels (all channels) under one half cell; 0 past the tile's edge.
        func value(_ column: Int, _ halfRow: Int) -> Double {
            // A coarse scale can leave the last half cells past the edge: they stay 0.
            guard column * tile.scale < tile.width, halfRow * tile.scale < tile.height else { return 0 }
            let xs = (column * tile.scale)..<min(tile.width, (column + 1) * tile.scale)
            let ys = (halfRow * tile.scale)..<min(tile.height, (halfRow + 1) * tile.scale)
            var total: Float = 0
            for c in 0..<tile.channels { for py in ys { for px in xs { total += values[c * plane + py * tile.width + px] } } }
            return Double(total) / Double(tile.channels * xs.count * ys.count)
        }
        /// 0 … 5 for |v| from 0 to the peak (NaN is 0, beyond the peak is 5).
        func level(_ v: Double) -> Int { min(5, max(0, Draw.integer(abs(v / peak) * 5.99))) }
        func shade(_ v: Double) -> TerminalColor {
            v >= 0 ? .index(UInt8(16 + 36 * level(v))) : .index(UInt8(16 + level(v)))
        }
        let positive = Array(" .:+*#"), negative = Array(" .:-=≡")
        for row in 0..<min(tile.rows, rows) {
            for column in 0..<tile.columns {
                let top = value(column, 2 * row), bottom = value(column, 2 * row + 1)
                if color {
                    buffer[x + column, y + row] = Cell("▀", Style(foreground: shade(top), background: shade(bottom)))
                } else {
                    let mean = (top + bottom) / 2
                    buffer[x + column, y + row] = Cell((mean >= 0 ? positive : negative)[level(mean)], theme[.text])
                }
            }
        }
    }
}
