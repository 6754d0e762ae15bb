import Telemetry

/// Boxes drawn over the panels: help, the init menu, the checkpoint list, pressed keys.
enum Overlays {
    /// The centred box of at most `width`×`height` cells in `screen` (a cell of room kept on every side).
    static func box(width: Int, height: Int, in screen: Rect) -> Rect {
        let w = min(width, screen.width - 2), h = min(height, screen.height - 2)
        return Rect(x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
    }

    /// A centred box of `width`×`height` with a title, cleared inside; returns the inner area.
    static func panel(_ title: String, width: Int, height: Int, in screen: Rect, theme: Theme, into buffer: inout Buffer) -> Rect {
        let rect = box(width: width, height: height, in: screen)
        buffer.fill(rect, with: Cell(" ", theme[.overlay]))
        Draw.box(rect, title: title, focused: true, theme: theme, into: &buffer)
        return rect.inset(1)
    }

    /// A menu's title with its keys from the input table: `Load a checkpoint (enter loads, esc cancels)`.
    static func menuTitle(_ name: String, _ scope: InputScope, _ state: DashboardState) -> String {
        let keys = InputTable.hints(in: scope, capabilities: state.capabilities).map { "\($0.hint.keys) \($0.hint.text)" }
        return keys.isEmpty ? name : "\(name) (\(keys.joined(separator: ", ")))"
    }

    /// One line of a help overlay: keys, what they do, how important the line is (0 most).
    struct HelpLine: Equatable {
        var label: String
        var help: String
        var importance: Int
    }

    /// The page keys the source offers, as the input table describes them; on a short screen
    /// the least important lines are left out.
    static func help(_ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let pageLines = state.page.keyScope.map { InputTable.offered(in: $0, capabilities: state.capabilities) } ?? []
        // A general key the page takes for itself (r, s, ←/→ on page 6) does not do its general thing here.
        let pageKeys = pageLines.flatMap { $0.actions.flatMap(\.keys) }
        let general = InputTable.offered(in: .page, capabilities: state.capabilities).filter { binding in
            !binding.actions.flatMap(\.keys).allSatisfy(pageKeys.contains)
        }
        let lines = (pageLines + general).map {
            HelpLine(label: $0.label, help: $0.help, importance: $0.importance)
        }
        help(lines, in: screen, theme: theme, into: &buffer)
    }

    /// A help box of key lines; on a short screen the least important lines are left out.
    static func help(_ lines: [HelpLine], in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        var lines = lines
        let room = max(0, box(width: 80, height: lines.count + 2, in: screen).height - 2)
        while lines.count > room, let drop = lines.indices.filter({ lines[$0].importance > 0 })
            .max(by: { lines[$0].importance <= lines[$1].importance }) {
            lines.remove(at: drop)
        }
        let inner = panel("Keys (any key closes)", width: 80, height: lines.count + 2, in: screen, theme: theme, into: &buffer)
        // The keys' column fits the longest label (`home/end`), with a space before the text.
        let keyWidth = min(16, max(7, lines.map(\.label.count).max() ?? 7))
        for (i, line) in lines.enumerated() where inner.y + i < inner.maxY {
            buffer.put(Draw.fit(line.label, keyWidth), x: inner.x + 1, y: inner.y + i, style: theme[.statusKey])
            buffer.put(Draw.fit(line.help, inner.width - keyWidth - 2), x: inner.x + keyWidth + 2, y: inner.y + i, style: theme[.overlay])
        }
    }

    /// The init menu's box: a target line, a gap, one line per method.
    static func initMenuBox(_ menu: InitMenu, in screen: Rect) -> Rect { box(width: 64, height: menu.choices.count + 4, in: screen) }

    /// What a click at (x, y) hits in the init menu.
    enum InitMenuHit: Equatable {
        case target
        case method(Int)
    }

    static func initMenuHit(_ menu: InitMenu, x: Int, y: Int, in screen: Rect) -> InitMenuHit? {
        let inner = initMenuBox(menu, in: screen).inset(1)
        guard inner.contains(x: x, y: y) else { return nil }
        if y == inner.y { return .target }
        let index = y - inner.y - 2
        return menu.choices.indices.contains(index) ? .method(index) : nil
    }

    static func initMenu(_ menu: InitMenu, _ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let parameters = state.snapshot?.parameters.map(\.name) ?? []
        let rect = initMenuBox(menu, in: screen)
        let inner = panel(menuTitle("Re-initialise", .initMenu, state), width: rect.width, height: rect.height, in: screen, theme: theme, into: &buffer)
        let target = menu.target == 0 || menu.target > parameters.count ? "all parameters" : parameters[menu.target - 1]
        buffer.put("target ◂ \(target) ▸", x: inner.x + 1, y: inner.y, style: theme[.accent])
        for (i, choice) in menu.choices.enumerated() where inner.y + 2 + i < inner.maxY {
            buffer.put(Draw.fit(" \(choice) ", inner.width - 2), x: inner.x + 1, y: inner.y + 2 + i,
                       style: i == menu.method ? theme[.selected] : theme[.overlay])
        }
    }

    /// The checkpoint list's box: up to 14 files.
    static func loadMenuBox(_ menu: LoadMenu, in screen: Rect) -> Rect { box(width: 70, height: min(menu.files.count, 14) + 2, in: screen) }

    /// The first file the list shows: the top, or as far down as keeps the selection in sight.
    static func firstShown(_ menu: LoadMenu, rows: Int) -> Int { max(0, menu.selected - (rows - 1)) }

    /// The file a click at (x, y) hits in the checkpoint list.
    static func loadMenuHit(_ menu: LoadMenu, x: Int, y: Int, in screen: Rect) -> Int? {
        let inner = loadMenuBox(menu, in: screen).inset(1)
        guard inner.contains(x: x, y: y) else { return nil }
        let index = firstShown(menu, rows: inner.height) + y - inner.y
        return menu.files.indices.contains(index) ? index : nil
    }

    static func loadMenu(_ menu: LoadMenu, _ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let rect = loadMenuBox(menu, in: screen)
        let inner = panel(menuTitle("Load a checkpoint", .loadMenu, state), width: rect.width, height: rect.height, in: screen, theme: theme, into: &buffer)
        let first = firstShown(menu, rows: inner.height)
        for (row, i) in (first..<menu.files.count).enumerated() where row < inner.height {
            buffer.put(Draw.fit(" " + menu.labels[i], inner.width - 2), x: inner.x + 1, y: inner.y + row,
                       style: i == menu.selected ? theme[.selected] : theme[.overlay])
        }
    }

    /// The branch menu: where the branch starts, then each change with its key.
    static func branchMenu(_ state: DashboardState, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let choices = InputTable.offered(in: .branchMenu, capabilities: state.capabilities).filter { $0.label != "esc" }
        let snapshot = state.snapshot
        let from = snapshot.flatMap { $0.branches.indices.contains($0.branch) ? $0.branches[$0.branch].name : nil } ?? "A"
        let title = "Branch \(from) at step \(snapshot?.step ?? 0) (esc cancels)"
        let inner = panel(title, width: 76, height: choices.count + 4, in: screen, theme: theme, into: &buffer)
        let now = snapshot.map { "now: \($0.optimizerName) lr \(Draw.number($0.learningRate)), batch size \($0.batchSize)" } ?? "now: no snapshot yet"
        buffer.put(now, x: inner.x + 1, y: inner.y, style: theme[.accent], clip: inner)
        for (i, line) in choices.enumerated() where inner.y + 2 + i < inner.maxY {
            buffer.put(Draw.fit(line.label, 7), x: inner.x + 1, y: inner.y + 2 + i, style: theme[.statusKey])
            buffer.put(Draw.fit(line.help, inner.width - 10), x: inner.x + 9, y: inner.y + 2 + i, style: theme[.overlay])
        }
    }

    /// Recently pressed keys, on the panels' bottom border (where they hide no title or number).
    static func keys(_ keys: [String], in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        guard !keys.isEmpty else { return }
        let text = " keys: " + keys.joined(separator: " ") + " "
        buffer.put(text, x: max(screen.x, screen.maxX - text.count - 1), y: screen.maxY - 1, style: theme[.statusKey])
    }

    /// Every message so far, wrapped to the box's width, the newest at the bottom; `back` lines
    /// scrolled up from there (kept within the log).
    static func messageLog(_ messages: [String], back: Int = 0, in screen: Rect, theme: Theme, into buffer: inout Buffer) {
        let width = max(20, screen.width - 6)
        // Inside the frame a cell of room on either side: the text is four narrower than the box.
        let lines = messages.isEmpty ? ["no messages yet"] : messages.flatMap { wrap("• " + $0, width: width - 4, indent: "  ") }
        let inner = panel("Messages, oldest first (↑↓ pgup/pgdn home scroll, any other key closes)", width: width, height: lines.count + 2,
                          in: screen, theme: theme, into: &buffer)
        let shownBack = min(max(0, back), max(0, lines.count - inner.height))
        let end = lines.count - shownBack
        for (row, line) in lines[max(0, end - inner.height)..<end].enumerated() {
            buffer.put(line, x: inner.x + 1, y: inner.y + row, style: theme[.overlay], clip: inner)
        }
    }

    /// The message log's new scroll position after `key` on a screen `width` wide (kept within
    /// its wrapped lines), nil for a key that closes it.
    static func messageLogScrolled(_ back: Int, by key: Key, messages: [String], width: Int) -> Int? {
        guard let step = messageLogScroll(key) else { return nil }
        let lines = messages.reduce(0) { $0 + wrap("• " + $1, width: max(20, width - 6) - 4, indent: "  ").count }
        return max(0, min(back + step, lines - 1))
    }

    /// How far a key scrolls the message log back (up), nil for a key that closes it.
    static func messageLogScroll(_ key: Key) -> Int? {
        switch key {
        case .up: 1
        case .down: -1
        case .pageUp: 10
        case .pageDown: -10
        case .home: 100_000
        case .end: -100_000
        default: nil
        }
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word is split,
    /// after its first `=` when both parts fit: `NAME=` / `VALUE`, so a value stays whole to copy),
    /// the lines after the first starting with `indent`.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        guard width > indent.count else { return [text] }
        var lines: [String] = [], current = ""
        let room = width - indent.count
        let words = text.split(separator: " ", omittingEmptySubsequences: false).flatMap { word -> [String] in
            guard word.count > room, let equals = word.firstIndex(of: "="), word[word.index(after: equals)...].count <= room,
                  word[...equals].count <= room else { return [String(word)] }
            return [String(word[...equals]), String(word[word.index(after: equals)...])]
        }
        for word in words {
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
