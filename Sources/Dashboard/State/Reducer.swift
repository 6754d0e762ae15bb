import Telemetry

/// Something that happened: a key, new data from the trainer, a resize.
public enum Action: Sendable, Equatable {
    case key(Key)
    case snapshot(TrainingSnapshot)
    case losses([LossPoint])
    case event(TrainerEvent)
    case resize(width: Int, height: Int)
    case checkpoints([String])
    case caption(String?)
    /// The source's capabilities changed (or are first known).
    case capabilities(SourceCapabilities)
    /// The source rewound its loss history (a replay moved back): keep the first `count` points.
    case lossesRewound(count: Int)
    /// A message for the status line (the result of an effect, a warning).
    case message(String)
    /// The app switched to this theme (a warning, if loading it had one).
    case themeChanged(name: String, warning: String?)
    /// Show pressed keys in an overlay (recordings).
    case showKeys(Bool)
}

/// What the app must do for the state: talk to the source, switch theme, list files, quit.
///
/// The app carries an effect out and dispatches what came of it as an action (as bubbletea's
/// Cmd returns a Msg): `changeTheme` → `.themeChanged`, `listCheckpoints` → `.checkpoints`,
/// `writeFrame` → `.message`.
public enum Effect: Sendable, Equatable {
    case send(TrainerCommand)
    case changeTheme(String)
    case listCheckpoints
    case writeFrame
    case quit
}

/// The one place the dashboard's state changes (bubbletea's update): returns the side effects as values.
public func reduce(_ state: inout DashboardState, _ action: Action) -> [Effect] {
    switch action {
    case .snapshot(let snapshot):
        state.snapshot = snapshot
        if state.stepping, snapshot.state != .running, state.message?.hasPrefix("running ") == true {
            // "running 1 step" is over: the status line goes back to the keys (the log keeps it).
            state.message = nil
            state.stepping = false
        }
        if let count = state.snapshot?.parameters.count, count > 0 { state.selectedParameter = min(state.selectedParameter, count - 1) }
        return []
    case .losses(let points):
        state.losses.append(contentsOf: points)
        return []
    case .event(let event):
        switch event {
        case .applied(_, let text): if !text.isEmpty { state.message = text }
        case .refused(_, let reason): state.message = "refused: " + reason
        case .diverged(let step, _): state.message = "diverged at step \(step): paused, parameters restored; lower the learning rate (-) and resume"
        case .saved(let path): state.message = "saved \(path)"
        case .failed(let message): state.message = "failed: " + message
        case .warning(let text): state.message = "warning: " + text
        case .finished: state.message = "finished: r resets, q quits"
        case .epochFinished, .stopped, .reachedStep: break
        }
        return []
    case .resize(let width, let height):
        state.width = width
        state.height = height
        return []
    case .checkpoints(let files):
        if files.isEmpty {
            state.message = "no checkpoints yet: press s to save one"
            state.loadMenu = nil
        } else {
            state.loadMenu = LoadMenu(files: files)
        }
        return []
    case .caption(let text):
        state.caption = text
        return []
    case .capabilities(let capabilities):
        state.capabilities = capabilities
        return []
    case .lossesRewound(let count):
        state.losses.removeLast(max(0, state.losses.count - max(0, count)))
        return []
    case .message(let text):
        state.message = text
        return []
    case .themeChanged(let name, let warning):
        state.themeName = name
        if let warning { state.message = warning }
        return []
    case .showKeys(let on):
        state.showKeys = on
        return []
    case .key(let key):
        if state.showKeys {
            state.shownKeys.append(key.name)
            if state.shownKeys.count > 6 { state.shownKeys.removeFirst() }
        }
        return handle(key, &state)
    }
}

private func handle(_ key: Key, _ state: inout DashboardState) -> [Effect] {
    if state.showHelp || state.showMessages {
        if key == .character("q") { return [.quit] }
        state.showHelp = false
        state.showMessages = false
        return []
    }
    if state.initMenu != nil { return handleInitMenu(key, &state) }
    if state.loadMenu != nil { return handleLoadMenu(key, &state) }
    switch key {
    case .character("q"): return [.quit]
    case .character(" "): return [.send(.togglePause)]
    case .character("n"):
        state.stepping = true
        return [.send(.step(1))]
    case .character("+"), .character("="): return [.send(.scaleLearningRate(2))]
    case .character("-"), .character("_"): return [.send(.scaleLearningRate(0.5))]
    case .character("i"):
        state.initMenu = InitMenu(choices: menuChoices(state.snapshot?.initChoices ?? []), target: 0)
        return []
    case .character("r"): return [.send(.reset)]
    case .character("s"): return [.send(.save(path: nil))]
    case .character("l"): return [.listCheckpoints]
    case .character("?"):
        state.showHelp = true
        return []
    case .character("m"):
        state.showMessages = true
        return []
    case .character("1"): state.page = .main
    case .character("2"): state.page = .confusion
    case .character("a"): state.imageMode = state.imageMode == .blocks ? .ascii : .blocks
    case .character("g"): state.logScale.toggle()
    case .character("["): state.smoothing = max(0, ((state.smoothing - 0.05) * 100).rounded() / 100)
    case .character("]"): state.smoothing = min(0.99, ((state.smoothing + 0.05) * 100).rounded() / 100)
    case .character("t"):
        let names = state.themeNames
        guard !names.isEmpty else { return [] }
        let next = names[((names.firstIndex(of: state.themeName) ?? -1) + 1) % names.count]
        return [.changeTheme(next)]
    case .character("F"), .function(5): return [.writeFrame]
    case .tab: state.focus = Panel(rawValue: (state.focus.rawValue + 1) % Panel.allCases.count)!
    case .backTab: state.focus = Panel(rawValue: (state.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
    case .down, .right: moveParameter(by: 1, &state)
    case .up, .left: moveParameter(by: -1, &state)
    default: break
    }
    return []
}

private func moveParameter(by delta: Int, _ state: inout DashboardState) {
    let count = state.snapshot?.parameters.count ?? 0
    guard count > 0 else { return }
    state.selectedParameter = (state.selectedParameter + delta + count) % count
}

/// The init menu's entries: the notebook's normal_(std=0.01) first after the default, then the rest.
func menuChoices(_ published: [InitChoice]) -> [InitChoice] {
    let notebook = InitChoice(name: "normal_", arguments: [.init("mean", "0.0"), .init("std", "0.01")])
    var choices = published.filter { $0 != notebook }
    choices.insert(notebook, at: min(1, choices.count))
    return choices
}

private func handleInitMenu(_ key: Key, _ state: inout DashboardState) -> [Effect] {
    guard var menu = state.initMenu else { return [] }
    let targets = (state.snapshot?.parameters.count ?? 0) + 1
    switch key {
    case .escape, .character("i"), .character("q"):
        state.initMenu = nil
        return []
    case .up: menu.method = (menu.method + menu.choices.count - 1) % max(menu.choices.count, 1)
    case .down: menu.method = (menu.method + 1) % max(menu.choices.count, 1)
    case .left: menu.target = (menu.target + targets - 1) % targets
    case .right, .tab: menu.target = (menu.target + 1) % targets
    case .enter:
        state.initMenu = nil
        guard menu.choices.indices.contains(menu.method) else { return [] }
        let target = menu.target == 0 ? nil : state.snapshot?.parameters[menu.target - 1].name
        if let target, let index = state.snapshot?.parameters.firstIndex(where: { $0.name == target }) {
            state.selectedParameter = index
        }
        return [.send(.reinitialize(parameter: target, method: menu.choices[menu.method]))]
    default: break
    }
    state.initMenu = menu
    return []
}

private func handleLoadMenu(_ key: Key, _ state: inout DashboardState) -> [Effect] {
    guard var menu = state.loadMenu else { return [] }
    switch key {
    case .escape, .character("l"), .character("q"):
        state.loadMenu = nil
        return []
    case .up: menu.selected = max(0, menu.selected - 1)
    case .down: menu.selected = min(menu.files.count - 1, menu.selected + 1)
    case .enter:
        state.loadMenu = nil
        return [.send(.load(path: menu.files[menu.selected]))]
    default: break
    }
    state.loadMenu = menu
    return []
}
