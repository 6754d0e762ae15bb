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

    @Option(name: .long, help: ArgumentHelp("Record the run's telemetry here as it happens (.ttrun; replay it with `tensortop replay`). An existing file is refused.", valueName: "file"))
    var recordRun: String?

    @Flag(name: .long, help: "Show pressed keys in an overlay (for recordings).")
    var keys = false

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
        // Find the data and check --record's destination before taking over the terminal, so
        // a problem is a plain message and nothing is lost at the end.
        _ = try CommandLineError.wrap { try FashionMNIST.locate(root: config.dataRoot.map { URL(fileURLWithPath: $0) }) }
        let recordURL = record.map { URL(fileURLWithPath: $0) }
        if let recordURL { try CommandLineError.wrap { try AtomicFile.prepareDestination(recordURL) } }
        let catalog = ThemeCatalog(executable: URL(fileURLWithPath: CommandLine.arguments[0]))
        let recorder = try RunRecorder.create(recordRun)
        let controller = try CommandLineError.wrap { try TrainerController.start(config) }
        // Likewise data the trainer cannot read (a damaged file, a bomb): a message, not a failed dashboard.
        if let failure = controller.startupFailure() {
            controller.join()
            throw CommandLineError(description: failure)
        }
        let session = TerminalSession(theme: theme, showKeys: keys, recordCast: record != nil)
        // With --record-run the dashboard watches the run through a recording source, which writes what passes.
        let runRecording = recorder.map { RecordingSource(controller, recorder: $0) }
        let recording = session.run(runRecording ?? controller, catalog: catalog)
        controller.send(.stop)
        controller.join()
        RunRecorder.finish(runRecording)
        if let recordURL, let recording {
            do {
                try AtomicFile.write(Data(recording.text.utf8), to: recordURL)
            } catch {
                throw CommandLineError(description: "cannot write the recording: \(error)")
            }
        }
    }
}
