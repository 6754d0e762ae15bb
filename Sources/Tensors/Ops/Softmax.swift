#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a loss combines per-element values, like PyTorch's `reduction=` argument.
public enum Reduction: String, Sendable, CaseIterable {
    /// One loss per element, no reduction.
    case none
    /// The (weighted) mean.
    case mean
    /// The sum.
    case sum
}

extension Tensor {
    /// Softmax along `dim` (`SoftmaxBackward0`), computed stably by subtracting the maximum.
    public func softmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank)
        let out = normalizedExponentials(along: d, logarithm: false)
        return Tensor.record(out, name: "SoftmaxBackward0", inputs: [self]) { g in
            // dx = y ⊙ (g − Σ(g ⊙ y))
            let gy = Kernels.zipSameShape(g, out, *)
            let dot = gy.sumAlong([d], keepdim: true)
            return [Kernels.zipSameShape(gy, Kernels.zip(out, dot, *), -)]
        }
    }

    /// log(softmax) along `dim` (`LogSoftmaxBackward0`), computed stably as x − logsumexp(x).
    public func logSoftmax(dim: Int) throws -> Tensor {
        let d = try Shape.normalize(dim: dim, rank: rank)
        let out = normalizedExponentials(along: d, logarithm: true)
        return Tensor.record(out, name: "LogSoftmaxBackward0", inputs: [self]) { g in
            // dx = g − exp(y) · Σ g
            let total = g.sumAlong([d], keepdim: true)
            return [Kernels.zip(g, Kernels.zip(Kernels.map(out) { expf($0) }, total, *), -)]
        }
    }

    /// Softmax (or log-softmax) along normalised dim `d`, untracked.
    private func normalizedExponentials(along d: Int, logarithm: Bool) -> Tensor {
        if rank == 0 { return Kernels.map(self) { _ in logarithm ? 0 : 1 } }
        let (outer, n, inner) = splitAround(d)
        let storage = withFloats { p in
            Storage<Float>(count: count) { out in
                let o = out.baseAddress!
                for a in 0..<outer {
                    for i in 0..<inner {
                        let base = a * n * inner + i
                        var m = -Float.infinity
                        for k in 0..<n { m = Swift.max(m, p[base + k * inner]) }
                        if m == -.infinity { m = 0 }
                        var total: Float = 0
                        for k in 0..<n { total += expf(p[base + k * inner] - m) }
                        if logarithm {
                            let lse = m + logf(total)
                            for k in 0..<n { o[base + k * inner] = p[base + k * inner] - lse }
                        } else {
                            for k in 0..<n { o[base + k * inner] = expf(p[base + k * inner] - m) / total }
                        }
                    }
                }
            }
        }
        return Tensor(floats: storage, shape: shape)
    }

    /// Cross-entropy of raw scores against class indices in one fused log-softmax + NLL pass (`NllLossBackward0`).
    ///
    /// `logits` is [N, C], `target` holds N class indices (int64). The forward keeps the
    /// softmax probabilities so the backward is one pass: (softmax − one-hot) · scale.
    /// This is the fast path `CrossEntropyLoss` builds on.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.rank == 2, "crossEntropy expects [N, C] logits, got \(Shape.describe(logits.shape))")
        precondition(target.rank == 1 && target.shape[0] == logits.shape[0],
                     "Expected input batch_size (\(logits.shape[0])) to match target batch_size (\(target.shape.first ?? 0)); shapes \(Shape.describe(logits.shape)) and \(Shape.describe(target.shape))")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        let labels = target.int64Scalars
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "Target \(label) is out of bounds (row \(i), \(classes) classes).")
        }
        let probabilities = Storage<Float>(count: rows * classes) { _ in }
        let losses = Storage<Float>(count: rows) { _ in }
        logits.withFloats { p in
            for r in 0..<rows {
                let row = p + r * classes
                let prob = probabilities.base + r * classes
                var m = -Float.infinity
                for c in 0..<classes { m = Swift.max(m, row[c]) }
                var total: Float = 0
                for c in 0..<classes {
                    let e = expf(row[c] - m)
                    prob[c] = e
                    total += e
                }
                let inverse = 1 / total
                for c in 0..<classes { prob[c] *= inverse }
                losses.base[r] = m + logf(total) - row[Int(labels[r])]
            }
        }
        let perSample = Tensor(floats: losses, shape: [rows])
        let out: Tensor
        switch reduction {
        case .none: out = perSample
        case .sum: out = noGrad { perSample.sum() }
        case .mean: out = noGrad { perSample.mean() }
        }
        return record(out, name: "NllLossBackward0", inputs: [logits]) { g in
            let scales: [Float] = g.scalars
            let grad = Storage<Float>(count: rows * classes) { out in
                let o = out.baseAddress!
                for r in 0..<rows {
                    let scale: Float = switch reduction {
                    case .none: scales[r]
                    case .sum: scales[0]
                    case .mean: scales[0] / Float(rows)
                    }
                    let prob = probabilities.base + r * classes
                    let row = o + r * classes
                    for c in 0..<classes { row[c] = prob[c] * scale }
                    row[Int(labels[r])] -= scale
                }
            }
            return [Tensor(floats: grad, shape: [rows, classes])]
        }
    }
}
