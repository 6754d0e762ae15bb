import Telemetry

/// Boxes drawn over the panels: help, the init menu, the checkpoint list, pressed keys.
enum Overlays {
    /// Every key binding, as the help overlay lists them.
    static let bindings: [(String, String)] = [
        ("space", "pause / resume training"), ("n", "one step (while paused)"), ("+ / -", "learning rate ×2 / ÷2"),
        ("i", "re-initialise: pick a method (↑↓) and a target (←→), enter applies"), ("r", "reset the run (new curve segment)"),
        ("s", "save a checkpoint under checkpoints/"), ("l", "load a checkpoint from a list"),
        ("tab", "move the focus between panels"), ("↑ ↓", "select the parameter"), ("1 / 2", "main page / confusion matrix"),
        ("a", "images as ▀ blocks or ASCII"), ("[ / ]", "less / more smoothing of the loss"), ("g", "log-scale loss axis"),
        ("t", "next theme"), ("F", "write the screen as a text frame"), ("m", "the message log (every message in full)"),
        ("?", "this help"), ("q", "quit"),
    ]

    /// A centred box of `width`×`height` with a title, cleared inside; returns the inner area.
    static func panel(_ title: String, width: Int, height: Int, in screen: Rect, theme: Theme, into buffer: inout Buffer) -> Rect {
        let w = min(width, screen.width - 2), h = min(height, screen.height - 2)
        let rect = Rect(x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
        buffer.fill(rect, with: Cell(" ", theme[.overlay]))
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        return rect.inset(1)
    }

    static func help(in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let inner = panel("Keys (any key closes)", width: 80, height: bindings.count + 2, in: screen, theme: theme, into: &buffer)
        for (i, (key, meaning)) in bindings.enumerated() where inner.y + i < inner.maxY {
            buffer.put(Draw.fit(key, 8), x: inner.x + 1, y: inner.y + i, style: theme[.statusKey])
            buffer.put(Draw.fit(meaning, inner.width - 10), x: inner.x + 9, y: inner.y + i, style: theme[.overlay])
        }
    }

    static func initMenu(_ menu: InitMenu, _ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let parameters = state.snapshot?.parameters.map(\.name) ?? []
        let inner = panel("Re-initialise (enter applies, esc cancels)", width: 64, height: menu.choices.count + 4, in: screen, theme: theme, into: &buffer)
        let target = menu.target == 0 ? "all parameters" : parameters[menu.target - 1]
        buffer.put("target ◂ \(target) ▸", x: inner.x + 1, y: inner.y, style: theme[.accent])
        for (i, choice) in menu.choices.enumerated() where inner.y + 2 + i < inner.maxY {
            buffer.put(Draw.fit(" \(choice) ", inner.width - 2), x: inner.x + 1, y: inner.y + 2 + i,
                       style: i == menu.method ? theme[.selected] : theme[.overlay])
        }
    }

    static func loadMenu(_ menu: LoadMenu, _ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let inner = panel("Load a checkpoint (enter loads, esc cancels)", width: 70, height: min(menu.files.count, 14) + 2, in: screen, theme: theme, into: &buffer)
        let first = max(0, menu.selected - (inner.height - 1))
        for (row, i) in (first..<menu.files.count).enumerated() where row < inner.height {
            buffer.put(Draw.fit(" " + menu.labels[i], inner.width - 2), x: inner.x + 1, y: inner.y + row,
                       style: i == menu.selected ? theme[.selected] : theme[.overlay])
        }
    }

    /// Recently pressed keys, on the panels' bottom border (where they hide no title or number).
    static func keys(_ keys: [String], in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        guard !keys.isEmpty else { return }
        let text = " keys: " + keys.joined(separator: " ") + " "
        buffer.put(text, x: max(screen.x, screen.maxX - text.count - 1), y: screen.maxY - 1, style: theme[.statusKey])
    }

    /// Every message so far, wrapped to the box's width, the newest at the bottom.
    static func messageLog(_ messages: [String], in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let width = max(20, screen.width - 6)
        let lines = messages.isEmpty ? ["no messages yet"] : messages.flatMap { wrap("• " + $0, width: width - 2, indent: "  ") }
        let inner = panel("Messages, oldest first (any key closes)", width: width, height: lines.count + 2, in: screen, theme: theme, into: &buffer)
        for (row, line) in lines.suffix(inner.height).enumerated() {
            buffer.put(line, x: inner.x + 1, y: inner.y + row, style: theme[.overlay], clip: inner)
        }
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word is split),
    /// the lines after the first starting with `indent`.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        guard width > indent.count else { return [text] }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            var word = word
            let prefix = current.isEmpty || current == indent ? "" : " "
            if current.count + prefix.count + word.count <= width {
                current += prefix + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = indent
            while current.count + word.count > width {
                let room = width - current.count
                lines.append(current + word.prefix(room))
                word = String(word.dropFirst(room))
                current = indent
            }
            current += word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
