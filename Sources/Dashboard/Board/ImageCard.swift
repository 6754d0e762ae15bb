/// One run's image tag at a chosen logged step (←/→ older and newer), drawn as the batch panel
/// draws images, scaled to fit with its proportions kept.
enum ImageCard {
    /// The size in cells of a `width`×`height` image fitted into `room` (two pixel rows a cell),
    /// at most four times its own size.
    static func fit(width: Int, height: Int, in room: Rect) -> (columns: Int, rows: Int) {
        guard width > 0, height > 0, room.width > 0, room.height > 0 else { return (0, 0) }
        let scale = min(4, Double(room.width) / Double(width), Double(room.height) * 2 / Double(height))
        return (max(1, min(room.width, Draw.integer(Double(width) * scale))), max(1, min(room.height, Draw.integer(Double(height) * scale / 2))))
    }

    static func render(_ card: BoardCard, _ state: BoardState, in rect: Rect, focused: Bool, theme: Theme, into buffer: inout Buffer) {
        let run = card.run ?? ""
        let items = state.data.images[card.tag]?.first { $0.run == run }?.items ?? []
        Draw.box(rect, title: [Draw.Part(text: card.tag, priority: 0), Draw.Part(text: run, priority: 1)],
                 focused: focused, theme: theme, into: &buffer)
        let inner = rect.inset(1)
        guard !items.isEmpty, inner.height > 1 else { return }
        let index = items.count - 1 - min(items.count - 1, max(0, state.imageStepsBack[card.key] ?? 0))
        let picture = items[index]
        var parts = [Draw.Part(text: "step \(picture.step)", priority: 0, style: theme[.text]),
                     Draw.Part(text: "\(index + 1) of \(items.count)", priority: 1, style: theme[.dim])]
        if let image = picture.image { parts.append(Draw.Part(text: "\(image.width)×\(image.height)", priority: 2, style: theme[.dim])) }
        if focused && items.count > 1 { parts.append(Draw.Part(text: "←/→", priority: 3, style: theme[.dim])) }
        buffer.put(Draw.line(parts, width: inner.width - 2), x: inner.x + 1, y: inner.y, style: theme[.text], clip: inner)
        let room = Rect(x: inner.x + 1, y: inner.y + 1, width: inner.width - 2, height: inner.height - 1)
        guard let image = picture.image, BatchView.isWhole(image) else {
            buffer.put(picture.problem ?? "this image cannot be shown", x: room.x, y: room.y, style: theme[.alarm], clip: room)
            return
        }
        let size = fit(width: image.width, height: image.height, in: room)
        BatchView.drawImage(image, 0, x: room.x + (room.width - size.columns) / 2, y: room.y, columns: size.columns, rows: size.rows,
                            mode: state.imageMode, theme: theme, into: &buffer)
    }
}
