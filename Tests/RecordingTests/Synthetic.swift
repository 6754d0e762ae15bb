import Foundation
import Recording
import Synchronization
import Telemetry

/// Made-up telemetry for the recording tests: no trainer involved.
enum Synthetic {
    /// A snapshot at `step`, with one parameter (a 2520-bin histogram, mostly zeros) and a batch.
    static func snapshot(step: Int, lossCount: Int, sequence: Int? = nil, state: RunState = .running,
                         bins: Int = Histogram.displayBins) -> TrainingSnapshot {
        var counts = [Int](repeating: 0, count: bins)
        counts[step % counts.count] = 10
        let values = Histogram(counts: counts, low: -1, high: 1, below: 0, above: 0, count: 10, mean: 0, std: 0.5, min: -1, max: 1)
        let parameter = ParameterSnapshot(
            name: "0.weight", shape: [4, 4], values: values, initialization: nil,
            gradient: GradientStats(l2Norm: 1, mean: 0, std: 0.1, maxAbs: 0.5, zeroFraction: 0, updateRatio: 1e-3),
            gradientText: "tensor([[0.1]])", tiles: [], gradientTiles: [], normHistory: [1, 0.5])
        let batch = BatchPreview(channels: 1, width: 2, height: 2, pixels: [0, 64, 128, 255], labels: [3], predictions: [3],
                                 confidences: [0.9], losses: [0.1])
        return TrainingSnapshot(sequence: sequence ?? step, state: state, step: step, epoch: 1 + step / 10, totalEpochs: 3,
                                stepInEpoch: step % 10, stepsPerEpoch: 10, learningRate: 0.1, classNames: ["a", "b", "c", "d"],
                                imageShape: [1, 2, 2], parameters: [parameter], batch: batch,
                                journal: [JournalEntry(step: 0, kind: .resume, text: "started")], lossCount: lossCount)
    }

    /// Loss points `range` (step i has loss 1/(i+1)).
    static func losses(_ range: Range<Int>, segment: Int = 0) -> [LossPoint] {
        range.map { LossPoint(step: $0, loss: 1 / Double($0 + 1), segment: segment, learningRate: 0.1) }
    }

    static let header = RunHeader(tensortopVersion: "0.1.0-test", started: 1_800_000_000, command: "synthetic")

    /// A small recording: three snapshots (steps 0, 10, 20) with their losses, an event after each
    /// of the first two, a command, and the end marker. Histograms have `bins` bins.
    static func records(bins: Int = Histogram.displayBins) -> [RunRecord] {
        [
            .header(header),
            .losses(LossBatch(first: 0, points: losses(0..<1))),
            .snapshot(snapshot(step: 0, lossCount: 1, bins: bins)),
            .event(.warning("first")),
            .command(id: 1, command: .setLearningRate(0.05)),
            .event(.applied(1, "lr 0.1 → 0.05")),
            .losses(LossBatch(first: 1, points: losses(1..<11))),
            .snapshot(snapshot(step: 10, lossCount: 11, bins: bins)),
            .event(.epochFinished(EpochResult(epoch: 1, step: 10, trainLoss: 0.5, testLoss: 0.6, testAccuracy: 0.7,
                                              perClassAccuracy: [0.7], confusion: [[1]], seconds: 1))),
            .losses(LossBatch(first: 11, points: losses(11..<21))),
            .snapshot(snapshot(step: 20, lossCount: 21, state: .finished, bins: bins)),
            .event(.finished),
            .end(RunEnd(seconds: 2, snapshots: 3, lossPoints: 21, events: 4)),
        ]
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let time = Mutex(1000.0)
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
    var read: @Sendable () -> Double { { [self] in time.withLock { $0 } } }
}

/// A fresh folder for one test's files, removed by `remove`.
struct ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tt-recording-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    /// A recorder creating `name` here.
    func recorder(_ name: String, _ options: Recorder.Options = Recorder.Options()) throws -> (URL, Recorder) {
        let file = file(name)
        return (file, try Recorder(creating: file, tensortopVersion: "test", command: name, options: options))
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}
