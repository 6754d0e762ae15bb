import Dashboard
import FileWriting
import Foundation
import Telemetry
import Training

/// The dashboard's loop without a terminal: trainer data in, reducer, effects, frames out.
/// The curses loop and the headless demo runner both drive it.
public final class DashboardApp {
    public let controller: TrainerController
    public let catalog: ThemeCatalog
    public private(set) var state: DashboardState
    public private(set) var theme: Theme
    private var lossCursor = 0
    private var lastSequence = -1
    public private(set) var quitting = false
    /// Where `F` writes text frames.
    public var frameFolder = "frames"
    /// Where the checkpoint list looks (the trainer's checkpoint folder).
    public var checkpointFolder = "checkpoints"
    /// Removed from paths in messages and lists (a scripted demo's temporary working folder).
    public var hiddenPathPrefix: String? {
        didSet { state.hiddenPathPrefix = hiddenPathPrefix }
    }
    /// Zero the timing figures (samples/s), so scripted frames are the same on every machine.
    public var deterministic = false
    /// Every command sent to the trainer, in order (scripted demos wait on them).
    public private(set) var sentCommands: [TrainerCommand] = []

    public init(controller: TrainerController, catalog: ThemeCatalog, initialTheme: String, size: (width: Int, height: Int), colorsAvailable: Bool) {
        self.controller = controller
        self.catalog = catalog
        let loaded = catalog.load(initialTheme)
        theme = loaded.theme
        state = DashboardState(width: size.width, height: size.height, themeName: loaded.theme.name,
                               themeNames: colorsAvailable ? ThemeCatalog.builtInOrder : ["mono"], colorsAvailable: colorsAvailable)
        state.message = loaded.warning
    }

    /// Folds in new losses, events and the newest snapshot.
    public func poll() {
        let (points, next) = controller.losses(from: lossCursor)
        lossCursor = next
        if !points.isEmpty { dispatch(.losses(points)) }
        for event in controller.takeEvents() { handle(event) }
        refreshSnapshot()
    }

    /// Takes the newest snapshot if it is new.
    public func refreshSnapshot() {
        if var snapshot = controller.latestSnapshot(), snapshot.sequence != lastSequence {
            lastSequence = snapshot.sequence
            if deterministic {
                snapshot.samplesPerSecond = 0
                snapshot.seconds = 0
            }
            dispatch(.snapshot(snapshot))
        }
    }

    /// Folds in one trainer event (with any hidden path prefix removed from its text).
    public func handle(_ event: TrainerEvent) {
        guard let prefix = hiddenPathPrefix else {
            dispatch(.event(event))
            return
        }
        func clean(_ text: String) -> String { text.replacingOccurrences(of: prefix, with: "") }
        switch event {
        case .applied(let id, let text): dispatch(.event(.applied(id, clean(text))))
        case .refused(let id, let text): dispatch(.event(.refused(id, clean(text))))
        case .saved(let path): dispatch(.event(.saved(path: clean(path))))
        default: dispatch(.event(event))
        }
    }

    /// Switches to a theme by name or path (a warning, if any, goes to the status line).
    public func setTheme(_ name: String) {
        let loaded = catalog.load(name)
        theme = loaded.theme
        state.themeName = loaded.theme.name
        if let warning = loaded.warning { state.message = warning }
    }

    /// Shows pressed keys in an overlay (for recordings).
    public func showKeys(_ on: Bool) { state.showKeys = on }

    /// Runs the reducer and carries out its effects.
    public func dispatch(_ action: Action) {
        for effect in reduce(&state, action) {
            switch effect {
            case .send(let command):
                sentCommands.append(command)
                controller.send(command)
            case .quit: quitting = true
            case .changeTheme(let name): setTheme(name)
            case .listCheckpoints: dispatch(.checkpoints(checkpointFiles()))
            case .writeFrame: state.message = writeFrame()
            case .savePreferences: break  // the lead wires PreferencesFile.save here (lane input)
            }
        }
    }

    public func frame() -> Buffer { DashboardView.render(state, theme: theme) }

    /// Checkpoint files under checkpoints/, newest first.
    func checkpointFiles() -> [String] {
        let folder = checkpointFolder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix(".pth") || $0.hasSuffix(".pt") }
            .map { "\(folder)/\($0)" }
            .sorted { a, b in
                let da = (try? FileManager.default.attributesOfItem(atPath: a)[.modificationDate] as? Date) ?? .distantPast
                let db = (try? FileManager.default.attributesOfItem(atPath: b)[.modificationDate] as? Date) ?? .distantPast
                return da == db ? a > b : da > db
            }
    }

    /// The most names `writeFrame` tries for one step (`frame-step-N.txt`, `-2`, ..., `-999`).
    static let frameNamesPerStep = 999

    /// Writes the current screen as plain text under `frames/` as `frame-step-N.txt`; returns a
    /// message. An existing file is never replaced: a second frame at the same step becomes
    /// `frame-step-N-2.txt`, and so on, each created atomically and exclusively.
    public func writeFrame() -> String {
        let folder = URL(fileURLWithPath: frameFolder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            return "cannot write a frame: cannot create \(frameFolder) (\(error.localizedDescription))"
        }
        StaleTemporaryFiles.remove(in: folder)
        let text = Data((frame().text + "\n").utf8)
        let base = String(format: "frame-step-%06d", state.snapshot?.step ?? 0)
        do {
            for number in 1...Self.frameNamesPerStep {
                let name = "\(frameFolder)/\(base)\(number == 1 ? "" : "-\(number)").txt"
                if try AtomicFile.create(text, at: URL(fileURLWithPath: name)) { return "wrote \(name)" }
            }
        } catch {
            return "cannot write a frame: \(error)"
        }
        return "cannot write a frame: \(frameFolder) already has \(Self.frameNamesPerStep) frames of this step"
    }
}
