import Telemetry

/// Page 4: what a convolutional net makes of one batch image. The image and the first
/// convolution's filters on top, then each block's output maps as a grid of tiles, labelled
/// with the layer's name, type and shape. Tiles shrink to fit the screen; the layers that
/// still do not fit are counted in a hint.
enum FeatureMapsView {
    /// What the page draws.
    struct Input: Equatable {
        var maps: FeatureMaps?
        /// The first convolution's weight, when it has filter tiles.
        var filters: ParameterSnapshot?
        var batch: BatchPreview?
        var classNames: [String] = []
        var mode: ModelMode?
        var colors = true
        /// Whether the model has a convolution (a 4-D parameter), with or without filter tiles.
        var convolutional = false
    }

    /// The input for a state.
    static func input(_ state: DashboardState) -> Input {
        let snapshot = state.snapshot
        return Input(maps: snapshot?.featureMaps, filters: snapshot?.parameters.first(where: WeightsPanel.hasFilters),
                     batch: snapshot?.batch, classNames: snapshot?.classNames ?? [], mode: snapshot?.modelMode,
                     colors: state.tilesInColour, convolutional: snapshot?.parameters.contains { $0.shape.count == 4 } ?? false)
    }

    /// The widths (in cells) tried for the larger tiles, largest first, until everything fits.
    static let tileWidths = [16, 14, 10, 7, 5]

    /// One band of the page: a title line and a row of tiles.
    struct Section {
        var title: String
        var tile: GradientsView.TileLayout
        /// Each tile's values (channel-first, the tile's shape).
        var tiles: [ArraySlice<Float>]
        /// Signed values draw as a heat map, others in grey.
        var signed: Bool
        var peak: Double
        /// The whole layer's map count (tiles may show fewer).
        var total: Int
        /// Rows of tiles.
        var rows = 1
        /// Lines the section takes: its title and its rows of tiles.
        var height: Int { 1 + rows * tile.rows }
    }

    static func render(_ input: Input, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        var title = [Draw.Part(text: "Feature maps", priority: 0)]
        let maps = input.maps
        if let maps {
            title.append(Draw.Part(text: "of batch image \(maps.image)\(imageCaption(input, maps.image))", priority: 1))
            title.append(Draw.Part(text: "in eval mode", priority: 3))
        }
        title.append(Draw.Part(text: "(1 back)", priority: 2))
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard inner.width >= 10, inner.height >= 2 else { return }
        guard let maps, !maps.layers.isEmpty else {
            let why = input.convolutional ? "no feature maps: this source does not send them (an older probe, or a recording without them)"
                                          : "no feature maps: the model has no convolutions (try --model cnn)"
            buffer.put(why, x: inner.x + 1, y: inner.y, style: theme[.dim], clip: inner)
            return
        }
        for width in tileWidths {
            var sections = layerSections(maps, tileWidth: width)
            let top = topSection(input, maps: maps, tileWidth: width, width: inner.width)
            let needed = (top.map { 1 + $0.height } ?? 0) + sections.reduce(0) { $0 + $1.height }
            guard needed <= inner.height || width == tileWidths.last else { continue }
            // Lines to spare go to more rows of the maps that did not all fit, first layer first.
            var spare = inner.height - needed
            for i in sections.indices {
                let perRow = max(1, (inner.width + 1) / (sections[i].tile.columns + 1))
                while spare >= sections[i].tile.rows, sections[i].rows * perRow < sections[i].tiles.count {
                    sections[i].rows += 1
                    spare -= sections[i].tile.rows
                }
            }
            var y = inner.y
            if let top {
                top.draw(at: y, in: inner, color: input.colors, theme: theme, into: &buffer)
                y += 1 + top.height
            }
            for (index, section) in sections.enumerated() {
                let left = sections.count - index
                // Keep a line for the hint unless this is the last section.
                guard y + section.height + (left > 1 ? 1 : 0) <= inner.maxY else {
                    let hint = "+\(left) more layer\(left == 1 ? "" : "s"): a taller terminal shows them"
                    buffer.put(Draw.fit(hint, inner.width), x: inner.x, y: min(y, inner.maxY - 1), style: theme[.dim])
                    break
                }
                draw(section, at: y, in: inner, color: input.colors, theme: theme, into: &buffer)
                y += section.height
            }
            return
        }
    }

    /// ` (Trouser)`: the image's true class, when the batch has it.
    static func imageCaption(_ input: Input, _ image: Int) -> String {
        guard let labels = input.batch?.labels, labels.indices.contains(image) else { return "" }
        let label = labels[image]
        return " (" + (input.classNames.indices.contains(label) ? input.classNames[label] : "\(label)") + ")"
    }

    /// A section per layer, its maps drawn at most `tileWidth` cells wide.
    static func layerSections(_ maps: FeatureMaps, tileWidth: Int) -> [Section] {
        maps.layers.compactMap { layer in
            let size = layer.mapSize, count = layer.mapCount
            guard count > 0, let tile = GradientsView.TileLayout([1, layer.shape[1], layer.shape[2]], maxColumns: tileWidth) else { return nil }
            let tiles = (0..<count).map { layer.values[($0 * size)..<(($0 + 1) * size)] }
            let shown = layer.values.prefix(count * size)
            let signed = shown.contains { $0 < 0 }
            return Section(title: "\(layer.name) \(layer.kind) \(WeightsPanel.shapeText(layer.shape))", tile: tile, tiles: tiles,
                           signed: signed, peak: Tiles.peak(shown), total: layer.shape[0])
        }
    }

    /// The top band: the input image, then the first convolution's filters.
    struct TopSection {
        var image: (tile: GradientsView.TileLayout, values: [Float], caption: String)?
        var filters: Section?
        var height: Int { max(image?.tile.rows ?? 0, filters?.tile.rows ?? 0) }

        func draw(at y: Int, in inner: Rect, color: Bool, theme: Theme, into buffer: inout Buffer) {
            var x = inner.x
            if let image {
                buffer.put(Draw.fit(image.caption, image.tile.columns + 2), x: x, y: y, style: theme[.title], clip: inner)
                Tiles.grey(image.values[...], image.tile, x: x, y: y + 1, rows: image.tile.rows, color: color, peak: 1, theme: theme, into: &buffer)
                x += max(image.tile.columns, image.caption.count) + 3
            }
            guard let filters else { return }
            let area = Rect(x: x, y: inner.y, width: inner.maxX - x, height: inner.height)
            FeatureMapsView.draw(filters, at: y, in: area, color: color, theme: theme, into: &buffer)
        }
    }

    static func topSection(_ input: Input, maps: FeatureMaps, tileWidth: Int, width: Int) -> TopSection? {
        var top = TopSection()
        if let batch = input.batch, BatchView.isWhole(batch), maps.image < batch.count,
           let tile = GradientsView.TileLayout([batch.channels, batch.height, batch.width], maxColumns: tileWidth) {
            let size = batch.imageSize
            let values = batch.pixels[(maps.image * size)..<((maps.image + 1) * size)].map { Float($0) / 255 }
            top.image = (tile, values, "input")
        }
        if let weight = input.filters, let tile = GradientsView.TileLayout(weight.tileShape) {
            let size = weight.tileSize
            let count = weight.tiles.count / size
            let tiles = (0..<count).map { weight.tiles[($0 * size)..<(($0 + 1) * size)] }
            top.filters = Section(title: "\(weight.name) filters \(WeightsPanel.shapeText(weight.shape))", tile: tile, tiles: tiles,
                                  signed: true, peak: Tiles.peak(weight.tiles), total: weight.shape.first ?? count)
        }
        return top.image == nil && top.filters == nil ? nil : top
    }

    /// A section's title (with which maps are shown and, for signed ones, the legend) and its tiles.
    static func draw(_ section: Section, at y: Int, in area: Rect, color: Bool, theme: Theme, into buffer: inout Buffer) {
        let pitch = section.tile.columns + 1
        let perRow = max(0, (area.width + 1) / pitch)
        let shown = min(section.tiles.count, perRow * section.rows)
        let which = shown == section.total ? "all \(shown)" : shown == 0 ? "none fit" : "0–\(shown - 1) of \(section.total)"
        var parts = [Draw.Part(text: section.title, priority: 0), Draw.Part(text: which, priority: 1)]
        if section.signed { parts.append(Draw.Part(text: "(\(Tiles.signedLegend(color: color)))", priority: 2)) }
        buffer.put(Draw.line(parts, width: area.width, separator: "  "), x: area.x, y: y, style: theme[.title], clip: area)
        for (index, values) in section.tiles.prefix(shown).enumerated() {
            let x = area.x + index % perRow * pitch, top = y + 1 + index / perRow * section.tile.rows
            if section.signed {
                GradientsView.heatMap(Array(values), section.tile, x: x, y: top, rows: section.tile.rows, color: color, peak: section.peak,
                                      theme: theme, into: &buffer)
            } else {
                Tiles.grey(values, section.tile, x: x, y: top, rows: section.tile.rows, color: color, peak: section.peak, theme: theme, into: &buffer)
            }
        }
    }
}
