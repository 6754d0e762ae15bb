import ArgumentParser
import CursesTerminal
import Dashboard
import Datasets
import Foundation
import Telemetry
import Training

/// `tensortop` (the default): the dashboard, training live and steered from the keyboard.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the dashboard: train live on Fashion-MNIST and steer it from the keyboard (the default).",
        discussion: "Takes the same options as `tensortop train`. Press ? in the dashboard for every key.")

    @OptionGroup var options: TrainingOptions

    @Option(name: .long, help: ArgumentHelp("A theme name (dark, light, okabe-ito, high-contrast, mono) or a theme file.", valueName: "name|path"))
    var theme: String?

    func validate() throws {
        do {
            _ = try options.makeConfig()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var config = try options.makeConfig()
        config.keepAliveWhenFinished = true
        config.snapshotInterval = 0.1
        // Find the data before taking over the terminal, so a missing data set is a plain message.
        _ = try CommandLineError.wrap { try FashionMNIST.locate(root: config.dataRoot.map { URL(fileURLWithPath: $0) }) }
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath())
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let controller = try CommandLineError.wrap { try TrainerController.start(config) }
        let interrupt = InterruptWatch()
        let screen = CursesScreen()
        defer {
            screen.restore()
            controller.send(.stop)
            controller.join()
        }
        let app = DashboardApp(controller: controller, catalog: catalog,
                               initialTheme: noColor || !screen.colorsAvailable ? "mono" : (theme ?? ThemeCatalog.defaultName),
                               size: screen.size, colorsAvailable: screen.colorsAvailable)
        while !app.quitting && !interrupt.fired {
            var inputs: [TerminalInput] = []
            if let input = screen.read(timeout: 50) { inputs.append(input) }
            while let more = screen.read(timeout: 0) { inputs.append(more) }
            for input in inputs {
                switch input {
                case .key(let key): app.dispatch(.key(key))
                case .resize(let width, let height): app.dispatch(.resize(width: width, height: height))
                }
            }
            app.poll()
            screen.draw(app.frame())
        }
    }
}

/// The dashboard's loop without a terminal: trainer data in, reducer, effects, frames out.
/// The curses loop and the headless demo runner both drive it.
final class DashboardApp {
    let controller: TrainerController
    let catalog: ThemeCatalog
    private(set) var state: DashboardState
    private(set) var theme: Theme
    private var lossCursor = 0
    private var lastSequence = -1
    private(set) var quitting = false
    /// Where `F` writes text frames.
    var frameFolder = "frames"

    init(controller: TrainerController, catalog: ThemeCatalog, initialTheme: String, size: (width: Int, height: Int), colorsAvailable: Bool) {
        self.controller = controller
        self.catalog = catalog
        let loaded = catalog.load(initialTheme)
        theme = loaded.theme
        state = DashboardState(width: size.width, height: size.height, themeName: loaded.theme.name,
                               themeNames: colorsAvailable ? ThemeCatalog.builtInOrder : ["mono"], colorsAvailable: colorsAvailable)
        state.message = loaded.warning
    }

    /// Folds in new losses, events and the newest snapshot.
    func poll() {
        let (points, next) = controller.losses(from: lossCursor)
        lossCursor = next
        if !points.isEmpty { dispatch(.losses(points)) }
        for event in controller.takeEvents() { dispatch(.event(event)) }
        if let snapshot = controller.latestSnapshot(), snapshot.sequence != lastSequence {
            lastSequence = snapshot.sequence
            dispatch(.snapshot(snapshot))
        }
    }

    /// Runs the reducer and carries out its effects.
    func dispatch(_ action: Action) {
        for effect in reduce(&state, action) {
            switch effect {
            case .send(let command): controller.send(command)
            case .quit: quitting = true
            case .changeTheme(let name):
                let loaded = catalog.load(name)
                theme = loaded.theme
                state.themeName = loaded.theme.name
                if let warning = loaded.warning { state.message = warning }
            case .listCheckpoints: dispatch(.checkpoints(checkpointFiles()))
            case .writeFrame: state.message = writeFrame()
            }
        }
    }

    func frame() -> Buffer { DashboardView.render(state, theme: theme) }

    /// Checkpoint files under checkpoints/, newest first.
    func checkpointFiles() -> [String] {
        let folder = "checkpoints"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix(".pth") || $0.hasSuffix(".pt") }
            .map { "\(folder)/\($0)" }
            .sorted { a, b in
                let da = (try? FileManager.default.attributesOfItem(atPath: a)[.modificationDate] as? Date) ?? .distantPast
                let db = (try? FileManager.default.attributesOfItem(atPath: b)[.modificationDate] as? Date) ?? .distantPast
                return da == db ? a > b : da > db
            }
    }

    /// Writes the current screen as plain text under `frames/`, atomically; returns a message.
    func writeFrame() -> String {
        do {
            try FileManager.default.createDirectory(atPath: frameFolder, withIntermediateDirectories: true)
            let name = String(format: "%@/frame-step-%06d.txt", frameFolder, state.snapshot?.step ?? 0)
            let temporary = name + ".tmp"
            try Data((frame().text + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, name) == 0 else { return "cannot write \(name)" }
            return "wrote \(name)"
        } catch {
            return "cannot write a frame: \(error.localizedDescription)"
        }
    }
}
