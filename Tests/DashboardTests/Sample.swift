import Foundation
import Dashboard
import Telemetry

/// A hand-made training moment: every panel has something to draw, and nothing depends on time.
enum Sample {
    /// A bell-shaped histogram in the trainer's bin count (Histogram.displayBins).
    static func histogram(center: Double, spread: Double, count: Int = 1000) -> Histogram {
        let bins = Histogram.displayBins
        let counts = (0..<bins).map { i -> Int in
            let x = (Double(i) - Double(bins - 1) / 2) / (Double(bins) / 5)
            return Int((40 * exp(-x * x / 2)).rounded())
        }
        return Histogram(counts: counts, low: center - 2.5 * spread, high: center + 2.5 * spread, below: 3, above: 2,
                         count: count, mean: center, std: spread, min: center - 3 * spread, max: center + 3 * spread)
    }

    /// A flat histogram (a uniform initialisation): every bin the same count.
    static func uniform(bound: Double) -> Histogram {
        Histogram(counts: Array(repeating: 1, count: Histogram.displayBins), low: -bound, high: bound, below: 0, above: 0,
                  count: Histogram.displayBins, mean: 0, std: bound / 3.squareRoot(), min: -bound, max: bound)
    }

    static func snapshot() -> TrainingSnapshot {
        let record = InitRecord(method: InitChoice(name: "normal_", arguments: [.init("mean", "0.0"), .init("std", "0.01")]), step: 120,
                                spread: .normal(mean: 0, std: 0.01), before: uniform(bound: 0.0357),
                                after: histogram(center: 0, spread: 0.01))
        let parameters = [("1.weight", [256, 784], 0.29), ("1.bias", [256], 0.019), ("3.weight", [10, 256], 0.43), ("3.bias", [10], 1e-8)]
            .map { name, shape, norm in
                ParameterSnapshot(name: name, shape: shape, values: name == "3.weight" ? uniform(bound: 0.0625) : histogram(center: 0.001, spread: 0.03),
                                  initialization: record,
                                  gradient: GradientStats(l2Norm: norm, mean: -1.4e-5, std: 0.001, maxAbs: 0.0072, zeroFraction: 0.17, updateRatio: 2.3e-5),
                                  gradientText: "tensor([[ 0.0000e+00,  1.2000e-03,  ..., -4.0000e-04]])",
                                  tiles: [], gradientTiles: (0..<784).map { Float(($0 % 28) - 14) * 1e-4 }, tileShape: [1, 28, 28],
                                  normHistory: (0..<30).map { 0.2 + 0.01 * Double($0 % 7) })
            }
        let pixels: [UInt8] = (0..<(16 * 784)).map { i -> UInt8 in
            let row = i % 784 / 28, column = i % 28
            return UInt8((row * 9 + column * 3) % 256)
        }
        let batch = BatchPreview(width: 28, height: 28, pixels: pixels, labels: (0..<16).map { $0 % 10 },
                                 predictions: (0..<16).map { $0 % 3 == 0 ? ($0 + 1) % 10 : $0 % 10 },
                                 confidences: (0..<16).map { 0.5 + Double($0) / 40 }, losses: Array(repeating: 0.3, count: 16))
        var confusion = [[Int]](repeating: [Int](repeating: 2, count: 10), count: 10)
        for i in 0..<10 { confusion[i][i] = 80 + i }
        let epochs = (1...2).map { e in
            EpochResult(epoch: e, step: e * 100, trainLoss: 0.6 / Double(e), testLoss: 0.5 / Double(e), testAccuracy: 0.8 + 0.03 * Double(e),
                        perClassAccuracy: (0..<10).map { 0.8 + Double($0) / 100 }, confusion: confusion, seconds: 1.2)
        }
        return TrainingSnapshot(
            sequence: 7, state: .running, step: 250, epoch: 3, totalEpochs: 10, stepInEpoch: 50, stepsPerEpoch: 100,
            samplesPerSecond: 98_765, learningRate: 0.001, optimizerDescription: "Adam(lr=0.001)", optimizerName: "Adam",
            modelDescription: "mlp (784→256→10)", batchSize: 128, initDescription: "default()",
            classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            imageShape: [1, 28, 28],
            epochResults: epochs, parameters: parameters, batch: batch,
            journal: [JournalEntry(step: 120, kind: .reinitialize, text: "normal_ on all"), JournalEntry(step: 180, kind: .learningRate, text: "lr 0.002 → 0.001")],
            initChoices: [InitChoice(name: "default"), InitChoice(name: "xavier_uniform_", arguments: [.init("gain", "1.0")])],
            lossCount: 250, seconds: 12)
    }

    static func losses() -> [LossPoint] {
        (1...250).map { step -> LossPoint in
            let t = Double(step)
            let loss: Double = 2.3 * exp(-t / 60) + 0.3 + 0.05 * sin(t)
            // The journal's lr change at step 180.
            return LossPoint(step: step, loss: loss, segment: 0, learningRate: step < 180 ? 0.002 : 0.001)
        }
    }

    /// The sizes every golden screen is recorded at.
    static let sizes = [(80, 24), (100, 30), (120, 40), (200, 60)]

    /// A state showing the sample at `width`×`height`.
    static func state(width: Int, height: Int, theme: String = "dark") -> DashboardState {
        var state = DashboardState(width: width, height: height, themeName: theme, themeNames: ["dark", "light"])
        _ = reduce(&state, .snapshot(snapshot()))
        _ = reduce(&state, .losses(losses()))
        return state
    }
}
