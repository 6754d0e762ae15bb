import Foundation
import Dashboard
import Telemetry

/// A hand-made moment of the `cnn` preset's training: filters, feature maps, buffers, nothing timed.
enum ConvSample {
    /// Sixteen 5×5 filters: each an oriented edge (a signed ramp) at its own angle and strength.
    static func filters() -> [Float] {
        (0..<16).flatMap { unit -> [Float] in
            let angle = Double(unit) * Double.pi / 8, strength = 0.05 + 0.01 * Double(unit % 5)
            return (0..<25).map { i in
                let (y, x) = (Double(i / 5) - 2, Double(i % 5) - 2)
                return Float(strength * (x * cos(angle) + y * sin(angle)) / 2.83)
            }
        }
    }

    /// `channels` maps of `side`×`side`: bright blobs moving with the channel, zero elsewhere (after ReLU).
    static func maps(channels: Int, side: Int) -> [Float] {
        (0..<channels).flatMap { c -> [Float] in
            (0..<(side * side)).map { i in
                let (y, x) = (Double(i / side) / Double(side), Double(i % side) / Double(side))
                let v = sin(6 * x + Double(c)) * cos(5 * y - Double(c) / 2)
                return Float(max(0, v) * (1 + Double(c % 4)))
            }
        }
    }

    static func snapshot() -> TrainingSnapshot {
        var snapshot = Sample.snapshot()
        let base = snapshot.parameters[0]
        func parameter(_ name: String, _ shape: [Int], tiles: [Float] = [], tileShape: [Int] = [],
                       spread: SpreadMark = .uniform(low: -0.2, high: 0.2)) -> ParameterSnapshot {
            var p = base
            p.name = name
            p.shape = shape
            p.tiles = tiles
            p.gradientTiles = tiles.map { -$0 / 100 }
            p.tileShape = tileShape
            p.initialization = InitRecord(method: InitChoice(name: "default"), step: 0, spread: spread,
                                          before: Sample.histogram(center: 0, spread: 0), after: Sample.uniform(bound: 0.2))
            p.gradientText = "tensor([[[[ 1.2000e-03, -4.0000e-04, ...]]]])"
            return p
        }
        snapshot.modelDescription = "cnn"
        snapshot.parameters = [
            parameter("0.weight", [16, 1, 5, 5], tiles: filters(), tileShape: [1, 5, 5]), parameter("0.bias", [16]),
            parameter("1.weight", [16], spread: .none), parameter("1.bias", [16], spread: .none),
            parameter("4.weight", [32, 16, 5, 5], spread: .uniform(low: -0.05, high: 0.05)), parameter("4.bias", [32]),
            parameter("5.weight", [32], spread: .none), parameter("5.bias", [32], spread: .none),
            parameter("9.weight", [10, 1568]), parameter("9.bias", [10]),
        ]
        snapshot.buffers = ["1", "5"].flatMap { prefix -> [BufferSnapshot] in
            let channels = prefix == "1" ? 16 : 32
            return [BufferSnapshot(name: "\(prefix).running_mean", shape: [channels], dtype: "float32", values: Sample.histogram(center: 0.013, spread: 0.01, count: channels)),
                    BufferSnapshot(name: "\(prefix).running_var", shape: [channels], dtype: "float32", values: Sample.histogram(center: 0.9, spread: 0.1, count: channels)),
                    BufferSnapshot(name: "\(prefix).num_batches_tracked", shape: [], dtype: "int64",
                                   values: Histogram(counts: [1], low: 250, high: 250, below: 0, above: 0, count: 1, mean: 250, std: 0, min: 250, max: 250))]
        }
        snapshot.featureMaps = FeatureMaps(image: 0, layers: [
            FeatureMapLayer(name: "2", kind: "ReLU", shape: [16, 28, 28], values: maps(channels: 16, side: 28)),
            FeatureMapLayer(name: "3", kind: "MaxPool2d", shape: [16, 14, 14], values: maps(channels: 16, side: 14)),
            FeatureMapLayer(name: "6", kind: "ReLU", shape: [32, 14, 14], values: maps(channels: 16, side: 14)),
            FeatureMapLayer(name: "7", kind: "MaxPool2d", shape: [32, 7, 7], values: maps(channels: 16, side: 7)),
        ])
        snapshot.modelMode = .train
        return snapshot
    }

    /// A state showing the sample at `width`×`height` on `page`.
    static func state(width: Int, height: Int, page: Page = .main, colors: Bool = true) -> DashboardState {
        var state = DashboardState(width: width, height: height, themeName: "dark", themeNames: ["dark"], colorsAvailable: colors)
        _ = reduce(&state, .snapshot(snapshot()))
        _ = reduce(&state, .losses(Sample.losses()))
        state.page = page
        return state
    }
}
