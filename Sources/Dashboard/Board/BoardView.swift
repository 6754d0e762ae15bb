import Foundation

/// Renders `tensortop board`'s screen for a state: pure, so tests draw exactly what the terminal shows.
public enum BoardView {
    public static func render(_ state: BoardState, theme: Theme) -> Buffer {
        var buffer = Buffer(width: state.width, height: state.height)
        buffer.fill(buffer.area, with: Cell(" ", theme[.text]))
        guard let layout = BoardLayout(state) else {
            DashboardView.drawTooSmall(theme: theme, into: &buffer)
            return buffer
        }
        header(state, in: layout.header, theme: theme, into: &buffer)
        let cards = state.cards(state.tab)
        if cards.isEmpty {
            empty(state, in: layout.area, theme: theme, into: &buffer)
        } else {
            let first = layout.firstShown(selected: state.selectedIndex)
            for slot in 0..<layout.perPage where first + slot < cards.count {
                let card = cards[first + slot], rect = layout.rect(ofSlot: slot)
                let focused = first + slot == state.selectedIndex
                switch state.tab {
                case .scalars: ScalarCard.render(card, state, in: rect, focused: focused, theme: theme, into: &buffer)
                case .histograms: HistogramCard.render(card, state, in: rect, focused: focused, theme: theme, into: &buffer)
                case .images: ImageCard.render(card, state, in: rect, focused: focused, theme: theme, into: &buffer)
                }
            }
        }
        statusBar(state, in: layout.status, theme: theme, into: &buffer)
        let screen = layout.area
        if state.showHelp {
            let lines = BoardKeys.offered(in: state.tab).map { Overlays.HelpLine(label: $0.label, help: $0.help, importance: $0.importance) }
            Overlays.help(lines, in: screen, theme: theme, into: &buffer)
        }
        if state.showMessages { Overlays.messageLog(state.messages, back: state.messagesBack, in: screen, theme: theme, into: &buffer) }
        return buffer
    }

    /// The top line: the views with their chart counts (the current one highlighted), the
    /// filter (or the one being typed), and which charts of how many are on screen.
    static func header(_ state: BoardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        var x = rect.x
        for tab in BoardTab.allCases {
            let text = " \(tab.rawValue + 1) \(tab.title) \(state.cards(tab).count) "
            x = buffer.put(text, x: x, y: rect.y, style: tab == state.tab ? theme[.selected] : theme[.title], clip: rect) + 1
        }
        let filter: (text: String, style: Style)
        if let draft = state.filterDraft {
            let valid = draft.isEmpty || BoardState.pattern(draft) != nil
            filter = ("/\(draft)▏" + (valid ? "" : " not a regular expression"), valid ? theme[.accent] : theme[.alarm])
        } else if !state.filter.isEmpty {
            filter = ("filter /\(state.filter)/", theme[.accent])
        } else {
            filter = ("", theme[.dim])
        }
        let count = state.cards(state.tab).count
        var where_ = ""
        if let layout = BoardLayout(state), count > 0 {
            let first = layout.firstShown(selected: state.selectedIndex)
            let last = min(count, first + layout.perPage)
            where_ = state.fullScreen ? "chart \(state.selectedIndex + 1) of \(count)" : "charts \(first + 1)–\(last) of \(count)"
            if count == 1 && !state.fullScreen { where_ = "1 chart" }
        }
        let room = rect.maxX - x - 1
        let right = Draw.line([Draw.Part(text: filter.text, priority: 0), Draw.Part(text: where_, priority: 1)].filter { !$0.text.isEmpty },
                              width: room, separator: "  ")
        guard !right.isEmpty else { return }
        let start = rect.maxX - 1 - right.count
        if !filter.text.isEmpty && right.hasPrefix(filter.text) {
            buffer.put(filter.text, x: start, y: rect.y, style: filter.style, clip: rect)
            buffer.put(String(right.dropFirst(filter.text.count)), x: start + filter.text.count, y: rect.y, style: theme[.dim], clip: rect)
        } else {
            buffer.put(right, x: start, y: rect.y, style: theme[.dim], clip: rect)
        }
    }

    /// What the grid says when it has no card: reading, no event files yet, or nothing passes the filter.
    static func empty(_ state: BoardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let noun = ["scalar", "histogram", "image"][state.tab.rawValue]
        let text: String
        if state.data.runs.isEmpty {
            text = state.progress.unreadBytes > 0 ? "reading the event files…"
                : "no event files in \(state.progress.folder) yet (events.out.tfevents.*): waiting for a run to write some; q quits"
        } else if !state.activeFilter.isEmpty {
            text = "no \(noun) tag matches /\(state.activeFilter)/ " + (state.filterDraft == nil ? "(esc clears the filter)" : "(esc: back to the filter before)")
        } else {
            text = "no \(noun) tags in \(state.data.runs.count) run\(state.data.runs.count == 1 ? "" : "s")"
                + (state.progress.unreadBytes > 0 ? " yet (still reading)" : "") + "; 1/2/3 switch views"
        }
        let lines = Overlays.wrap(text, width: rect.width - 4, indent: "")
        for (row, line) in lines.enumerated() {
            buffer.put(line, x: rect.x + max(0, (rect.width - line.count) / 2), y: rect.y + rect.height / 2 - lines.count / 2 + row,
                       style: theme[.dim], clip: rect)
        }
    }

    /// The status bar: the folder, runs, reading progress or following, damage found, the
    /// smoothing and axis; then the last message or the keys.
    static func statusBar(_ state: BoardState, in rect: Rect, theme: Theme, into buffer: inout Buffer) {
        let status = theme[.status]
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), with: Cell(" ", status))
        let badge = " BOARD "
        buffer.put(badge, x: rect.x, y: rect.y, style: theme[.statusKey], clip: rect)
        let progress = state.progress
        var parts = [Draw.Part(text: progress.folder, priority: 0, style: status),
                     Draw.Part(text: "\(state.data.runs.count) run\(state.data.runs.count == 1 ? "" : "s")", priority: 1, style: status)]
        if progress.unreadBytes > 0 {
            let total = progress.bytesRead + progress.unreadBytes
            let percent = Draw.integer(Double(progress.bytesRead) * 100 / Double(max(1, total)))
            parts.append(Draw.Part(text: "reading \(percent)% of \(byteText(total))", priority: 0, style: theme[.statusKey]))
        } else if progress.following {
            parts.append(Draw.Part(text: "following", priority: 2, style: status))
        }
        if progress.problems > 0 {
            parts.append(Draw.Part(text: "\(progress.problems) damaged place\(progress.problems == 1 ? "" : "s") skipped (m)", priority: 1,
                                   style: theme[.alarm]))
        }
        if progress.unfinishedFiles > 0 {
            parts.append(Draw.Part(text: "\(progress.unfinishedFiles) file\(progress.unfinishedFiles == 1 ? " ends" : "s end") mid-record (m)",
                                   priority: 1, style: theme[.warn]))
        }
        if state.tab == .scalars {
            parts.append(Draw.Part(text: "smoothing \(Draw.fixed(state.smoothing, 2))", priority: 3, style: status))
            parts.append(Draw.Part(text: "x: \(state.xAxis.rawValue)", priority: 4, style: status))
        }
        if state.tab == .histograms { parts.append(Draw.Part(text: "\(state.histogramStyle.rawValue)", priority: 4, style: status)) }
        parts.append(Draw.Part(text: "theme \(state.themeName)", priority: 6, style: status))
        let (kept, separator) = Draw.arrange(parts, width: rect.width - badge.count - 2, separator: "  ")
        var x = rect.x + badge.count + 1
        for (i, part) in kept.enumerated() {
            if i > 0 { x = buffer.put(separator, x: x, y: rect.y, style: status, clip: rect) }
            x = buffer.put(part.text, x: x, y: rect.y, style: part.style, clip: rect)
        }
        let typing = state.filterDraft != nil ? "type a regular expression: enter keeps it, esc cancels" : nil
        StatusBar.keys(message: typing ?? state.message, hints: BoardKeys.hints(in: state.tab), in: rect, theme: theme, into: &buffer)
    }

    /// A byte count in words: `812 KB`, `1.0 GB`.
    static func byteText(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return "\(Draw.fixed(value / 1e9, 1)) GB" }
        if value >= 1e6 { return "\(Draw.integer((value / 1e6).rounded())) MB" }
        return "\(Draw.integer((value / 1e3).rounded())) KB"
    }
}
