import Foundation
import Synchronization
import Telemetry

/// A source that writes TensorBoard event files from what passes through it: wrap the real
/// source in it (`tensortop train --tensorboard DIR`), and polling it logs as a side effect.
///
/// Written: every step's training loss (`loss/train`) and learning rate (`lr`); at each
/// epoch's end the test loss and accuracy (`loss/test`, `accuracy/test`) and the epoch's mean
/// training loss (`loss/train_epoch`); every `histogramEvery` steps each parameter's values as
/// a histogram (`weights/NAME`), its gradient's L2 norm (`gradients/NAME/norm`) and the batch
/// as one image of up to 16 tiles (`batch`). A write that fails is reported once as a warning
/// event and logging stops; training goes on.
public final class TensorBoardLogging: TelemetrySource {
    public let source: any TelemetrySource
    /// The event file being written.
    public let path: String

    /// Encodes raw pixels (height × width × channels bytes, row-major) as PNG; nil leaves images out.
    public typealias ImageEncoder = @Sendable (_ width: Int, _ height: Int, _ channels: Int, _ pixels: [UInt8]) -> Data?

    private struct State {
        var writer: EventFileWriter?
        var lossCursor = 0
        var lastPicturesStep: Int?
        var failure: String?
        var failureReported = false
    }

    private let state: Mutex<State>
    private let histogramEvery: Int
    private let encodeImage: ImageEncoder?

    /// Logs `source` into a new event file in `folder`.
    /// - Throws: `LogDirectoryError` when the folder cannot be created or written.
    public init(_ source: any TelemetrySource, folder: String, histogramEvery: Int = 100,
                encodeImage: ImageEncoder? = nil) throws(LogDirectoryError) {
        let writer = try EventFileWriter(folder: folder)
        self.source = source
        path = writer.path
        self.histogramEvery = Swift.max(1, histogramEvery)
        self.encodeImage = encodeImage
        state = Mutex(State(writer: writer))
    }

    public var capabilities: SourceCapabilities { source.capabilities }
    public var wrappedSource: (any TelemetrySource)? { source }

    public func latestSnapshot() -> TrainingSnapshot? {
        let snapshot = source.latestSnapshot()
        log(snapshot: snapshot, events: [])
        return snapshot
    }

    public func losses(from cursor: Int) -> (points: [LossPoint], next: Int) { source.losses(from: cursor) }

    public func takeEvents() -> [TrainerEvent] { logged(source.takeEvents()) }

    public func waitForEvents(timeout seconds: Double) -> [TrainerEvent] { logged(source.waitForEvents(timeout: seconds)) }

    @discardableResult
    public func send(_ command: TrainerCommand) -> CommandID { source.send(command) }

    /// Writes what is left and closes the file.
    public func finish() {
        log(snapshot: source.latestSnapshot(), events: [])
        state.withLock { $0.writer = nil }
    }

    private func logged(_ events: [TrainerEvent]) -> [TrainerEvent] {
        log(snapshot: source.latestSnapshot(), events: events)
        let warning: String? = state.withLock { state in
            guard let failure = state.failure, !state.failureReported else { return nil }
            state.failureReported = true
            return failure
        }
        return events + (warning.map { [.warning("TensorBoard log stopped: \($0)")] } ?? [])
    }

    private func log(snapshot: TrainingSnapshot?, events: [TrainerEvent]) {
        state.withLock { state in
            guard let writer = state.writer else { return }
            let now = Date().timeIntervalSince1970
            let (points, next) = source.losses(from: state.lossCursor)
            state.lossCursor = next
            // A branched run's branches each get their own curves: `loss/train` for A, `loss/train/B` for B, ...
            func tag(_ base: String, branch: Int) -> String { branch == 0 ? base : base + "/" + BranchSummary.name(branch) }
            for point in points {
                let step = Int64(point.step)
                writer.append(EventEncoding.scalar(tag: tag("loss/train", branch: point.branch), step: step, wallTime: now, value: Float(point.loss)))
                if let rate = point.learningRate {
                    writer.append(EventEncoding.scalar(tag: tag("lr", branch: point.branch), step: step, wallTime: now, value: Float(rate)))
                }
            }
            // Epoch results arrive as events, from the branch training then (the snapshot's).
            let branch = snapshot?.branch ?? 0
            for case .epochFinished(let result) in events {
                let step = Int64(result.step)
                writer.append(EventEncoding.scalar(tag: tag("loss/test", branch: branch), step: step, wallTime: now, value: Float(result.testLoss)))
                writer.append(EventEncoding.scalar(tag: tag("accuracy/test", branch: branch), step: step, wallTime: now,
                                                   value: Float(result.testAccuracy)))
                writer.append(EventEncoding.scalar(tag: tag("loss/train_epoch", branch: branch), step: step, wallTime: now,
                                                   value: Float(result.trainLoss)))
            }
            if let snapshot, snapshot.step > 0,
               state.lastPicturesStep.map({ snapshot.step >= $0 + histogramEvery }) ?? true {
                state.lastPicturesStep = snapshot.step
                logPictures(of: snapshot, into: writer, wallTime: now)
            }
            do {
                try writer.flush()
            } catch {
                state.failure = String(describing: error)
                state.writer = nil
            }
        }
    }

    private func logPictures(of snapshot: TrainingSnapshot, into writer: EventFileWriter, wallTime: Double) {
        let step = Int64(snapshot.step)
        for parameter in snapshot.parameters {
            writer.append(EventEncoding.histogram(tag: "weights/\(parameter.name)", step: step, wallTime: wallTime,
                                                  BoardHistogram(parameter.values)))
            if let gradient = parameter.gradient {
                writer.append(EventEncoding.scalar(tag: "gradients/\(parameter.name)/norm", step: step, wallTime: wallTime,
                                                   value: Float(gradient.l2Norm)))
            }
        }
        if let encodeImage, let batch = snapshot.batch, let grid = BatchGrid(batch),
           let png = encodeImage(grid.width, grid.height, grid.channels, grid.pixels) {
            writer.append(EventEncoding.image(tag: "batch", step: step, wallTime: wallTime,
                                              EncodedImage(width: grid.width, height: grid.height, bytes: png), channels: grid.channels))
        }
    }
}
