import Telemetry

/// A key press, decoded from the terminal.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case tab, backTab, enter, escape, backspace
    case function(Int)

    /// How the key is written in help texts and in demo scripts (`space`, `tab`, `+`, ...).
    public var name: String {
        switch self {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pageup"
        case .pageDown: "pagedown"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .enter: "enter"
        case .escape: "esc"
        case .backspace: "backspace"
        case .function(let n): "F\(n)"
        }
    }

    /// The key a name stands for (the inverse of `name`), e.g. `space`, `tab`, `F1`, `q`, `pgup`.
    public init?(name: String) {
        switch name.lowercased() {
        case "space": self = .character(" ")
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "home": self = .home
        case "end": self = .end
        case "pageup", "pgup": self = .pageUp
        case "pagedown", "pgdn": self = .pageDown
        case "tab": self = .tab
        case "shift-tab", "backtab": self = .backTab
        case "enter", "return": self = .enter
        case "esc", "escape": self = .escape
        case "backspace": self = .backspace
        default:
            if name.count == 1 {
                self = .character(name.first!)
            } else if name.uppercased().hasPrefix("F"), let n = Int(name.dropFirst()), (1...12).contains(n) {
                self = .function(n)
            } else {
                return nil
            }
        }
    }
}

/// The dashboard's pages.
public enum Page: Sendable, Equatable {
    /// 1: loss, weights, batch, gradients.
    case main
    /// 2: the confusion matrix and per-class accuracy.
    case confusion
    /// 3: run history: test loss, test accuracy and learning rate over the run.
    case history
    /// 4: a convolutional net's filters and feature maps for one batch image.
    case features
    /// 5: the autograd stepper: a small graph's backward, node by node.
    case autograd
    /// 6: the reduction explorer: the batch's per-sample cross-entropy and what it reduces to.
    case reductions

    /// The page's own keys, looked up before the page keys; nil when it has none.
    public var keyScope: InputScope? {
        switch self {
        case .autograd: .autograd
        case .reductions: .reductions
        default: nil
        }
    }
}

/// How much of the loss curve the chart shows (`z` cycles).
public enum LossWindow: Sendable, Equatable {
    case all
    /// The last this many steps.
    case last(Int)

    /// The windows `z` cycles through, in order.
    public static let cycle: [LossWindow] = [.all, .last(1000), .last(200), .last(50)]
}

/// The panels of the main page, in Tab order.
public enum Panel: Int, Sendable, CaseIterable {
    case loss, weights, batch, gradients
}

/// How batch images are drawn.
public enum ImageMode: Sendable, Equatable {
    /// Upper-half blocks in the grey ramp, two pixels per cell.
    case blocks
    /// A pure ASCII density ramp (the literal "ASCII image").
    case ascii
}

/// The re-initialisation menu: a method and a target.
public struct InitMenu: Sendable, Equatable {
    public var choices: [InitChoice]
    public var method = 0
    /// 0 = all parameters, k = parameter k − 1.
    public var target = 0
}

/// The checkpoint list for loading.
public struct LoadMenu: Sendable, Equatable {
    public var files: [String]
    /// How each file reads in the menu: its folder's name and its own (`checkpoints/step-000050.safetensors`).
    public var labels: [String]
    public var selected = 0

    public init(files: [String], selected: Int = 0) {
        self.files = files
        self.labels = files.map(Self.label)
        self.selected = selected
    }

    /// The last two components of a path.
    static func label(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).suffix(2).joined(separator: "/")
    }
}

/// Everything the screen shows, changed only by `reduce`.
public struct DashboardState: Sendable, Equatable {
    public var snapshot: TrainingSnapshot?
    /// Every loss point received so far.
    public var losses: [LossPoint] = []
    /// What persists between runs (theme, smoothing, log scale, speed limit): `.applyPreferences`
    /// sets them, the keys change them and ask for them to be saved (`Effect.savePreferences`).
    public var preferences = Preferences()
    /// The exponential moving average's weight of the past (0 = raw, 0.99 = very smooth).
    public var smoothing: Double {
        get { preferences.smoothing }
        set { preferences.smoothing = newValue }
    }
    public var logScale: Bool {
        get { preferences.logScale }
        set { preferences.logScale = newValue }
    }
    /// The part of the loss curve shown (`z`).
    public var lossWindow: LossWindow = .all
    /// What the source of training can do; keys, hints and help show only these.
    public var capabilities: SourceCapabilities = .liveTrainer
    public var page: Page = .main
    public var focus: Panel = .loss
    public var selectedParameter = 0
    public var imageMode: ImageMode
    public var themeName: String
    public var themeNames: [String]
    public var showHelp = false
    public var initMenu: InitMenu?
    public var loadMenu: LoadMenu?
    /// The branch menu is open (`b`): the next key says what the new branch changes.
    public var branchMenu = false
    /// The last acknowledgement, refusal or warning, shown in the status bar; every one is
    /// also kept in `messages`.
    public var message: String? { didSet { log.keep(message) } }
    private var log = MessageLog()
    /// The messages so far, oldest first (the newest `MessageLog.length`), for the message log (`m`).
    public var messages: [String] { log.entries }
    /// How many messages the log keeps.
    public static let messageLogLength = MessageLog.length
    public var showMessages = false
    /// How many lines the message log is scrolled up from its newest (↑↓ while it is open).
    public var messagesBack = 0
    /// Set by `n` until a snapshot shows the step done, which clears the "running 1 step" message.
    public var stepping = false
    public var width: Int
    public var height: Int
    /// Whether the terminal shows colours (false with NO_COLOR or fewer than 8 colours).
    public var colorsAvailable: Bool
    /// The source's latest notice (how to start a run, a run attached or ended), shown in full
    /// in the loss chart while it has no points.
    public var notice: String?
    /// `X` was pressed once: a second `X` stops the run, any other key keeps it running.
    public var stopArmed = false
    /// A caption line shown on screen (demo recordings).
    public var caption: String?
    /// Recently pressed keys, shown in an overlay when recording with --keys.
    public var shownKeys: [String] = []
    public var showKeys = false
    /// The autograd stepper page's graph and choices.
    public var autograd = AutogradPageState()
    /// The reduction explorer's toggles and values.
    public var reductions = ReductionPageState()

    public init(width: Int, height: Int, themeName: String = "dark", themeNames: [String] = ["dark"], colorsAvailable: Bool = true) {
        self.width = width
        self.height = height
        self.themeName = themeName
        self.themeNames = themeNames
        self.colorsAvailable = colorsAvailable
        imageMode = colorsAvailable ? .blocks : .ascii
    }

    /// Whether filter and feature-map tiles are drawn as coloured half blocks: with colours
    /// and block images (`a` switches them to ASCII with the batch's images).
    public var tilesInColour: Bool { colorsAvailable && imageMode == .blocks }

    /// The parameter the weights and gradient panels show.
    public var parameter: ParameterSnapshot? {
        guard let parameters = snapshot?.parameters, !parameters.isEmpty else { return nil }
        return parameters[min(selectedParameter, parameters.count - 1)]
    }
}

/// Every message shown in the status line, oldest first, for the message log (`m`): the newest `length`.
struct MessageLog: Sendable, Equatable {
    /// How many messages the log keeps.
    static let length = 200
    private(set) var entries: [String] = []

    /// Keeps `message` (nil, a status line cleared, keeps nothing).
    mutating func keep(_ message: String?) {
        guard let message else { return }
        entries.append(message)
        if entries.count > Self.length { entries.removeFirst(entries.count - Self.length) }
    }
}

/// What a new branch changes, as the branch menu offers it (the reducer works out the values).
public enum BranchMenuChoice: Sendable, Equatable {
    case sameSettings
    /// The learning rate times this.
    case learningRate(Double)
    /// The optimizer after the current one in SGD, Adam, AdamW.
    case nextOptimizer
    /// The batch size times this (at least 1).
    case batchSize(Double)
}
