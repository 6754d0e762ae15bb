import App
import ArgumentParser
import CursesTerminal
import Dashboard
import FileWriting
import Foundation
import TensorBoard

/// `tensortop board LOGDIR`: TensorBoard event files in the terminal, every run compared, followed live.
struct BoardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Show TensorBoard logs (events.out.tfevents.*) in the terminal: scalars, histograms and images, every run compared.",
        discussion: """
            Every folder under LOGDIR that holds event files is a run, as in TensorBoard: PyTorch's \
            SummaryWriter, TensorFlow/Keras, Lightning, tensorboardX and `tensortop train --tensorboard` \
            all write them. New runs and new records appear while training writes them; damaged records \
            are reported (m) and skipped. A large log is read in parts, so the screen is usable at once. \
            Keys: 1/2/3 views, ↑/↓ select, enter full-screen, / filter, [ ] smoothing, x x-axis, ? help, q quit.
            """)

    @Argument(help: ArgumentHelp("The log directory (SummaryWriter's log_dir; its default is runs).", valueName: "logdir"))
    var logdir: String = "runs"

    @Option(name: .long, help: ArgumentHelp("The view to start in: scalars, histograms or images.", valueName: "view"))
    var view: String = "scalars"

    @Option(name: .long, help: ArgumentHelp("Show only tags matching this regular expression (case-insensitive; / changes it).", valueName: "regex"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("TensorBoard's smoothing weight for scalars, 0 (none) to 0.99.", valueName: "weight"))
    var smoothing: Double = 0.6

    @Option(name: .long, help: ArgumentHelp("The scalar charts' x axis: step, relative (time since the run's first value) or wall (clock time).", valueName: "axis"))
    var xAxis: String = "step"

    @Option(name: .long, help: ArgumentHelp("How many records each tag keeps (reservoir sampling, as TensorBoard): e.g. scalars=1000,histograms=500,images=10; 0 keeps all.", valueName: "kind=n,..."))
    var samplesPerPlugin: String = "scalars=1000,histograms=500,images=10"

    @Option(name: .long, help: ArgumentHelp("Seconds between looks for new runs and records.", valueName: "seconds"))
    var reloadInterval: Double = 1

    @Option(name: .long, help: ArgumentHelp("A theme name (dark, light, okabe-ito, high-contrast, mono) or a theme file.", valueName: "name|path"))
    var theme: String?

    @Option(name: .long, help: ArgumentHelp("Record the session as an asciicast v2 file (asciinema play FILE).", valueName: "file.cast"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("Do not open the terminal: read the whole log, print one screen of this size as text, and exit (e.g. 120x40).", valueName: "WxH"))
    var printFrame: String?

    func validate() throws {
        guard BoardTab(name: view) != nil else { throw ValidationError("--view '\(view)': use scalars, histograms or images") }
        guard BoardXAxis(rawValue: xAxis) != nil else { throw ValidationError("--x-axis '\(xAxis)': use step, relative or wall") }
        guard smoothing.isFinite, (0...0.99).contains(smoothing) else { throw ValidationError("--smoothing \(smoothing): give a weight from 0 (none) to 0.99") }
        guard reloadInterval.isFinite, reloadInterval >= 0.05, reloadInterval <= 3600 else {
            throw ValidationError("--reload-interval \(reloadInterval): give seconds from 0.05 to 3600")
        }
        if let filter, !filter.isEmpty, BoardState.pattern(filter) == nil { throw ValidationError("--filter '\(filter)' is not a regular expression") }
        _ = try Self.limits(samplesPerPlugin)
        if let printFrame { _ = try Self.size(printFrame) }
    }

    /// Parses `scalars=1000,histograms=500,images=10` (any of them; the rest keep their defaults).
    static func limits(_ text: String) throws -> SamplingLimits {
        var limits = SamplingLimits()
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let count = Int(pair[1]), count >= 0 else {
                throw ValidationError("--samples-per-plugin '\(item)': write KIND=COUNT, e.g. scalars=1000 (0 keeps all)")
            }
            switch pair[0] {
            case "scalars": limits.scalars = count
            case "histograms", "distributions": limits.histograms = count
            case "images": limits.images = count
            case "text": limits.texts = count
            default: throw ValidationError("--samples-per-plugin: unknown kind '\(pair[0])'; use scalars, histograms, images or text")
            }
        }
        return limits
    }

    /// Parses `WIDTHxHEIGHT` (each 1 to 1000).
    static func size(_ text: String) throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), (1...1000).contains(width), (1...1000).contains(height) else {
            throw ValidationError("--print-frame '\(text)': give WIDTHxHEIGHT, e.g. 120x40")
        }
        guard width >= DashboardView.minimumWidth, height >= DashboardView.minimumHeight else {
            throw ValidationError("--print-frame \(text): the board needs at least \(DashboardView.minimumWidth)x\(DashboardView.minimumHeight)")
        }
        return (width, height)
    }

    func run() throws {
        // Open the folder before taking over the terminal: a wrong path is a plain message.
        let directory = try CommandLineError.wrap { try LogDirectory(path: logdir, limits: try Self.limits(samplesPerPlugin)) }
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if let printFrame {
            // Plain text has no colours: images take the ASCII ramp, as with NO_COLOR.
            let size = try Self.size(printFrame)
            let app = makeApp(directory, catalog: catalog, theme: "mono", size: size, colors: false)
            app.readAll()
            print(app.frame().text)
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandLineError(description: "tensortop board needs a terminal (standard input and output); to print one screen as text, use --print-frame 120x40")
        }
        // Check --record's destination before taking over the terminal, so nothing is lost at the end.
        let recordURL = record.map { URL(fileURLWithPath: $0) }
        if let recordURL { try CommandLineError.wrap { try AtomicFile.prepareDestination(recordURL) } }
        let recording = runInTerminal(directory, catalog: catalog, noColor: noColor)
        if let recordURL, let recording {
            do {
                try AtomicFile.write(Data(recording.text.utf8), to: recordURL)
            } catch {
                throw CommandLineError(description: "cannot write the recording: \(error)")
            }
        }
    }

    /// The board on the terminal until q, Ctrl-C or the terminal goes; the terminal is given
    /// back before this returns. Returns the asciicast when `--record` asked for one.
    private func runInTerminal(_ directory: LogDirectory, catalog: ThemeCatalog, noColor: Bool) -> Asciicast? {
        let interrupt = InterruptWatch()
        let screen = CursesScreen()
        defer { screen.restore() }
        let app = makeApp(directory, catalog: catalog, theme: noColor || !screen.colorsAvailable ? "mono" : (theme ?? ThemeCatalog.defaultName),
                          size: screen.size, colors: screen.colorsAvailable)
        return TerminalLoop.run(screen: screen, interrupt: interrupt, recordCast: record != nil, handle: { input in
            switch input {
            case .key(let key): app.dispatch(.key(key))
            case .mouse(let event): app.dispatch(.mouse(event))
            case .resize(let width, let height): app.dispatch(.resize(width: width, height: height))
            }
        }, poll: { app.poll() }, frame: app.frame, quitting: { app.quitting })
    }

    /// The app on `directory` with the command line's settings.
    private func makeApp(_ directory: LogDirectory, catalog: ThemeCatalog, theme: String, size: (width: Int, height: Int), colors: Bool) -> BoardApp {
        let app = BoardApp(directory: directory, folder: logdir, catalog: catalog, initialTheme: theme, size: size, colorsAvailable: colors)
        app.reloadInterval = reloadInterval
        app.configure(tab: BoardTab(name: view) ?? .scalars, filter: filter ?? "", smoothing: smoothing, xAxis: BoardXAxis(rawValue: xAxis) ?? .step)
        return app
    }
}
