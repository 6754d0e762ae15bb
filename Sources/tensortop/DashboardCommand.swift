import App
import ArgumentParser
import Dashboard
import Datasets
import FileWriting
import Foundation
import Recording
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

    @Option(name: .long, help: ArgumentHelp("Record the session as an asciicast v2 file (asciinema play FILE).", valueName: "file.cast"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("Record the run's telemetry here as it happens (.ttrun; replay it with `tensortop replay`) instead of under runs/. An existing file is refused.", valueName: "file"))
    var recordRun: String?

    @Flag(name: .long, help: "Do not record the run (by default it goes to runs/DATE-TIME.ttrun).")
    var noRecordRun = false

    @Option(name: .long, help: ArgumentHelp("The run recording's size cap: past it snapshots are no longer recorded (losses and events go on up to half as much again). E.g. 256M, 1G, 500K, or none.", valueName: "size"))
    var recordRunLimit: String = "256M"

    @OptionGroup var tensorboardOptions: TensorBoardOptions

    @Flag(name: .long, help: "Show pressed keys in an overlay (for recordings).")
    var keys = false

    func validate() throws {
        do {
            _ = try options.makeConfig()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        if noRecordRun && recordRun != nil { throw ValidationError("--record-run and --no-record-run contradict each other; give one") }
        do {
            _ = try RunRecorder.parseSize(recordRunLimit)
        } catch {
            throw ValidationError("--record-run-limit: \(error)")
        }
    }

    func run() throws {
        var config = try options.makeConfig()
        config.keepAliveWhenFinished = true
        config.snapshotInterval = 0.1
        // Find the data and check --record's destination before taking over the terminal, so
        // a problem is a plain message and nothing is lost at the end.
        _ = try CommandLineError.wrap { try FashionMNIST.locate(root: config.dataRoot.map { URL(fileURLWithPath: $0) }) }
        let recordURL = record.map { URL(fileURLWithPath: $0) }
        if let recordURL { try CommandLineError.wrap { try AtomicFile.prepareDestination(recordURL) } }
        try RunRecorder.checkDestination(recordRun)
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        let controller = try CommandLineError.wrap { try TrainerController.start(config) }
        // Likewise data the trainer cannot read (a damaged file, a bomb): a message, not a failed dashboard.
        if let failure = controller.startupFailure() {
            controller.join()
            throw CommandLineError(description: failure)
        }
        // The run is recorded (once it has started, so a failed start leaves no file): to
        // --record-run, or by default under runs/ where a problem is a warning, not an error.
        let (recorder, warning) = try makeRecorder(stoppingOnError: controller)
        if let warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let session = TerminalSession(theme: theme, showKeys: keys, recordCast: record != nil)
        // The dashboard watches the run through a recording source, which writes what passes.
        let runRecording = recorder.map { RecordingSource(controller, recorder: $0) }
        // With --tensorboard, through the TensorBoard logger too.
        let recorded: any TelemetrySource = runRecording ?? controller
        let logging = try tensorboardOptions.logging(recorded, stopping: controller)
        defer { logging?.finish() }
        let recording = session.run(logging ?? recorded, catalog: catalog) { app in
            if let warning { app.dispatch(.message("warning: \(warning)")) }
            if let recorder { app.dispatch(.message("recording this run to \(RunRecorder.shown(recorder.path))")) }
            if let folder = tensorboardOptions.tensorboard { app.dispatch(.message("logging for TensorBoard to \(folder) (tensortop board \(folder))")) }
        }
        controller.send(.stop)
        controller.join()
        RunRecorder.finish(runRecording, announce: true)
        // The terminal was taken over meanwhile: say it again where it stays.
        if let warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        if let recordURL, let recording {
            do {
                try AtomicFile.write(Data(recording.text.utf8), to: recordURL)
            } catch {
                throw CommandLineError(description: "cannot write the recording: \(error)")
            }
        }
    }

    /// The run's recorder: at `--record-run` (an error stops the trainer and is thrown), none
    /// with `--no-record-run`, else a new file under runs/ (a problem is a warning and no recording).
    private func makeRecorder(stoppingOnError controller: TrainerController) throws -> (Recorder?, String?) {
        let maxBytes = try RunRecorder.parseSize(recordRunLimit)
        if noRecordRun { return (nil, nil) }
        guard let recordRun else { return RunRecorder.createInRunsFolder(maxBytes: maxBytes) }
        do {
            return (try RunRecorder.create(recordRun, maxBytes: maxBytes), nil)
        } catch {
            controller.send(.stop)
            controller.join()
            throw error
        }
    }
}
