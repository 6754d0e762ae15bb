import Telemetry

/// What a key (or a click) asks of the dashboard; `reduce` carries it out.
public enum Intent: Sendable, Equatable {
    case quit
    /// A command for the source, as it is.
    case send(TrainerCommand)
    /// One training step (the status line says so until the step is done).
    case stepOnce
    /// End the attached run: the first press asks, a second one stops it.
    case stopRun
    /// Play or pause a replay.
    case playPause
    case slower, faster
    case openInitMenu, openLoadMenu
    case showHelp, showMessages
    case page(Page)
    case toggleImageMode, toggleLogScale
    /// Smoothing up or down by this much.
    case smoothing(Double)
    case cycleLossWindow
    case nextTheme
    case writeFrame
    /// The focus this many panels on (negative: back).
    case focus(Int)
    /// The selected parameter this many on (negative: back), wrapping.
    case moveParameter(Int)
    // In a menu:
    case closeMenu
    /// The menu's selection this many entries on.
    case menuSelect(Int)
    /// The init menu's target this many on.
    case menuTarget(Int)
    case menuApply
    /// A key of the autograd stepper page.
    case autograd(AutogradIntent)
    /// A key of the reduction explorer page.
    case reductions(ReductionIntent)
    /// Open the branch menu (what the new branch changes).
    case openBranchMenu
    /// Branch the run with this change (in the branch menu).
    case branchWith(BranchMenuChoice)
    /// Branch the run with the weights of the checkpoint chosen in the load menu.
    case branchFromCheckpoint

    /// What the source must be able to do for this to mean anything.
    public var needs: SourceCapabilities {
        switch self {
        case .send(let command): SourceCapabilities.needed(for: command) ?? []
        case .stepOnce: .step
        case .stopRun: .stopRun
        case .playPause: .timeline
        case .slower, .faster: .speed
        case .openInitMenu: .reinitialize
        case .openLoadMenu: .load
        case .openBranchMenu, .branchWith, .branchFromCheckpoint: .branch
        case .autograd(.model): .modelCopy
        case .toggleImageMode: .batchImages
        default: []
        }
    }
}

/// Where a binding applies: on the pages, or in one of the menus.
public enum InputScope: Sendable, Equatable {
    case page, initMenu, loadMenu, branchMenu
    /// The autograd stepper page's own keys (the page keys apply there too, after these).
    case autograd
    /// The reduction explorer page's own keys (the page keys apply there too, after these).
    case reductions
}

/// A status-bar hint: the keys as written there, a word, and (beyond the binding's own
/// needs) what the source must have for the hint to be shown.
public struct KeyHint: Sendable, Equatable {
    public var keys: String
    public var text: String
    public var onlyWith: SourceCapabilities

    public init(_ keys: String, _ text: String, onlyWith: SourceCapabilities = []) {
        self.keys = keys
        self.text = text
        self.onlyWith = onlyWith
    }
}

/// One line of the input table: keys and what each does, how help and the status bar
/// describe them, where they apply.
public struct KeyBinding: Sendable, Equatable {
    /// Each key's intent (`+` doubles the learning rate, `-` halves it: one line of help).
    public var actions: [KeyAction]
    /// The keys as the help overlay writes them (`+ / -`).
    public var label: String
    /// The help overlay's text (or, in a menu, what the keys do there).
    public var help: String
    public var hint: KeyHint?
    /// How important the line is, 0 most: the status bar and the help leave out the least important first.
    public var importance: Int
    public var scope: InputScope

    /// What the source must be able to do for the keys to be offered.
    public var needs: SourceCapabilities { actions.reduce([]) { $0.union($1.intent.needs) } }

    /// The intent of `key` in this binding, if it has the key.
    public func intent(for key: Key) -> Intent? { actions.first { $0.keys.contains(key) }?.intent }

    /// Whether a source that can do `capabilities` offers this binding.
    public func isOffered(by capabilities: SourceCapabilities) -> Bool { capabilities.isSuperset(of: needs) }
}

/// Keys and the intent they have in a binding.
public struct KeyAction: Sendable, Equatable {
    public var keys: [Key]
    public var intent: Intent
}

/// The one table of key bindings: the reducer, the help overlay, the status-bar hints and the
/// menu titles all read it, each filtered by what the source can do.
public enum InputTable {
    private static func line(_ label: String, _ help: String, hint: KeyHint? = nil, importance: Int, scope: InputScope = .page,
                             _ actions: (keys: [Key], intent: Intent)...) -> KeyBinding {
        KeyBinding(actions: actions.map { KeyAction(keys: $0.keys, intent: $0.intent) }, label: label, help: help, hint: hint,
                   importance: importance, scope: scope)
    }

    private static func char(_ characters: Character...) -> [Key] { characters.map { .character($0) } }

    /// Every binding, in the order help and hints list them; the first binding that has a key,
    /// applies in the scope and is offered by the source wins.
    public static let bindings: [KeyBinding] = [
        line("space", "pause / resume training", hint: KeyHint("␣", "pause"), importance: 1, (char(" "), .send(.togglePause))),
        line("space", "play / pause the replay", hint: KeyHint("␣", "play"), importance: 1, (char(" "), .playPause)),
        line("n", "one step (while paused)", hint: KeyHint("n", "step"), importance: 2, (char("n"), .stepOnce)),
        line("+ / -", "learning rate ×2 / ÷2", hint: KeyHint("+/-", "lr"), importance: 2,
             (char("+", "="), .send(.scaleLearningRate(2))), (char("-", "_"), .send(.scaleLearningRate(0.5)))),
        line("← / →", "one snapshot back / on", hint: KeyHint("←/→", "seek"), importance: 2,
             ([.left], .send(.seek(.by(-1)))), ([.right], .send(.seek(.by(1))))),
        line("home/end", "the first / last snapshot", importance: 3,
             ([.home], .send(.seek(.first))), ([.end], .send(.seek(.last)))),
        line("pgup/dn", "ten snapshots back / on", importance: 6,
             ([.pageUp], .send(.seek(.by(-10)))), ([.pageDown], .send(.seek(.by(10))))),
        line("< / >", "slower / faster: steps per second from 1 up to unlimited", hint: KeyHint("</>", "speed", onlyWith: .timeline),
             importance: 2, (char("<"), .slower), (char(">"), .faster)),
        line("i", "re-initialise: pick a method (↑↓) and a target (←→), enter applies", hint: KeyHint("i", "init"), importance: 3,
             (char("i"), .openInitMenu)),
        line("r", "reset the run (new curve segment)", hint: KeyHint("r", "reset"), importance: 3, (char("r"), .send(.reset))),
        line("s", "save a checkpoint under checkpoints/", hint: KeyHint("s", "save"), importance: 3, (char("s"), .send(.save(path: nil)))),
        line("X", "stop the attached run (press it twice)", hint: KeyHint("X", "stop"), importance: 4,
             (char("X"), .stopRun)),
        line("l", "load a checkpoint from a list", hint: KeyHint("l", "load"), importance: 4, (char("l"), .openLoadMenu)),
        line("b", "branch the run here: a copy trains on with one change (a menu)", hint: KeyHint("b", "branch"),
             importance: 4, (char("b"), .openBranchMenu)),
        line("B", "switch the branch that trains (the other waits where it is)", importance: 4, (char("B"), .send(.switchBranch(nil)))),
        line("tab", "move the focus between panels", hint: KeyHint("tab", "focus"), importance: 4, ([.tab], .focus(1)), ([.backTab], .focus(-1))),
        line("↑ ↓", "select the parameter", importance: 4, ([.down, .right], .moveParameter(1)), ([.up, .left], .moveParameter(-1))),
        line("1–6", "pages: main / confusion / history / feature maps / autograd / reductions",
             hint: KeyHint("1–6", "pages"), importance: 5, (char("1"), .page(.main)), (char("2"), .page(.confusion)),
             (char("3"), .page(.history)), (char("4"), .page(.features)), (char("5"), .page(.autograd)), (char("6"), .page(.reductions))),
        line("a", "images as ▀ blocks or ASCII", hint: KeyHint("a", "ascii"), importance: 6, (char("a"), .toggleImageMode)),
        line("[ / ]", "less / more smoothing of the loss", importance: 6, (char("["), .smoothing(-0.05)), (char("]"), .smoothing(0.05))),
        line("g", "log-scale loss axis", importance: 6, (char("g"), .toggleLogScale)),
        line("z", "loss window: all steps, the last 1000, 200 or 50", importance: 6, (char("z"), .cycleLossWindow)),
        line("t", "next theme", hint: KeyHint("t", "theme"), importance: 6, (char("t"), .nextTheme)),
        line("F", "write the screen as a text frame", importance: 7, (char("F") + [.function(5)], .writeFrame)),
        line("m", "the message log (every message in full)", hint: KeyHint("m", "messages"), importance: 5, (char("m"), .showMessages)),
        line("?", "this help", hint: KeyHint("?", "help"), importance: 0, (char("?"), .showHelp)),
        line("q", "quit", hint: KeyHint("q", "quit"), importance: 0, (char("q"), .quit)),

        line("b", "call backward on the output (again): with the gradient and retain_graph shown", hint: KeyHint("b", "backward"),
             importance: 0, scope: .autograd, (char("b"), .autograd(.begin))),
        line("n", "one backward step: the next node runs", hint: KeyHint("n", "step"), importance: 0, scope: .autograd,
             (char("n"), .autograd(.step))),
        line("enter", "run the rest of this backward", hint: KeyHint("enter", "all"), importance: 1, scope: .autograd,
             ([.enter], .autograd(.finish))),
        line("r", "retain_graph on / off for the next backward", hint: KeyHint("r", "retain"), importance: 1, scope: .autograd,
             (char("r"), .autograd(.toggleRetain))),
        line("g", "the gradient backward is given: none, torch.ones_like(y), a leaf", hint: KeyHint("g", "gradient"), importance: 2,
             scope: .autograd, (char("g"), .autograd(.nextSeed))),
        line("← / →", "the notebook's examples and a small neuron", hint: KeyHint("←/→", "example"), importance: 1, scope: .autograd,
             ([.left], .autograd(.preset(-1))), ([.right], .autograd(.preset(1)))),
        line("e", "type a program: x = ones(2); y = 2*x[0]^3 + 2*x[1]^2 (enter evaluates, esc cancels)", hint: KeyHint("e", "edit"),
             importance: 1, scope: .autograd, (char("e"), .autograd(.type))),
        line("c", "the current model on a batch image (the one selected on page 6): loss = F.cross_entropy(model(x), y)",
             hint: KeyHint("c", "model"), importance: 1, scope: .autograd, (char("c"), .autograd(.model))),
        line("↑ ↓", "scroll the graph", importance: 3, scope: .autograd, ([.up], .autograd(.scroll(-1))), ([.down], .autograd(.scroll(1))),
             ([.pageUp], .autograd(.scroll(-10))), ([.pageDown], .autograd(.scroll(10)))),

        line("← / →", "select the sample whose logits' gradient is shown", hint: KeyHint("←/→", "sample"), importance: 0,
             scope: .reductions, ([.left], .reductions(.select(-1))), ([.right], .reductions(.select(1))),
             ([.home], .reductions(.select(Int.min))), ([.end], .reductions(.select(Int.max)))),
        line("w", "weight: the selected sample's class counts twice (w again on that class: no weight)", hint: KeyHint("w", "weight"),
             importance: 0, scope: .reductions, (char("w"), .reductions(.weight))),
        line("i", "ignore_index: the selected sample's class (i again on that class: the default -100)", hint: KeyHint("i", "ignore"),
             importance: 0, scope: .reductions, (char("i"), .reductions(.ignore))),
        line("s", "label_smoothing: 0, 0.1, 0.2, 0.5", hint: KeyHint("s", "smoothing"), importance: 0, scope: .reductions,
             (char("s"), .reductions(.smoothing))),
        line("p", "targets as class probabilities (one-hot) or class indices", hint: KeyHint("p", "probs"), importance: 1,
             scope: .reductions, (char("p"), .reductions(.probabilities))),
        line("r", "the gradient shown: of the mean or of the sum", hint: KeyHint("r", "mean/sum"), importance: 1, scope: .reductions,
             (char("r"), .reductions(.gradientOf))),
        line("x", "every option back to PyTorch's defaults", hint: KeyHint("x", "defaults"), importance: 2, scope: .reductions,
             (char("x"), .reductions(.defaults))),

        line("enter", "re-initialise", hint: KeyHint("enter", "applies"), importance: 0, scope: .initMenu, ([.enter], .menuApply)),
        line("esc", "close the menu", hint: KeyHint("esc", "cancels"), importance: 0, scope: .initMenu,
             ([.escape] + char("i", "q"), .closeMenu)),
        line("↑ ↓", "pick a method", importance: 1, scope: .initMenu, ([.up], .menuSelect(-1)), ([.down], .menuSelect(1))),
        line("← →", "pick a target", importance: 1, scope: .initMenu, ([.left], .menuTarget(-1)), ([.right, .tab], .menuTarget(1))),

        line("enter", "load the checkpoint", hint: KeyHint("enter", "loads"), importance: 0, scope: .loadMenu, ([.enter], .menuApply)),
        line("b", "branch the run with the checkpoint's weights (the run itself goes on unchanged)", hint: KeyHint("b", "branches"),
             importance: 0, scope: .loadMenu, (char("b"), .branchFromCheckpoint)),
        line("esc", "close the list", hint: KeyHint("esc", "cancels"), importance: 0, scope: .loadMenu,
             ([.escape] + char("l", "q"), .closeMenu)),
        line("↑ ↓", "pick a checkpoint", importance: 1, scope: .loadMenu,
             ([.up], .menuSelect(-1)), ([.down], .menuSelect(1)), ([.pageUp], .menuSelect(-10)), ([.pageDown], .menuSelect(10))),

        line("enter", "the same settings (then change them on the branch alone: + - i)", hint: KeyHint("enter", "same"),
             importance: 0, scope: .branchMenu, ([.enter], .branchWith(.sameSettings))),
        line("+ / -", "learning rate ×10 / ÷10", hint: KeyHint("+/-", "lr"), importance: 0, scope: .branchMenu,
             (char("+", "="), .branchWith(.learningRate(10))), (char("-", "_"), .branchWith(.learningRate(0.1)))),
        line("o", "the next optimizer (SGD, Adam, AdamW): fresh state, same lr", hint: KeyHint("o", "optimizer"),
             importance: 0, scope: .branchMenu, (char("o"), .branchWith(.nextOptimizer))),
        line("k / K", "batch size ×2 / ÷2 from the rest of this epoch", hint: KeyHint("k/K", "batch"), importance: 0, scope: .branchMenu,
             (char("k"), .branchWith(.batchSize(2))), (char("K"), .branchWith(.batchSize(0.5)))),
        line("esc", "close the menu", hint: KeyHint("esc", "cancels"), importance: 0, scope: .branchMenu,
             ([.escape] + char("b", "q"), .closeMenu)),
    ]

    /// What a key does in a scope for a source.
    public enum Lookup: Sendable, Equatable {
        case intent(Intent)
        /// The key is bound, but the source cannot do what it asks (`missing`).
        case unavailable(missing: SourceCapabilities)
        case unbound
    }

    /// The intent of `key` in `scope` for a source that can do `capabilities`.
    public static func lookup(_ key: Key, in scope: InputScope, capabilities: SourceCapabilities) -> Lookup {
        var missing: SourceCapabilities?
        for binding in bindings where binding.scope == scope {
            guard let intent = binding.intent(for: key) else { continue }
            if binding.isOffered(by: capabilities) { return .intent(intent) }
            missing = missing ?? binding.needs.subtracting(capabilities)
        }
        return missing.map { .unavailable(missing: $0) } ?? .unbound
    }

    /// The bindings of `scope` a source that can do `capabilities` offers, in table order.
    public static func offered(in scope: InputScope, capabilities: SourceCapabilities) -> [KeyBinding] {
        bindings.filter { $0.scope == scope && $0.isOffered(by: capabilities) }
    }

    /// The status bar's hints for a source, in table order, with their importance.
    public static func hints(in scope: InputScope = .page, capabilities: SourceCapabilities) -> [(hint: KeyHint, importance: Int)] {
        offered(in: scope, capabilities: capabilities).compactMap { binding in
            guard let hint = binding.hint, capabilities.isSuperset(of: hint.onlyWith) else { return nil }
            return (hint, binding.importance)
        }
    }

    /// Why a key does nothing on this source, for the status line ("a recorded run cannot be re-initialised").
    public static func refusal(missing: SourceCapabilities, capabilities: SourceCapabilities) -> String {
        let source = capabilities.contains(.timeline) ? "a recorded run" : "this source"
        let reasons: [(SourceCapabilities, String)] = [
            (.pause, "cannot be paused"), (.step, "cannot be stepped"), (.changeLearningRate, "cannot change its learning rate"),
            (.reinitialize, "cannot be re-initialised"), (.reset, "cannot be reset"), (.save, "cannot save a checkpoint"),
            (.load, "cannot load a checkpoint"), (.speed, "has no speed to change"), (.batchImages, "has no batch images"),
            (.gradients, "has no gradients"), (.timeline, "has no timeline to move through"),
            (.stopRun, "cannot be stopped from the dashboard"),
        ]
        let reason = reasons.first { missing.contains($0.0) }?.1 ?? "cannot do that"
        return "\(source) \(reason)"
    }
}
