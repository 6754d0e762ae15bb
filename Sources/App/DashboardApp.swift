import AutogradLab
import Dashboard
import FileWriting
import Foundation
import Telemetry
import Tensors
import Training

/// The dashboard's loop without a terminal: a source's data in, reducer, effects, frames out.
/// The curses loop and the headless demo runner both drive it.
///
/// The state changes only in `reduce`: the app carries out effects and dispatches what came of
/// them as actions. It knows nothing of what trains — any `TelemetrySource` will do.
public final class DashboardApp {
    public let source: any TelemetrySource
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
    /// Where preferences persist; nil keeps them for this session only (demos, tests).
    public var preferencesFile: PreferencesFile?
    /// The autograd stepper page's program, evaluated, and its backward under way.
    private var autogradSession: AutogradSession?

    public init(source: any TelemetrySource, catalog: ThemeCatalog, initialTheme: String, size: (width: Int, height: Int), colorsAvailable: Bool) {
        self.source = source
        self.catalog = catalog
        let loaded = catalog.load(initialTheme)
        theme = loaded.theme
        state = DashboardState(width: size.width, height: size.height, themeName: loaded.theme.name,
                               themeNames: colorsAvailable ? ThemeCatalog.builtInOrder : ["mono"], colorsAvailable: colorsAvailable)
        dispatch(.capabilities(source.capabilities))
        if let warning = loaded.warning { dispatch(.message(warning)) }
    }

    /// Folds in the source's capabilities, new (or rewound) losses, events and the newest snapshot.
    public func poll() {
        let capabilities = source.capabilities
        if capabilities != state.capabilities { dispatch(.capabilities(capabilities)) }
        let (points, next) = source.losses(from: lossCursor)
        if next < lossCursor { dispatch(.lossesRewound(count: next)) }
        lossCursor = next
        if !points.isEmpty { dispatch(.losses(points)) }
        for event in source.takeEvents() { handle(event) }
        refreshSnapshot()
    }

    /// Takes the newest snapshot if it is new.
    public func refreshSnapshot() {
        if let snapshot = source.latestSnapshot(), snapshot.sequence != lastSequence {
            lastSequence = snapshot.sequence
            dispatch(.snapshot(snapshot))
        }
    }

    /// Folds in one event from the source.
    public func handle(_ event: TrainerEvent) { dispatch(.event(event)) }

    /// Switches to a theme by name or path (a warning, if any, goes to the status line).
    public func setTheme(_ name: String) { dispatch(themeChange(name)) }

    /// Loads a theme for the screen; the action that tells the state.
    private func themeChange(_ name: String) -> Action {
        let loaded = catalog.load(name)
        theme = loaded.theme
        return .themeChanged(name: loaded.theme.name, warning: loaded.warning)
    }

    /// Shows pressed keys in an overlay (for recordings).
    public func showKeys(_ on: Bool) { dispatch(.showKeys(on)) }

    /// Runs the reducer, carries out its effects and folds in what came of them; returns the
    /// commands sent to the source, in order.
    @discardableResult
    public func dispatch(_ action: Action) -> [TrainerCommand] {
        var sent: [TrainerCommand] = []
        var pending = [action]
        while !pending.isEmpty {
            let next = pending.removeFirst()
            for effect in reduce(&state, next) { pending += perform(effect, sent: &sent) }
        }
        return sent
    }

    /// Carries out one effect; returns the actions that report its outcome.
    private func perform(_ effect: Effect, sent: inout [TrainerCommand]) -> [Action] {
        switch effect {
        case .send(let command):
            sent.append(command)
            source.send(command)
            return []
        case .quit:
            quitting = true
            return []
        case .changeTheme(let name):
            return [themeChange(name)]
        case .listCheckpoints:
            return [.checkpoints(checkpointFiles())]
        case .writeFrame:
            return [.message(writeFrame())]
        case .savePreferences(let preferences):
            return savePreferences(preferences).map { [.message($0)] } ?? []
        case .autograd(let command):
            return autograd(command)
        case .reductions(let request):
            do {
                return [.reductions(try ReductionLab.explore(request.batch, sequence: request.sequence, settings: request.settings))]
            } catch {
                return [.reductionProblem(error.description)]
            }
        }
    }

    /// Carries out a stepper page command on the session; returns its new view (or why a typed program cannot be evaluated).
    ///
    /// With the fixed-order kernels: a model's graph then prints the same digits on every CPU.
    private func autograd(_ command: AutogradCommand) -> [Action] {
        withDeterministicAlgorithms { autogradSteps(command) }
    }

    private func autogradSteps(_ command: AutogradCommand) -> [Action] {
        switch command {
        case .preset(let index):
            let presets = AutogradSession.presets
            autogradSession = try? AutogradSession(presets[((index % presets.count) + presets.count) % presets.count])
        case .program(let text):
            do {
                autogradSession = try AutogradSession(text)
            } catch {
                return [.autogradProblem(error.description)]
            }
        case .begin(let seed, let retainGraph):
            guard let session = autogradSession, !session.seeds.isEmpty else { return [] }
            session.begin(session.seeds[min(seed, session.seeds.count - 1)], retainGraph: retainGraph)
        case .step:
            guard let session = autogradSession else { return [] }
            if !session.isStepping { return [.message("no backward under way: b calls backward")] }
            session.step()
        case .finish:
            autogradSession?.finish()
        case .model(let batch, let sample, let classNames):
            let trainer = source.sourceChain.lazy.compactMap { $0 as? TrainerController }.first
            guard let model = trainer?.modelCopy(timeout: 10) else {
                return [.message("the model's graph needs the run this dashboard trains (a replay or an attached script lends no model)")]
            }
            do {
                autogradSession = try ModelGraph.session(model: model, batch: batch, sample: sample, classNames: classNames)
            } catch {
                return [.autogradProblem(error.description)]
            }
        }
        return autogradSession.map { [.autograd($0.view)] } ?? []
    }

    /// Reads the preferences file (when there is one) and applies it: smoothing, log scale,
    /// the speed limit of a live source; a damaged file is a warning and the defaults.
    public func loadPreferences() {
        guard let preferencesFile else { return }
        let (preferences, warning) = preferencesFile.load()
        dispatch(.applyPreferences(preferences, warning: warning))
    }

    /// Writes the preferences; returns a message when that failed.
    private func savePreferences(_ preferences: Preferences) -> String? {
        guard let preferencesFile else { return nil }
        do {
            try preferencesFile.save(preferences)
            return nil
        } catch {
            return "cannot save preferences: \(error)"
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

    /// Writes the current screen as plain text under `frames/` as `frame-step-N.txt`; returns a
    /// message (see `TextFrames.write`).
    public func writeFrame() -> String {
        TextFrames.write(frame(), folder: frameFolder, base: String(format: "frame-step-%06d", state.snapshot?.step ?? 0))
    }
}

/// Screens written as text files (`F`): the dashboard's and the board's.
public enum TextFrames {
    /// The most names `write` tries for one base name (`BASE.txt`, `BASE-2.txt`, ..., `-999`).
    static let namesPerBase = 999

    /// Writes `frame`'s text under `folder` as `BASE.txt`; returns a message. An existing file is
    /// never replaced: a second frame with the same base becomes `BASE-2.txt`, and so on, each
    /// created atomically and exclusively.
    public static func write(_ frame: Buffer, folder frameFolder: String, base: String) -> String {
        let folder = URL(fileURLWithPath: frameFolder)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            return "cannot write a frame: cannot create \(frameFolder) (\(error.localizedDescription))"
        }
        StaleTemporaryFiles.remove(in: folder)
        let text = Data((frame.text + "\n").utf8)
        do {
            for number in 1...namesPerBase {
                let name = "\(frameFolder)/\(base)\(number == 1 ? "" : "-\(number)").txt"
                if try AtomicFile.create(text, at: URL(fileURLWithPath: name)) { return "wrote \(name)" }
            }
        } catch {
            return "cannot write a frame: \(error)"
        }
        return "cannot write a frame: \(frameFolder) already has \(namesPerBase) frames named \(base)"
    }
}
