/// What a key asks of the board; `reduceBoard` carries it out.
public enum BoardIntent: Sendable, Equatable {
    case quit
    case tab(BoardTab)
    /// The selected card this many on (negative: back).
    case select(Int)
    /// The selected card this many screens of cards on.
    case selectPage(Int)
    case toggleFullScreen
    /// Leave the full-screen card, else clear the filter.
    case back
    case startFilter
    case smoothing(Double)
    case cycleXAxis
    case toggleLogScale
    case toggleHistogramStyle
    /// The selected image card this many logged images on (negative: older).
    case imageStep(Int)
    /// The selected image card's oldest (false) or newest (true) image.
    case imageEnd(newest: Bool)
    case nextTheme
    case toggleImageMode
    case showHelp, showMessages
    case writeFrame
}

/// One line of the board's key table: keys and their intents, how help and the status bar
/// describe them, and the views they apply in (all when empty).
public struct BoardBinding: Sendable, Equatable {
    public var actions: [(keys: [Key], intent: BoardIntent)]
    public var label: String
    public var help: String
    public var hint: KeyHint?
    /// 0 most important: the status bar and help leave out the least important first.
    public var importance: Int
    public var tabs: [BoardTab]

    /// Whether the line applies in `tab`.
    public func applies(in tab: BoardTab) -> Bool { tabs.isEmpty || tabs.contains(tab) }

    public static func == (a: BoardBinding, b: BoardBinding) -> Bool {
        a.label == b.label && a.help == b.help && a.tabs == b.tabs && a.importance == b.importance
            && a.actions.map(\.keys) == b.actions.map(\.keys) && a.actions.map(\.intent) == b.actions.map(\.intent)
    }
}

/// The one table of the board's keys: the reducer, the help overlay and the status bar read it.
public enum BoardKeys {
    private static func line(_ label: String, _ help: String, hint: KeyHint? = nil, importance: Int, tabs: [BoardTab] = [],
                             _ actions: (keys: [Key], intent: BoardIntent)...) -> BoardBinding {
        BoardBinding(actions: actions, label: label, help: help, hint: hint, importance: importance, tabs: tabs)
    }

    private static func char(_ characters: Character...) -> [Key] { characters.map { .character($0) } }

    /// Every binding, in the order help and hints list them; in a view, the first line that has a key wins.
    public static let bindings: [BoardBinding] = [
        line("1/2/3", "scalars / histograms / images", hint: KeyHint("1–3", "views"), importance: 1,
             (char("1"), .tab(.scalars)), (char("2"), .tab(.histograms)), (char("3"), .tab(.images))),
        line("↑ ↓ tab", "select a chart", hint: KeyHint("↑↓", "select"), importance: 2,
             ([.down, .tab], .select(1)), ([.up, .backTab], .select(-1))),
        line("pgup/dn", "a screen of charts back / on", importance: 5, ([.pageUp], .selectPage(-1)), ([.pageDown], .selectPage(1))),
        line("enter", "the selected chart full-screen (again: back to the grid)", hint: KeyHint("enter", "zoom"), importance: 2,
             ([.enter], .toggleFullScreen)),
        line("/", "filter tags by a regular expression (enter keeps it, esc cancels)", hint: KeyHint("/", "filter"), importance: 1,
             (char("/"), .startFilter)),
        line("esc", "leave full-screen, else clear the filter", importance: 4, ([.escape], .back)),
        line("← / →", "an older / newer image of the selected chart", hint: KeyHint("←/→", "step"), importance: 2, tabs: [.images],
             ([.left], .imageStep(-1)), ([.right], .imageStep(1))),
        line("home/end", "the oldest / newest image", importance: 4, tabs: [.images],
             ([.home], .imageEnd(newest: false)), ([.end], .imageEnd(newest: true))),
        line("[ / ]", "less / more smoothing", hint: KeyHint("[/]", "smooth"), importance: 3, tabs: [.scalars],
             (char("["), .smoothing(-0.05)), (char("]"), .smoothing(0.05))),
        line("x", "x axis: step, relative time, wall time", hint: KeyHint("x", "x axis"), importance: 3, tabs: [.scalars],
             (char("x"), .cycleXAxis)),
        line("g", "log-scale y axis", importance: 5, tabs: [.scalars], (char("g"), .toggleLogScale)),
        line("h", "histograms as ridges (one line a step) or a heat strip", hint: KeyHint("h", "style"), importance: 3,
             tabs: [.histograms], (char("h"), .toggleHistogramStyle)),
        line("a", "images as ▀ blocks or ASCII", importance: 5, tabs: [.images], (char("a"), .toggleImageMode)),
        line("t", "next theme", hint: KeyHint("t", "theme"), importance: 6, (char("t"), .nextTheme)),
        line("F", "write the screen as a text frame", importance: 7, (char("F") + [.function(5)], .writeFrame)),
        line("m", "the message log (damaged records, every message in full)", hint: KeyHint("m", "messages"), importance: 4,
             (char("m"), .showMessages)),
        line("?", "this help", hint: KeyHint("?", "help"), importance: 0, (char("?"), .showHelp)),
        line("q", "quit", hint: KeyHint("q", "quit"), importance: 0, (char("q"), .quit)),
    ]

    /// The bindings of a view, in table order.
    public static func offered(in tab: BoardTab) -> [BoardBinding] { bindings.filter { $0.applies(in: tab) } }

    /// What `key` does in `tab`, if anything.
    public static func intent(for key: Key, in tab: BoardTab) -> BoardIntent? {
        for binding in offered(in: tab) {
            if let action = binding.actions.first(where: { $0.keys.contains(key) }) { return action.intent }
        }
        return nil
    }

    /// The status bar's hints for a view, with their importance.
    static func hints(in tab: BoardTab) -> [(hint: KeyHint, importance: Int)] {
        offered(in: tab).compactMap { binding in binding.hint.map { ($0, binding.importance) } }
    }
}
