import ArgumentParser
import Telemetry
import TensorBoard
import Training

/// `--tensorboard DIR` and `--tensorboard-every N`, for `train` and the dashboard: the run
/// logged as TensorBoard event files as it trains.
struct TensorBoardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also log the run for TensorBoard in this folder (created if missing; a new event file each run): loss, lr, test loss and accuracy, and every --tensorboard-every steps weight histograms, gradient norms and a batch image. Open it with `tensortop board DIR` or `tensorboard --logdir DIR`.", valueName: "folder"))
    var tensorboard: String?

    @Option(name: .long, help: ArgumentHelp("Steps between the histograms and images written for --tensorboard.", valueName: "steps"))
    var tensorboardEvery = 100

    func validate() throws {
        if tensorboardEvery < 1 {
            throw ValidationError("--tensorboard-every must be at least 1 (got \(tensorboardEvery))")
        }
    }

    /// `source` wrapped in the TensorBoard logger when `--tensorboard` is given (nil otherwise);
    /// when the folder cannot be written, the trainer is stopped and the error thrown.
    func logging(_ source: any TelemetrySource, stopping trainer: TrainerController) throws -> TensorBoardLogging? {
        guard let tensorboard else { return nil }
        do {
            return try TensorBoardLogging(source, folder: tensorboard, histogramEvery: tensorboardEvery, encodeImage: TensorBoardImages.png)
        } catch {
            trainer.send(.stop)
            trainer.join()
            throw CommandLineError(description: error.description)
        }
    }
}
