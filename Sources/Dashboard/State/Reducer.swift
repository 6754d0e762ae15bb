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
    /// A click or a turn of the mouse wheel.
    case mouse(MouseEvent)
    /// The preferences read at start and the file's warning, if any, for the status line.
    /// Smoothing and log scale take effect; the speed limit is sent to a live source that has
    /// one (dispatch `.capabilities` first). The theme is only kept (for the next save): the app
    /// picks the starting theme (`--theme`, else the preference, else the default).
    case applyPreferences(Preferences, warning: String? = nil)
    /// The stepper session's graph as it stands now.
    case autograd(AutogradView)
    /// A typed program that cannot be evaluated: why (the draft stays for fixing).
    case autogradProblem(String)
    /// The reduction explorer's values for the current batch.
    case reductions(ReductionView)
    /// Why the reduction explorer cannot show the current batch.
    case reductionProblem(String)
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
    /// A preference changed: write them all (the preferences file).
    case savePreferences(Preferences)
    case quit
    /// Something for the autograd stepper's session.
    case autograd(AutogradCommand)
    /// The reduction explorer's values for a batch, computed by the engine.
    case reductions(ReductionRequest)
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
        return state.page == .reductions ? reductionRequest(state) : []
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
        case .notice(let text):
            state.message = text
            state.notice = text
        case .finished:
            // A branched run has other branches that may still train.
            let others = (state.snapshot?.branches.count ?? 0) > 1 && state.capabilities.contains(.branch) ? ", B switches branch" : ""
            state.message = state.capabilities.contains(.reset) ? "finished: r resets\(others), q quits" : "finished: q quits"
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
        if !capabilities.contains(.stopRun) { state.stopArmed = false }  // the run to stop is gone
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
    case .mouse(let event):
        return handle(event, &state)
    case .autograd(let view):
        if state.autograd.view?.program != view.program {
            // Another program: the choices start again.
            state.autograd.scroll = 0
            state.autograd.seed = 0
            state.autograd.draft = nil
        }
        if state.autograd.draft == view.program { state.autograd.draft = nil }
        state.autograd.view = view
        state.autograd.seed = min(state.autograd.seed, max(0, view.seeds.count - 1))
        return []
    case .autogradProblem(let text):
        state.message = "cannot evaluate: \(text)"
        return []
    case .reductions(let view):
        state.reductions.view = view
        state.reductions.settings = view.settings
        state.reductions.problem = nil
        return []
    case .reductionProblem(let text):
        state.reductions.view = nil
        state.reductions.problem = text
        return []
    case .applyPreferences(let preferences, let warning):
        state.preferences = preferences
        if let warning { state.message = warning }
        guard let speed = preferences.speedLimit, state.capabilities.contains(.speed), !state.capabilities.contains(.timeline) else { return [] }
        return [.send(.setSpeed(stepsPerSecond: speed))]
    }
}

/// A key through the input table: what it means where the user is, if the source can do it.
private func handle(_ key: Key, _ state: inout DashboardState) -> [Effect] {
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
    // Too small a terminal shows no panels: keys would act unseen, so only q (quit) works.
    guard Layout(state) != nil else { return key == .character("q") ? [.quit] : [] }
    if state.page == .autograd, let draft = state.autograd.draft { return typeProgram(key, draft: draft, &state) }
    let scope: InputScope = state.initMenu != nil ? .initMenu : state.loadMenu != nil ? .loadMenu : state.branchMenu ? .branchMenu : .page
    var lookup = InputTable.lookup(key, in: scope, capabilities: state.capabilities)
    if scope == .page, let pageScope = state.page.keyScope {
        switch InputTable.lookup(key, in: pageScope, capabilities: state.capabilities) {
        case .intent(let intent): lookup = .intent(intent)
        // A page key the source cannot serve says why, unless the key means something else too.
        case .unavailable(let missing) where lookup == .unbound: lookup = .unavailable(missing: missing)
        default: break
        }
    }
    if state.stopArmed {
        // The key after X answers the question: X stops, any other key only cancels.
        state.stopArmed = false
        if lookup == .intent(.stopRun) {
            state.message = "stopping the run"
            return [.send(.stop)]
        }
        state.message = "the run goes on"
        return []
    }
    switch lookup {
    case .intent(let intent): return perform(intent, &state)
    case .unavailable(let missing):
        state.message = InputTable.refusal(missing: missing, capabilities: state.capabilities)
        return []
    case .unbound: return []
    }
}

/// Carries out what a key or a click asked for.
private func perform(_ intent: Intent, _ state: inout DashboardState) -> [Effect] {
    switch intent {
    case .quit: return [.quit]
    case .send(let command): return [.send(command)]
    case .stepOnce:
        state.stepping = true
        return [.send(.step(1))]
    case .stopRun:
        state.stopArmed = true
        state.message = "X again stops the run; any other key lets it go on"
    case .playPause: return [.send(.togglePause)]
    case .slower, .faster:
        let current = state.snapshot?.speedLimit
        let speed = intent == .faster ? SpeedText.faster(than: current) : SpeedText.slower(than: current)
        // A replay's play speed is not the live trainer's limit: only the latter is remembered.
        guard !state.capabilities.contains(.timeline) else { return [.send(.setSpeed(stepsPerSecond: speed))] }
        state.preferences.speedLimit = speed
        return [.send(.setSpeed(stepsPerSecond: speed)), .savePreferences(state.preferences)]
    case .openInitMenu: state.initMenu = InitMenu(choices: menuChoices(state.snapshot?.initChoices ?? []), target: 0)
    case .openLoadMenu: return [.listCheckpoints]
    case .showHelp: state.showHelp = true
    case .showMessages:
        state.showMessages = true
        state.messagesBack = 0
    case .page(let page):
        state.page = page
        if page == .autograd && state.autograd.view == nil { return [.autograd(.preset(state.autograd.preset))] }
        if page == .reductions { return reductionRequest(state) }
    case .autograd(let intent): return performAutograd(intent, &state)
    case .reductions(let intent): return performReductions(intent, &state)
    case .toggleImageMode: state.imageMode = state.imageMode == .blocks ? .ascii : .blocks
    case .toggleLogScale:
        state.logScale.toggle()
        return [.savePreferences(state.preferences)]
    case .smoothing(let change):
        state.smoothing = min(Preferences.maximumSmoothing, max(0, ((state.smoothing + change) * 100).rounded() / 100))
        return [.savePreferences(state.preferences)]
    case .cycleLossWindow:
        let cycle = LossWindow.cycle
        state.lossWindow = cycle[((cycle.firstIndex(of: state.lossWindow) ?? -1) + 1) % cycle.count]
    case .nextTheme:
        let names = state.themeNames
        guard !names.isEmpty else { return [] }
        let next = names[((names.firstIndex(of: state.themeName) ?? -1) + 1) % names.count]
        state.preferences.theme = next
        return [.changeTheme(next), .savePreferences(state.preferences)]
    case .writeFrame: return [.writeFrame]
    case .focus(let change):
        let count = Panel.allCases.count
        state.focus = Panel(rawValue: ((state.focus.rawValue + change) % count + count) % count) ?? .loss
    case .moveParameter(let change): moveParameter(by: change, &state)
    case .closeMenu:
        state.initMenu = nil
        state.loadMenu = nil
        state.branchMenu = false
    case .openBranchMenu: state.branchMenu = true
    case .branchFromCheckpoint:
        guard let menu = state.loadMenu else { return [] }
        state.loadMenu = nil
        guard menu.files.indices.contains(menu.selected) else { return [] }
        return [.send(.branch(.checkpoint(path: menu.files[menu.selected])))]
    case .branchWith(let choice):
        state.branchMenu = false
        return [.send(.branch(branchChange(choice, state.snapshot)))]
    case .menuSelect(let change): moveMenuSelection(by: change, &state)
    case .menuTarget(let change):
        guard var menu = state.initMenu else { return [] }
        let targets = (state.snapshot?.parameters.count ?? 0) + 1
        menu.target = ((menu.target + change) % targets + targets) % targets
        state.initMenu = menu
    case .menuApply: return applyMenu(&state)
    }
    return []
}

private func moveParameter(by delta: Int, _ state: inout DashboardState) {
    let count = state.snapshot?.parameters.count ?? 0
    guard count > 0 else { return }
    state.selectedParameter = ((state.selectedParameter + delta) % count + count) % count
}

/// The init menu's method (wrapping) or the checkpoint list's file (stopping at the ends).
private func moveMenuSelection(by delta: Int, _ state: inout DashboardState) {
    if var menu = state.initMenu, !menu.choices.isEmpty {
        let count = menu.choices.count
        menu.method = ((menu.method + delta) % count + count) % count
        state.initMenu = menu
    } else if var menu = state.loadMenu, !menu.files.isEmpty {
        menu.selected = min(menu.files.count - 1, max(0, menu.selected + delta))
        state.loadMenu = menu
    }
}

/// Enter in a menu: re-initialise with the chosen method and target, or load the chosen file.
private func applyMenu(_ state: inout DashboardState) -> [Effect] {
    if let menu = state.initMenu {
        state.initMenu = nil
        guard menu.choices.indices.contains(menu.method) else { return [] }
        let parameters = state.snapshot?.parameters ?? []
        let target = parameters.indices.contains(menu.target - 1) ? parameters[menu.target - 1].name : nil
        if let target, let index = parameters.firstIndex(where: { $0.name == target }) { state.selectedParameter = index }
        return [.send(.reinitialize(parameter: target, method: menu.choices[menu.method]))]
    }
    if let menu = state.loadMenu {
        state.loadMenu = nil
        guard menu.files.indices.contains(menu.selected) else { return [] }
        return [.send(.load(path: menu.files[menu.selected]))]
    }
    return []
}

/// A click or the wheel: overlays close on a click, menus pick what is clicked and scroll with
/// the wheel; on the main page a click focuses the panel under it (and in the gradient table
/// selects the row's parameter); the wheel moves a replay's timeline, or else (and always over
/// the gradient table) the selected parameter.
private func handle(_ event: MouseEvent, _ state: inout DashboardState) -> [Effect] {
    if state.showHelp || state.showMessages {
        if case .press = event.kind {
            state.showHelp = false
            state.showMessages = false
        }
        return []
    }
    guard let layout = Layout(state) else { return [] }
    if let menu = state.initMenu {
        if let step = event.wheelStep { return perform(.menuSelect(step), &state) }
        switch Overlays.initMenuHit(menu, x: event.x, y: event.y, in: layout.screen) {
        case .target: return perform(.menuTarget(1), &state)
        case .method(let index): state.initMenu?.method = index
        case nil: break
        }
        return []
    }
    if let menu = state.loadMenu {
        if let step = event.wheelStep { return perform(.menuSelect(step), &state) }
        if let index = Overlays.loadMenuHit(menu, x: event.x, y: event.y, in: layout.screen) { state.loadMenu?.selected = index }
        return []
    }
    let panel = layout.panel(atX: event.x, y: event.y)
    if let step = event.wheelStep {
        if state.capabilities.contains(.timeline), panel != .gradients { return perform(.send(.seek(.by(step))), &state) }
        return perform(.moveParameter(step), &state)
    }
    guard event.kind == .press(.left), let panel else { return [] }
    state.focus = panel
    if panel == .gradients, let parameters = state.snapshot?.parameters,
       let index = GradientsView.parameter(atLine: event.y, in: layout.rect(of: .gradients), parameters: parameters,
                                           buffers: state.snapshot?.buffers ?? [], selected: state.selectedParameter) {
        state.selectedParameter = index
    }
    return []
}

/// The init menu's entries: the notebook's normal_(std=0.01) first after the default, then the rest.
func menuChoices(_ published: [InitChoice]) -> [InitChoice] {
    let notebook = InitChoice(name: "normal_", arguments: [.init("mean", "0.0"), .init("std", "0.01")])
    var choices = published.filter { $0 != notebook }
    choices.insert(notebook, at: min(1, choices.count))
    return choices
}

/// A key on the stepper page: what it asks of the session, or of the page's choices.
private func performAutograd(_ intent: AutogradIntent, _ state: inout DashboardState) -> [Effect] {
    var page = state.autograd
    defer { state.autograd = page }
    switch intent {
    case .step: return [.autograd(.step)]
    case .finish: return [.autograd(.finish)]
    case .begin: return [.autograd(.begin(seed: page.seed, retainGraph: page.retainGraph))]
    case .toggleRetain: page.retainGraph.toggle()
    case .nextSeed:
        let count = max(1, page.view?.seeds.count ?? 1)
        page.seed = (page.seed + 1) % count
    case .preset(let change):
        page.preset += change
        return [.autograd(.preset(page.preset))]
    case .type: page.draft = ""
    case .scroll(let change): page.scroll = max(0, min(max(0, (page.view?.rows.count ?? 1) - 1), page.scroll + change))
    case .model:
        guard let snapshot = state.snapshot, let batch = snapshot.batch, batch.count > 0 else {
            state.message = "no batch yet: the model's graph needs a batch image"
            return []
        }
        let sample = min(max(0, state.reductions.settings.selected), batch.count - 1)
        return [.autograd(.model(batch: batch, sample: sample, classNames: snapshot.classNames))]
    }
    return []
}

/// A key while a program is typed: characters and backspace edit it, enter evaluates it (the
/// draft stays until the session takes it), esc cancels.
private func typeProgram(_ key: Key, draft: String, _ state: inout DashboardState) -> [Effect] {
    switch key {
    case .character(let c): state.autograd.draft = draft + String(c)
    case .backspace: state.autograd.draft = String(draft.dropLast())
    case .escape: state.autograd.draft = nil
    case .enter: return [.autograd(.program(draft))]
    default: break
    }
    return []
}

/// The change a branch-menu choice makes from what the snapshot shows.
func branchChange(_ choice: BranchMenuChoice, _ snapshot: TrainingSnapshot?) -> BranchChange {
    switch choice {
    case .sameSettings: return .none
    case .learningRate(let factor): return .scaleLearningRate(factor)
    case .nextOptimizer:
        let names = ["SGD", "Adam", "AdamW"]
        let current = names.firstIndex(of: snapshot?.optimizerName ?? "") ?? names.count - 1
        return .optimizer(names[(current + 1) % names.count].lowercased())
    case .batchSize(let factor):
        let size = Double(max(1, snapshot?.batchSize ?? 1)) * factor
        return .batchSize(size >= Double(Int.max) ? Int.max : max(1, Int(size)))
    }
}
