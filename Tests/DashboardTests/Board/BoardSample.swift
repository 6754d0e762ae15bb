import Dashboard
import Foundation
import Telemetry

/// Board data made in code: two runs of a falling loss and an accuracy, a histogram that
/// narrows over time, and a small picture.
enum BoardSample {
    static func data() -> BoardData {
        func loss(_ run: Int) -> [BoardPoint] {
            (0..<40).map { step in
                let wobble = Double((step * 7 + run * 3) % 5) * 0.04
                return BoardPoint(step: step * 10, wallTime: 1_700_000_000 + Double(step) * 2, value: 2.3 * exp(-Double(step) / Double(8 + 4 * run)) + wobble)
            }
        }
        let accuracy = (0..<5).map { BoardPoint(step: $0 * 100, wallTime: 1_700_000_000 + Double($0) * 20, value: 0.5 + 0.08 * Double($0)) }
        let histograms = (0..<6).map { index in
            let width = 2.0 / Double(index + 1)
            let buckets = (0..<10).map { i -> BoardDistribution.Bucket in
                let low = -width + Double(i) * width / 5
                return BoardDistribution.Bucket(low: low, high: low + width / 5, count: Double(10 - abs(2 * i - 9)))
            }
            return BoardDistribution(step: index * 50, wallTime: 1_700_000_000 + Double(index), buckets: buckets)
        }
        var pixels = [UInt8](repeating: 0, count: 16 * 16)
        for y in 2..<14 { for x in 6..<10 { pixels[y * 16 + x] = 255 } }
        let picture = { (step: Int) in
            BoardPicture(step: step, wallTime: 0, image: BatchPreview(width: 16, height: 16, pixels: pixels, labels: [0], predictions: [0],
                                                                    confidences: [], losses: []))
        }
        return BoardData(
            runs: ["baseline", "wide"],
            scalars: ["loss/train": [BoardSeries(run: "baseline", items: loss(0)), BoardSeries(run: "wide", items: loss(1))],
                      "accuracy/test": [BoardSeries(run: "baseline", items: accuracy)]],
            histograms: ["weights/fc.weight": [BoardSeries(run: "baseline", items: histograms), BoardSeries(run: "wide", items: histograms)]],
            images: ["batch": [BoardSeries(run: "baseline", items: [picture(0), picture(100), BoardPicture(step: 200, wallTime: 0, image: nil, problem: "not a PNG image TensorTop can read")])]])
    }

    /// A state of `width`×`height` holding the sample.
    static func state(width: Int = 100, height: Int = 30) -> BoardState {
        var state = BoardState(folder: "runs", width: width, height: height)
        _ = reduceBoard(&state, .data(data()))
        return state
    }

    /// Applies keys in order.
    static func press(_ keys: [Key], _ state: inout BoardState) -> [BoardEffect] {
        keys.flatMap { reduceBoard(&state, .key($0)) }
    }

    /// Types text key by key.
    static func type(_ text: String, _ state: inout BoardState) {
        _ = press(text.map { Key.character($0) }, &state)
    }
}
