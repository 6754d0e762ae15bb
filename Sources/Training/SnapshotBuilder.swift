import NN
import Tensors
import Telemetry

/// Turns the trainer's live tensors into a snapshot of plain values (histograms, statistics, previews).
enum SnapshotBuilder {
    /// Units of a first-layer weight `[units, C·H·W]` shown as image tiles.
    static let tileUnits = 16

    /// The histogram of a tensor's values (a mean within float noise of the values' size shown as 0).
    static func histogram(_ tensor: Tensor) -> Histogram {
        var histogram = tensor.withFloats { Histogram(UnsafeBufferPointer(start: $0, count: tensor.count)) }
        histogram.mean = zeroingNoise(histogram.mean, scale: Swift.max(Swift.abs(histogram.min), Swift.abs(histogram.max)))
        return histogram
    }

    /// Relative size below which a statistic is float rounding noise of its scale.
    static let noiseLevel = 1e-6

    /// `value`, or 0 when it is zero within float noise of `scale` (|value| < 1e-6 · scale).
    ///
    /// A mean of values that cancel (a gradient's mean, for instance) comes out as rounding
    /// noise such as 1.8e-11 or -7e-10, whose digits change with the order of float operations;
    /// showing it as 0 says what it is and keeps views the same wherever they are computed.
    static func zeroingNoise(_ value: Double, scale: Double) -> Double {
        Swift.abs(value) < noiseLevel * scale ? 0 : value
    }

    /// Gradient statistics and the update ratio lr·‖g‖/‖w‖.
    static func gradientStats(_ parameter: Tensor, _ gradient: Tensor, learningRate: Double) -> GradientStats {
        let n = gradient.count
        let (sum, squares, maxAbs, zeros) = gradient.withFloats { g -> (Double, Double, Double, Int) in
            var sum = 0.0, squares = 0.0, maxAbs = 0.0
            var zeros = 0
            for i in 0..<n {
                let v = Double(g[i])
                sum += v
                squares += v * v
                maxAbs = Swift.max(maxAbs, Swift.abs(v))
                if g[i] == 0 { zeros += 1 }
            }
            return (sum, squares, maxAbs, zeros)
        }
        let weightNorm = parameter.withFloats { w in
            (0..<parameter.count).reduce(0.0) { $0 + Double(w[$1]) * Double(w[$1]) }.squareRoot()
        }
        let mean = n > 0 ? sum / Double(n) : 0
        let variance = n > 1 ? Swift.max(0, (squares - sum * mean) / Double(n - 1)) : 0
        let norm = squares.squareRoot()
        return GradientStats(l2Norm: norm, mean: zeroingNoise(mean, scale: maxAbs), std: variance.squareRoot(), maxAbs: maxAbs,
                             zeroFraction: n > 0 ? Double(zeros) / Double(n) : 0,
                             updateRatio: weightNorm > 0 ? learningRate * norm / weightNorm : 0)
    }

    /// The first units of a `[units, C·H·W]` tensor whose rows are images of `imageShape`, for
    /// tiles (empty for other shapes).
    static func tiles(_ tensor: Tensor?, imageShape: [Int]) -> [Float] {
        let size = imageShape.reduce(1, *)
        guard let tensor, !imageShape.isEmpty, tensor.rank == 2, tensor.shape[1] == size else { return [] }
        let units = Swift.min(tileUnits, tensor.shape[0])
        return tensor.withFloats { Array(UnsafeBufferPointer(start: $0, count: units * size)) }
    }

    /// The batch's first images with labels, predictions, confidences, per-sample losses and logits.
    ///
    /// `images` is `[B, C, H, W]` (or `[B, H, W]`, one channel) with values in [0, 1].
    static func preview(images: Tensor, labels: Tensor, logits: Tensor, count: Int) -> BatchPreview {
        let n = Swift.min(count, labels.count)
        let shape = imageShape(of: images)
        let size = shape.reduce(1, *)
        let pixels = images.withFloats { p in
            // NaN and ±inf become 0 and 255 without trapping.
            (0..<(n * size)).map { i -> UInt8 in
                let v = (p[i] * 255).rounded()
                return v.isNaN ? 0 : UInt8(Swift.max(0, Swift.min(255, v)))
            }
        }
        let head = logits[0..<n]
        let target = labels[0..<n]
        let (probabilities, losses) = noGrad {
            ((try? head.softmax(dim: 1)) ?? head, Tensor.crossEntropy(head.contiguous(), target.contiguous(), reduction: .none))
        }
        let classes = logits.shape[1]
        let probs = probabilities.scalars
        var predictions: [Int] = []
        var confidences: [Double] = []
        for i in 0..<n {
            let row = probs[(i * classes)..<((i + 1) * classes)]
            let best = row.indices.max { row[$0] < row[$1] }!
            predictions.append(best - i * classes)
            confidences.append(Double(row[best]))
        }
        return BatchPreview(channels: shape[0], width: shape[2], height: shape[1], pixels: pixels, labels: target.int64Scalars.map(Int.init),
                            predictions: predictions, confidences: confidences, losses: losses.scalars.map(Double.init),
                            logits: head.contiguous().scalars)
    }

    /// One image's `[C, H, W]` in a batch `[B, C, H, W]` or `[B, H, W]`; `[1, 1, N]` for flat rows.
    static func imageShape(of images: Tensor) -> [Int] {
        switch images.rank {
        case 4: Array(images.shape[1...])
        case 3: [1, images.shape[1], images.shape[2]]
        default: [1, 1, images.count / Swift.max(images.shape.first ?? 1, 1)]
        }
    }
}
