import ArgumentParser
import FileWriting
import Foundation
import Recording
import Synchronization
import Telemetry
import TensorBoard
import Training

/// `tensortop train`: train without the dashboard.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train on Fashion-MNIST without the dashboard.",
        discussion: """
            Prints one line per epoch (train loss, test loss, test accuracy, seconds), or with --json \
            one JSON object per epoch on stdout (epoch, step, train_loss, test_loss, test_accuracy, \
            seconds, samples_per_s). On a terminal a progress bar with loss, samples/s \
            and ETA runs on stderr. Ctrl-C stops after the current step and still writes --save.
            """)

    @OptionGroup var options: TrainingOptions

    @Option(name: .long, help: ArgumentHelp("Write the trained model here (.safetensors: architecture + weights; .pth: a PyTorch state dict).", valueName: "file"))
    var save: String?

    @Option(name: .long, help: ArgumentHelp("Record the run's telemetry here as it happens (.ttrun; replay it with `tensortop replay`). An existing file is refused.", valueName: "file"))
    var record: String?

    @OptionGroup var tensorboardOptions: TensorBoardOptions

    @Flag(name: .long, help: "Write one JSON object per epoch to stdout instead of text (with the epoch's training samples/s as samples_per_s).")
    var json = false

    @Flag(name: .long, help: "Train without any dashboard (what `train` always does; accepted for clarity in scripts).")
    var headless = false

    func validate() throws {
        do {
            _ = try options.makeConfig()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        if let save, !(save.hasSuffix(".safetensors") || save.hasSuffix(".pth") || save.hasSuffix(".pt")) {
            throw ValidationError("--save must end in .safetensors, .pth or .pt (got '\(save)')")
        }
    }

    func run() throws {
        var config = try options.makeConfig()
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        config.keepAliveWhenFinished = true
        config.snapshotInterval = progress.enabled || record != nil || tensorboardOptions.tensorboard != nil ? 0.25 : nil
        // A missing or read-only destination must fail now, not after every epoch has run.
        if let save { try CommandLineError.wrap { try AtomicFile.prepareDestination(URL(fileURLWithPath: save)) } }
        try RunRecorder.checkDestination(record)
        let trainer = try CommandLineError.wrap { try TrainerController.start(config) }
        // The recording is created once training has started: a run that fails at startup
        // (missing or damaged data) leaves no file behind to refuse the next attempt.
        if let failure = trainer.startupFailure() {
            trainer.send(.stop)
            trainer.join()
            throw CommandLineError(description: failure)
        }
        let recorder: Recorder?
        do {
            recorder = try RunRecorder.create(record)
        } catch {
            trainer.send(.stop)
            trainer.join()
            throw error
        }
        // With --record, everything goes through the recording source, which writes what passes;
        // with --tensorboard, through the TensorBoard logger too.
        let recording = recorder.map { RecordingSource(trainer, recorder: $0) }
        let inner: any TelemetrySource = recording ?? trainer
        let logging = try tensorboardOptions.logging(inner, stopping: trainer)
        let controller: any TelemetrySource = logging ?? inner
        defer {
            logging?.finish()
            RunRecorder.finish(recording)
        }
        let interrupt = InterruptWatch()
        var outcome: TrainerEvent?
        var stopSent = false
        var lossCursor = 0
        var lastLoss: Double?
        while outcome == nil {
            for event in controller.waitForEvents(timeout: 0.2) {
                switch event {
                case .epochFinished(let result):
                    progress.clear()
                    EpochReport.print(result, of: config.epochs, json: json)
                case .warning(let text):
                    progress.clear()
                    FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
                case .finished, .stopped, .diverged, .failed:
                    outcome = event
                default:
                    break
                }
            }
            if interrupt.fired && !stopSent {
                progress.clear()
                FileHandle.standardError.write(Data("interrupted: stopping after the current step\n".utf8))
                if let save { controller.send(.save(path: save)) }
                controller.send(.stop)
                stopSent = true
            }
            if progress.enabled {
                let (points, next) = controller.losses(from: lossCursor)
                lossCursor = next
                lastLoss = points.last?.loss ?? lastLoss
                if let snapshot = controller.latestSnapshot(), outcome == nil { progress.draw(snapshot, loss: lastLoss) }
            }
        }
        progress.clear()
        if case .failed(let message) = outcome {
            // Nothing to save; a trainer still waiting for commands (a failure mid-run) stops.
            if !stopSent { controller.send(.stop) }
            trainer.join()
            throw CommandLineError(description: message)
        }
        if !stopSent, let save { try saveAndConfirm(save, with: controller) }
        if !stopSent { controller.send(.stop) }
        trainer.join()
        switch outcome {
        case .diverged(let step, let loss):
            throw CommandLineError(description: "diverged at step \(step) (loss \(loss)); try a smaller --lr")
        default:
            if stopSent, let save { FileHandle.standardError.write(Data("saved \(save)\n".utf8)) }
        }
    }

    /// How long the trainer may take to write `--save` (a big model on a slow disk) before we give up.
    static let saveTimeout = 600.0

    /// Asks the trainer to write `path` and waits for its answer; a refusal or no answer is an error.
    private func saveAndConfirm(_ path: String, with controller: any TelemetrySource) throws {
        let answer: TrainerEvent
        do {
            answer = try controller.sendAndWait(.save(path: path), timeout: Self.saveTimeout)
        } catch {
            throw CommandLineError(description: "the trainer did not confirm writing \(path) within \(Int(Self.saveTimeout / 60)) minutes; "
                                   + "the file may be missing or incomplete")
        }
        switch answer {
        case .applied(_, let text): FileHandle.standardError.write(Data("\(text)\n".utf8))
        case .refused(_, let reason): throw CommandLineError(description: reason)
        default: break  // sendAndWait returns only the command's acknowledgement
        }
    }
}

/// Notices Ctrl-C and SIGTERM (instead of dying) so a run can stop cleanly.
final class InterruptWatch {
    /// The flag the signal handlers set, shared with their dispatch queue.
    private final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    init() {
        let flag = self.flag
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.raised.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    var fired: Bool { flag.raised.load(ordering: .relaxed) }
}

/// One line per epoch, as text or JSON.
enum EpochReport {
    struct Line: Encodable {
        let epoch: Int
        let step: Int
        let train_loss: Double
        let test_loss: Double
        let test_accuracy: Double
        let seconds: Double
        /// Training samples of the epoch ÷ its training seconds (absent when either is unknown).
        let samples_per_s: Double?
    }

    /// Prints `r`, as text or as one JSON line.
    static func print(_ r: EpochResult, of epochs: Int, json: Bool) {
        if json {
            let rate = r.samplesPerSecond
            let line = Line(epoch: r.epoch, step: r.step, train_loss: r.trainLoss, test_loss: r.testLoss, test_accuracy: r.testAccuracy,
                            seconds: r.seconds, samples_per_s: rate)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Swift.print(String(decoding: (try? encoder.encode(line)) ?? Data(), as: UTF8.self))
        } else {
            Swift.print(String(format: "epoch %ld/%ld  train loss %.4f  test loss %.4f  test accuracy %.4f  %.1f s",
                               r.epoch, epochs, r.trainLoss, r.testLoss, r.testAccuracy, r.seconds))
        }
        fflush(nil)
    }
}

/// A progress bar redrawn in place on stderr (only on a terminal; logs get no control characters).
struct ProgressLine {
    let enabled: Bool

    func draw(_ s: TrainingSnapshot, loss: Double?) {
        guard enabled, s.stepsPerEpoch > 0 else { return }
        let fraction = Swift.min(Swift.max(Double(s.stepInEpoch) / Double(s.stepsPerEpoch), 0), 1)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        // In doubles: epochs × steps overflows Int for --epochs near Int.max.
        let remainingSteps = Double(s.totalEpochs - s.epoch) * Double(s.stepsPerEpoch) + Double(s.stepsPerEpoch - s.stepInEpoch)
        let eta = s.samplesPerSecond > 0 ? remainingSteps * Double(s.batchSize) / s.samplesPerSecond : 0
        let lossText = loss.map { String(format: "  loss %.4f", $0) } ?? ""
        let text = String(format: "\r\u{1B}[2Kepoch %ld/%ld %@ %3.0f%%  %.0f samples/s  ETA %@%@",
                          max(s.epoch, 1), s.totalEpochs, bar, fraction * 100, s.samplesPerSecond, Self.duration(eta), lossText)
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `m:ss` for `seconds`, `h:mm:ss` past an hour, `>999 days` past any useful figure (never traps).
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        guard seconds < 999 * 86_400 else { return ">999 days" }
        let total = Int(seconds)
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
