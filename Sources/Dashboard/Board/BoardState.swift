import Foundation

/// The board's views: `1`, `2`, `3`.
public enum BoardTab: Int, Sendable, CaseIterable {
    case scalars, histograms, images

    /// The tab's name in the header.
    public var title: String {
        switch self {
        case .scalars: "Scalars"
        case .histograms: "Histograms"
        case .images: "Images"
        }
    }

    /// The tab a name (`scalars`, `histograms`, `images`) stands for.
    public init?(name: String) {
        guard let tab = Self.allCases.first(where: { $0.title.lowercased() == name.lowercased() }) else { return nil }
        self = tab
    }
}

/// What a scalar chart's x axis measures (`x` cycles).
public enum BoardXAxis: String, Sendable, CaseIterable {
    case step
    /// Time since the run's first value.
    case relative
    /// The clock time each value was logged at.
    case wall
}

/// How a histogram tag is drawn over time (`h` switches).
public enum HistogramStyle: String, Sendable, CaseIterable {
    /// One line per logged step, stacked oldest at the top (TensorBoard's "histograms", offset).
    case ridge
    /// Steps across, values up, shade by how many values fell there (TensorBoard's "distributions").
    case heat
}

/// One chart of a view: a scalar tag (every run overlaid), or one run's histogram or image tag.
public struct BoardCard: Sendable, Equatable, Hashable {
    public var tag: String
    /// The run for histograms and images; nil for a scalar chart (all runs).
    public var run: String?

    public init(tag: String, run: String? = nil) {
        self.tag = tag
        self.run = run
    }

    /// A key for per-card settings (the image step shown).
    var key: String { run.map { "\(tag)\u{0}\($0)" } ?? tag }
}

/// Everything `tensortop board` shows, changed only by `reduceBoard`.
public struct BoardState: Sendable, Equatable {
    public var data = BoardData()
    public var progress: BoardProgress
    public var tab: BoardTab = .scalars
    /// The selected card of each view (an index into its filtered cards).
    public var selection: [BoardTab: Int] = [:]
    /// The selected card fills the screen (`enter`).
    public var fullScreen = false
    /// The tag filter (a case-insensitive regular expression; empty shows every tag).
    public var filter = ""
    /// The filter being typed after `/` (nil when not typing).
    public var filterDraft: String?
    /// TensorBoard's smoothing weight for scalars (0 raw … 0.99).
    public var smoothing = 0.6
    public var xAxis: BoardXAxis = .step
    public var logScale = false
    public var histogramStyle: HistogramStyle = .ridge
    /// Per image card (`BoardCard.key`): how many logged images before the newest is shown (0 the newest).
    public var imageStepsBack: [String: Int] = [:]
    public var imageMode: ImageMode
    public var themeName: String
    public var themeNames: [String]
    public var colorsAvailable: Bool
    public var width: Int
    public var height: Int
    public var showHelp = false
    public var showMessages = false
    /// How many lines the message log is scrolled up from its newest (↑↓ while it is open).
    public var messagesBack = 0
    /// The last message, shown in the status bar; every one is kept in `messages`.
    public var message: String? { didSet { log.keep(message) } }
    private var log = MessageLog()
    /// The messages so far, oldest first, for the message log (`m`).
    public var messages: [String] { log.entries }

    public init(folder: String, width: Int, height: Int, themeName: String = "dark", themeNames: [String] = ["dark"],
                colorsAvailable: Bool = true) {
        progress = BoardProgress(folder: folder)
        self.width = width
        self.height = height
        self.themeName = themeName
        self.themeNames = themeNames
        self.colorsAvailable = colorsAvailable
        imageMode = colorsAvailable ? .blocks : .ascii
    }

    /// The last valid filter typed while typing (the cards stay on it through an unfinished expression).
    var lastValidDraft: String?

    /// The filter in effect: while typing, the last valid expression typed, else the one applied.
    var activeFilter: String {
        if filterDraft != nil { return lastValidDraft ?? filter }
        return filter
    }

    /// A filter text as a case-insensitive regular expression; nil when it is not one (or empty).
    public static func pattern(_ text: String) -> Regex<AnyRegexOutput>? {
        guard !text.isEmpty else { return nil }
        return (try? Regex(text))?.ignoresCase()
    }

    /// Whether a tag passes the filter (every tag when it is empty).
    func passes(_ tag: String, pattern: Regex<AnyRegexOutput>?) -> Bool {
        guard let pattern else { return true }
        return (try? pattern.firstMatch(in: tag)) != nil
    }

    /// The cards of a view that pass the filter, in tag order (then run order).
    public func cards(_ tab: BoardTab) -> [BoardCard] {
        let pattern = Self.pattern(activeFilter)
        switch tab {
        case .scalars:
            return data.scalars.keys.sorted().filter { passes($0, pattern: pattern) }.map { BoardCard(tag: $0) }
        case .histograms:
            return perRun(data.histograms, pattern: pattern)
        case .images:
            return perRun(data.images, pattern: pattern)
        }
    }

    private func perRun<Element>(_ tags: [String: [BoardSeries<Element>]], pattern: Regex<AnyRegexOutput>?) -> [BoardCard] {
        tags.keys.sorted().filter { passes($0, pattern: pattern) }.flatMap { tag in
            tags[tag, default: []].sorted { data.runIndex($0.run) < data.runIndex($1.run) }.map { BoardCard(tag: tag, run: $0.run) }
        }
    }

    /// The selected card's index in the current view (kept inside the cards there are).
    public var selectedIndex: Int {
        let count = cards(tab).count
        return count == 0 ? 0 : min(max(0, selection[tab] ?? 0), count - 1)
    }

    /// The selected card of the current view, if it has any.
    public var selectedCard: BoardCard? {
        let cards = cards(tab)
        return cards.isEmpty ? nil : cards[selectedIndex]
    }
}
