import Dashboard
import Foundation
import TensorBoard

/// `tensortop board`'s loop without a terminal: the log directory read and followed, the
/// reducer, effects, frames out. A large log is read in parts between frames, so the screen
/// is usable while it loads.
public final class BoardApp {
    public let directory: LogDirectory
    public let catalog: ThemeCatalog
    public private(set) var state: BoardState
    public private(set) var theme: Theme
    public private(set) var quitting = false
    /// Where `F` writes text frames.
    public var frameFolder = "frames"
    /// About how many bytes one poll reads while catching up (then a frame is drawn).
    public var readBudget = 32 << 20
    /// Seconds between looks for new runs and records once everything has been read.
    public var reloadInterval: TimeInterval = 1
    private let conversion = BoardConversion()
    private var nextPoll = Date.distantPast
    private var caughtUp = false
    private var problems = 0
    /// Files ending in an unfinished record: where it starts, since when, and whether it was reported.
    private var unfinished: [String: (offset: Int, since: Date, reported: Bool)] = [:]
    /// How long a file may end in an unfinished record before the board says so (a writer
    /// normally finishes a record at once; a cut-off file never does).
    public var unfinishedAfter: TimeInterval = 5

    public init(directory: LogDirectory, folder: String, catalog: ThemeCatalog, initialTheme: String,
                size: (width: Int, height: Int), colorsAvailable: Bool) {
        self.directory = directory
        self.catalog = catalog
        let loaded = catalog.load(initialTheme)
        theme = loaded.theme
        state = BoardState(folder: folder, width: size.width, height: size.height, themeName: loaded.theme.name,
                           themeNames: colorsAvailable ? ThemeCatalog.builtInOrder : ["mono"], colorsAvailable: colorsAvailable)
        if let warning = loaded.warning { dispatch(.message(warning)) }
    }

    /// Whether everything the files held at the last poll has been read.
    public var isCaughtUp: Bool { caughtUp }

    /// Reads what is new (a part of it while catching up; at most every `reloadInterval` after,
    /// unless `force`) and folds it in: the data, the progress and each damaged place as a message.
    /// `now` is the time the poll counts as (the clock; tests move it on).
    public func poll(force: Bool = false, now: Date = Date()) {
        poll(force: force, reportUnfinishedNow: false, now: now)
    }

    private func poll(force: Bool, reportUnfinishedNow: Bool, now: Date = Date()) {
        guard !caughtUp || force || now >= nextPoll else { return }
        let update = directory.poll(byteBudget: readBudget)
        caughtUp = update.caughtUp
        nextPoll = now.addingTimeInterval(reloadInterval)
        for run in update.removedRuns { dispatch(.message("run \(run): its event files are gone; it is no longer shown")) }
        for run in update.restartedRuns { dispatch(.message("run \(run): an event file was replaced by a shorter one; reading the run again")) }
        noteUnfinished(update.pendingTails, now: now, reportNow: reportUnfinishedNow)
        for problem in update.problems {
            problems += 1
            dispatch(.message("damaged: \(relative(problem.path)) at byte \(problem.offset): \(problem.message)"))
        }
        if update.records > 0 || !update.newRuns.isEmpty || !update.removedRuns.isEmpty || !update.restartedRuns.isEmpty {
            dispatch(.data(conversion.data(directory)))
        }
        var progress = state.progress
        (progress.bytesRead, progress.unreadBytes, progress.problems) = (update.bytesRead, update.unreadBytes, problems)
        progress.unfinishedFiles = unfinished.values.filter(\.reported).count
        if progress != state.progress { dispatch(.progress(progress)) }
    }

    /// Reads everything there is now (for a single frame); a file ending mid-record is reported at once.
    public func readAll() {
        repeat { poll(force: true, reportUnfinishedNow: true) } while !caughtUp
    }

    /// Keeps track of files that end in an unfinished record; one that stays so (at the same
    /// place) for `unfinishedAfter`, or at once when `reportNow`, is reported once.
    private func noteUnfinished(_ tails: [String: (offset: Int, bytes: Int)], now: Date, reportNow: Bool) {
        for file in unfinished.keys where tails[file] == nil { unfinished[file] = nil }
        for (file, tail) in tails.sorted(by: { $0.key < $1.key }) {
            var entry: (offset: Int, since: Date, reported: Bool) = unfinished[file].flatMap { $0.offset == tail.offset ? $0 : nil }
                ?? (offset: tail.offset, since: now, reported: false)
            if !entry.reported && (reportNow || now.timeIntervalSince(entry.since) >= unfinishedAfter) {
                entry.reported = true
                dispatch(.message("unfinished: \(relative(file)) ends in \(tail.bytes) bytes of a record that starts at byte \(tail.offset): cut off, or its writer stopped mid-record (waiting for the rest)"))
            }
            unfinished[file] = entry
        }
    }

    /// A file's path from the log directory, as the runs are named.
    private func relative(_ path: String) -> String {
        let root = directory.root.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// Starts in `tab` with a filter, a smoothing weight and an x axis (the command line's).
    public func configure(tab: BoardTab, filter: String, smoothing: Double, xAxis: BoardXAxis) {
        dispatch(.configure(tab: tab, filter: filter, smoothing: smoothing, xAxis: xAxis))
    }

    /// Switches to a theme by name or path (a warning, if any, goes to the status line).
    public func setTheme(_ name: String) { dispatch(themeChange(name)) }

    private func themeChange(_ name: String) -> BoardAction {
        let loaded = catalog.load(name)
        theme = loaded.theme
        return .themeChanged(name: loaded.theme.name, warning: loaded.warning)
    }

    /// Runs the reducer and carries out its effects.
    public func dispatch(_ action: BoardAction) {
        var pending = [action]
        while !pending.isEmpty {
            for effect in reduceBoard(&state, pending.removeFirst()) {
                switch effect {
                case .quit: quitting = true
                case .changeTheme(let name): pending.append(themeChange(name))
                case .writeFrame:
                    pending.append(.message(TextFrames.write(frame(), folder: frameFolder, base: "board-\(state.tab.title.lowercased())")))
                }
            }
        }
    }

    public func frame() -> Buffer { BoardView.render(state, theme: theme) }
}
