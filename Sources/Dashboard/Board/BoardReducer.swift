/// Something that happened to the board: a key, new data, a resize.
public enum BoardAction: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// The log directory as read so far.
    case data(BoardData)
    case progress(BoardProgress)
    /// A message for the status line (a damaged record, the result of an effect).
    case message(String)
    /// The app switched to this theme (a warning, if loading it had one).
    case themeChanged(name: String, warning: String?)
    /// The settings the command line asks for at start.
    case configure(tab: BoardTab, filter: String, smoothing: Double, xAxis: BoardXAxis)
}

/// What the app must do for the board.
public enum BoardEffect: Sendable, Equatable {
    case quit
    case changeTheme(String)
    case writeFrame
}

/// The one place the board's state changes; returns the side effects as values.
public func reduceBoard(_ state: inout BoardState, _ action: BoardAction) -> [BoardEffect] {
    switch action {
    case .key(let key):
        return handleBoardKey(key, &state)
    case .mouse(let event):
        handleBoardMouse(event, &state)
        return []
    case .resize(let width, let height):
        (state.width, state.height) = (width, height)
        return []
    case .data(let data):
        let selected = state.selectedCard
        state.data = data
        // New tags can sort before the selected one: the selection stays on its card.
        if let selected, let index = state.cards(state.tab).firstIndex(of: selected) { state.selection[state.tab] = index }
        return []
    case .progress(let progress):
        state.progress = progress
        return []
    case .message(let text):
        state.message = text
        return []
    case .configure(let tab, let filter, let smoothing, let xAxis):
        state.tab = tab
        state.filter = BoardState.pattern(filter) == nil ? "" : filter
        state.smoothing = min(0.99, max(0, smoothing.isFinite ? smoothing : 0))
        state.xAxis = xAxis
        return []
    case .themeChanged(let name, let warning):
        state.themeName = name
        state.message = warning ?? "theme \(name)"
        return []
    }
}

/// A key: typed into the filter while one is being typed, else through the key table.
private func handleBoardKey(_ key: Key, _ state: inout BoardState) -> [BoardEffect] {
    if state.showMessages, let back = Overlays.messageLogScrolled(state.messagesBack, by: key, messages: state.messages, width: state.width) {
        state.messagesBack = back
        return []
    }
    if state.showHelp || state.showMessages {
        if key == .character("q") { return [.quit] }
        state.showHelp = false
        state.showMessages = false
        return []
    }
    guard BoardLayout(state) != nil else { return key == .character("q") ? [.quit] : [] }
    if let draft = state.filterDraft {
        typeFilter(key, draft: draft, &state)
        return []
    }
    state.message = nil
    guard let intent = BoardKeys.intent(for: key, in: state.tab) else { return [] }
    return apply(intent, &state)
}

/// A key while the filter is typed: characters and backspace edit it (the cards follow as it
/// is typed, staying on the last valid expression), enter keeps it, esc goes back to the filter before.
private func typeFilter(_ key: Key, draft: String, _ state: inout BoardState) {
    defer {
        if let typed = state.filterDraft, typed.isEmpty || BoardState.pattern(typed) != nil { state.lastValidDraft = typed }
    }
    switch key {
    case .character(let c):
        state.filterDraft = draft + String(c)
    case .backspace:
        state.filterDraft = String(draft.dropLast())
    case .escape:
        state.filterDraft = nil
        state.lastValidDraft = nil
        state.message = state.filter.isEmpty ? "no filter" : "filter /\(state.filter)/ kept"
    case .enter:
        guard draft.isEmpty || BoardState.pattern(draft) != nil else {
            state.message = "/\(draft)/ is not a regular expression: fix it or press esc"
            return
        }
        state.filterDraft = nil
        state.lastValidDraft = nil
        state.filter = draft
        state.selection = [:]
        let count = state.cards(state.tab).count
        state.message = draft.isEmpty ? "filter cleared" : "filter /\(draft)/: \(count) chart\(count == 1 ? "" : "s") in \(state.tab.title.lowercased())"
    default:
        break
    }
}

private func apply(_ intent: BoardIntent, _ state: inout BoardState) -> [BoardEffect] {
    switch intent {
    case .quit:
        return [.quit]
    case .tab(let tab):
        state.tab = tab
        state.fullScreen = false
    case .select(let delta):
        moveSelection(by: delta, &state)
    case .selectPage(let delta):
        moveSelection(by: delta * (BoardLayout(state)?.perPage ?? 1), &state)
    case .toggleFullScreen:
        if state.selectedCard != nil { state.fullScreen.toggle() }
    case .back:
        if state.fullScreen {
            state.fullScreen = false
        } else if !state.filter.isEmpty {
            state.filter = ""
            state.message = "filter cleared"
        }
    case .startFilter:
        state.filterDraft = state.filter
        state.lastValidDraft = state.filter
    case .smoothing(let delta):
        // Steps of 0.05 from 0 to 0.99 (TensorBoard's slider ends there), free of drift.
        state.smoothing = min(0.99, max(0, ((state.smoothing + delta) * 100).rounded() / 100))
        state.message = "smoothing \(Draw.fixed(state.smoothing, 2))"
    case .cycleXAxis:
        let all = BoardXAxis.allCases
        state.xAxis = all[(all.firstIndex(of: state.xAxis)! + 1) % all.count]
        state.message = "x axis: " + ["step": "step", "relative": "time since each run's first value", "wall": "wall-clock time"][state.xAxis.rawValue]!
    case .toggleLogScale:
        state.logScale.toggle()
        state.message = state.logScale ? "log-scale y axis" : "linear y axis"
    case .toggleHistogramStyle:
        state.histogramStyle = state.histogramStyle == .ridge ? .heat : .ridge
    case .imageStep(let delta):
        moveImage(&state) { back, _ in back - delta }
    case .imageEnd(let newest):
        moveImage(&state) { _, count in newest ? 0 : count - 1 }
    case .nextTheme:
        guard !state.themeNames.isEmpty else { return [] }
        let index = state.themeNames.firstIndex(of: state.themeName).map { $0 + 1 } ?? 0
        return [.changeTheme(state.themeNames[index % state.themeNames.count])]
    case .toggleImageMode:
        state.imageMode = state.imageMode == .blocks ? .ascii : .blocks
    case .showHelp:
        state.showHelp = true
    case .showMessages:
        state.showMessages = true
        state.messagesBack = 0
    case .writeFrame:
        return [.writeFrame]
    }
    return []
}

/// Moves the selection, kept on the view's cards.
private func moveSelection(by delta: Int, _ state: inout BoardState) {
    let count = state.cards(state.tab).count
    guard count > 0 else { return }
    state.selection[state.tab] = min(count - 1, max(0, state.selectedIndex + delta))
}

/// Sets how far back the selected image card looks: `change(stepsBack, count)` gives the new
/// value, kept between the newest (0) and the oldest.
private func moveImage(_ state: inout BoardState, _ change: (Int, Int) -> Int) {
    guard let card = state.selectedCard, let run = card.run,
          let series = state.data.images[card.tag]?.first(where: { $0.run == run }), !series.items.isEmpty else { return }
    let back = min(series.items.count - 1, max(0, change(state.imageStepsBack[card.key] ?? 0, series.items.count)))
    state.imageStepsBack[card.key] = back
}

/// A click selects the card under it (a second click on it zooms); the wheel moves the selection.
private func handleBoardMouse(_ event: MouseEvent, _ state: inout BoardState) {
    if let step = event.wheelStep {
        moveSelection(by: step, &state)
        return
    }
    guard case .press(.left) = event.kind, let layout = BoardLayout(state),
          let index = layout.card(atX: event.x, y: event.y, state: state) else { return }
    if index == state.selectedIndex { state.fullScreen.toggle() } else { state.selection[state.tab] = index }
}
