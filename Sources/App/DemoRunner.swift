import Dashboard
import FileWriting
import Foundation
import Recording
import Telemetry
import Training

/// Plays a demo script against the real dashboard and trainer with no terminal: frames
/// become text files and the session an asciicast recording.
///
/// Training advances only through `steps N` (and the `n` key), so the same script, seed and
/// size give the same frames on a slow or a fast machine; timing figures are blanked. The run
/// can be recorded as it plays (`recordRun`), and a script can play against a recorded run
/// instead of a trainer (`replay`: the timeline keys move it, `steps` is refused).
public final class DemoRunner {
    public struct Options {
        public var width = 120
        public var height = 40
        public var framesFolder: URL?
        public var castFile: URL?
        public var showKeys = false
        public var theme = ThemeCatalog.defaultName
        /// The training settings (seed, model, ...); stepping is made manual.
        public var config = DemoRunner.defaultConfig()
        public var catalog = ThemeCatalog()
        /// Record the run as it plays (every snapshot the demo shows, timing figures zero).
        public var recordRun: URL?
        /// The tensortop version and command line named in the recording's header.
        public var recordVersion = "unknown"
        public var recordCommand = "tensortop demo"
        /// Play the script against this recording (opened paused at its first snapshot) instead of a trainer.
        public var replay: URL?
        public init() {}
    }

    /// The smallest and largest screens a demo plays on (a frame is width × height cells,
    /// each kept for every recorded frame, so the size is bounded).
    public static let smallestSize = (width: 20, height: 10)
    public static let largestSize = (width: 1000, height: 500)

    /// Checks a screen size against `smallestSize` and `largestSize`.
    public static func checkSize(width: Int, height: Int) throws {
        guard (smallestSize.width...largestSize.width).contains(width), (smallestSize.height...largestSize.height).contains(height) else {
            throw Failure(description: "the screen size must be from \(smallestSize.width)x\(smallestSize.height) to \(largestSize.width)x\(largestSize.height), got \(width)x\(height)")
        }
    }

    /// Settings that keep demos quick — 50-step epochs (6,400 training images) and 2,000 test
    /// images — and reproducible: deterministic algorithms, so frames are the same on every CPU.
    public static func defaultConfig() -> TrainingConfig {
        var config = TrainingConfig()
        config.deterministic = true
        config.trainLimit = 6400
        config.testLimit = 2000
        config.dataWorkers = 0
        return config
    }

    public let script: DemoScript
    public let options: Options
    /// The frames written, in order.
    public private(set) var framesWritten: [URL] = []
    /// The live run as the demo shows it (nil when replaying); its snapshot moves only on `sync`.
    private var scripted: ScriptedSource?
    /// The recording of the run, with `recordRun`.
    private var recording: RecordingSource?

    public init(script: DemoScript, options: Options) {
        self.script = script
        self.options = options
    }

    /// A demo command that could not be carried out.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the script; returns the text of every frame by name, in order.
    @discardableResult
    public func run() throws -> [(name: String, text: String)] {
        try Self.checkSize(width: options.width, height: options.height)
        try prepareDestinations()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tensortop-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let source: any TelemetrySource
        let checkpointFolder: String
        var controller: TrainerController?
        defer {
            if let controller {
                controller.send(.stop)
                controller.join()
            }
        }
        if let replay = options.replay {
            guard script.settings.values.isEmpty else {
                throw Failure(description: "\(script.name): `settings` need a live trainer; this demo plays the recording \(replay.path)")
            }
            source = try ReplaySource(contentsOf: replay, playing: false)
            checkpointFolder = work.appendingPathComponent("checkpoints").path
        } else {
            var config = options.config
            try script.settings.apply(to: &config)
            config.manualStepping = true
            config.keepAliveWhenFinished = true
            config.snapshotInterval = nil
            config.checkpointFolder = work.appendingPathComponent("checkpoints").path
            checkpointFolder = config.checkpointFolder
            let trainer = try TrainerController.start(config)
            controller = trainer
            let scripted = ScriptedSource(trainer, hiddenPathPrefix: work.path + "/")
            self.scripted = scripted
            if let url = options.recordRun {
                let recorder = try Recorder(creating: url, tensortopVersion: options.recordVersion, command: options.recordCommand,
                                            options: Recorder.Options(snapshotInterval: 0))
                recording = RecordingSource(scripted, recorder: recorder)
            }
            source = recording ?? scripted
        }
        defer {
            scripted = nil
            recording?.finish()
            recording = nil
        }
        let app = DashboardApp(source: source, catalog: options.catalog, initialTheme: options.theme,
                               size: (options.width, options.height), colorsAvailable: true)
        app.checkpointFolder = checkpointFolder
        app.frameFolder = options.framesFolder?.path ?? work.appendingPathComponent("frames").path
        app.showKeys(options.showKeys)
        var cast = options.castFile.map { _ in
            Asciicast(width: options.width, height: options.height, title: "TensorTop demo: \(script.name)", timestamp: Int(Date().timeIntervalSince1970))
        }
        var clock = 0.0
        var frames: [(String, String)] = []
        try sync(app)
        cast?.frame(app.frame(), at: clock)
        for (line, command) in script.commands {
            do {
                switch command {
                case .steps(let n):
                    guard scripted != nil else { throw Failure(description: "`steps` needs a live trainer; this demo plays a recorded run") }
                    try advance(app, command: .advance(n))
                    clock += 0.5
                case .key(let key):
                    try press(key, app)
                    clock += 0.25
                case .type(let text):
                    for character in text {
                        try press(.character(character), app)
                        clock += 0.1
                    }
                case .wait(let seconds):
                    clock += seconds
                case .frame(let name):
                    let text = app.frame().lines.joined(separator: "\n") + "\n"
                    frames.append((name, text))
                    if let folder = options.framesFolder {
                        let url = folder.appendingPathComponent(name + ".txt")
                        try AtomicFile.write(Data(text.utf8), to: url)
                        framesWritten.append(url)
                    }
                    cast?.marker(name, at: clock)
                case .caption(let text):
                    app.dispatch(.caption(text.isEmpty ? nil : text))
                case .theme(let name):
                    // A script names its themes: a missing or broken one is an error, not a silent default.
                    _ = try options.catalog.theme(name)
                    app.setTheme(name)
                case .resize(let width, let height):
                    app.dispatch(.resize(width: width, height: height))
                }
            } catch {
                throw Failure(description: "\(script.name):\(line): \(error)")
            }
            cast?.frame(app.frame(), at: clock)
        }
        if let castFile = options.castFile, let cast { try AtomicFile.write(Data(cast.text.utf8), to: castFile) }
        if let recording {
            recording.finish()
            if let problem = recording.recorder.problem { throw Failure(description: "the recording stopped: \(problem)") }
        }
        return frames
    }

    /// Makes the frames folder and checks both destinations before anything is played, so a
    /// bad path fails at once instead of after the whole script.
    private func prepareDestinations() throws {
        if let folder = options.framesFolder {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw Failure(description: "\(folder.path): cannot create the folder (\(error.localizedDescription))")
            }
            try AtomicFile.prepareDestination(folder.appendingPathComponent("frame.txt"))
        }
        if let castFile = options.castFile { try AtomicFile.prepareDestination(castFile) }
        if let recordRun = options.recordRun, FileManager.default.fileExists(atPath: recordRun.path) {
            throw Failure(description: "\(recordRun.path): the recording exists already; choose another name")
        }
    }

    /// How long a demo waits for the trainer to answer: a guard against a hang, not a speed check.
    /// The cnn demo's `advance 60` in a debug build (the tests' in-process replay) took close to
    /// 120 s on a busy 2-core machine and once timed out in CI.
    static let answerTimeout = 300.0

    /// Presses a key; waits until every command it sent has been carried out.
    private func press(_ key: Key, _ app: DashboardApp) throws {
        let sent = app.dispatch(.key(key))
        if sent.contains(where: { if case .step = $0 { true } else { false } }) {
            try waitForEvent(app, describing: "the step to finish") { if case .reachedStep = $0 { true } else { false } }
        }
        try sync(app)
    }

    private func advance(_ app: DashboardApp, command: TrainerCommand) throws {
        app.source.send(command)
        try waitForEvent(app, describing: "\(command) to finish") { event in
            if case .reachedStep = event { return true }
            if case .refused = event { return true }
            return false
        }
        try sync(app)
    }

    /// Waits until every earlier command is applied and a snapshot showing them is in (and,
    /// when recording, written: every snapshot the demo shows is in the recording).
    private func sync(_ app: DashboardApp) throws {
        try app.source.sendAndWait(.requestSnapshot, timeout: Self.answerTimeout, observe: { try fold($0, into: app) })
        scripted?.settle()
        app.refreshSnapshot()
        app.poll()
        recording?.recorder.waitUntilWritten()
    }

    /// Folds events into the app until one satisfies `done`; fails on a timeout or if training failed.
    private func waitForEvent(_ app: DashboardApp, describing what: String, _ done: (TrainerEvent) -> Bool) throws {
        do {
            try app.source.waitForEvent(timeout: Self.answerTimeout, describing: what, observe: { try fold($0, into: app) }, until: done)
        } catch let timeout as SourceTimeout {
            throw Failure(description: "the trainer did not answer: \(timeout)")
        }
    }

    /// Hands an event to the app; a training failure ends the demo.
    private func fold(_ event: TrainerEvent, into app: DashboardApp) throws {
        app.handle(event)
        if case .failed(let message) = event { throw Failure(description: message) }
    }
}
