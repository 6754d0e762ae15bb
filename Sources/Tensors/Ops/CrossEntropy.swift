#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Fused classification losses: log-softmax and negative log-likelihood in one pass each way.

extension Tensor {
    /// Cross-entropy of raw scores [N, C] against N class indices, fused (`NllLossBackward0`).
    ///
    /// PyTorch's semantics: per row, loss = (1−ε)·(−w[y]·log p[y]) + (ε/C)·(−Σc w[c]·log p[c])
    /// with ε = `labelSmoothing` and w = `weight` (all ones when nil). Rows whose target is
    /// `ignoreIndex` contribute 0. `.mean` divides by the summed weights of the kept targets
    /// (their count without weights), so it is nan when every target is ignored.
    /// The forward keeps the softmax so the backward is one pass over [N, C].
    /// A 1-D input [C] with a 0-d target is one unbatched sample.
    public static func crossEntropy(
        _ logits: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
        labelSmoothing: Float = 0, reduction: Reduction = .mean
    ) -> Tensor {
        if logits.rank == 1 {
            let batched = crossEntropy(logits.reshape([1, -1]), target.reshape([1]), weight: weight, ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing, reduction: reduction)
            return reduction == .none ? batched.reshape([]) : batched
        }
        let (rows, classes) = checkClassification(logits, target, weight: weight)
        usageCheck((0...1).contains(labelSmoothing), "label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        let labels = target.int64Scalars.map(Int.init)
        for (i, label) in labels.enumerated() where label != ignoreIndex {
            usageCheck(label >= 0 && label < classes, "Target \(label) is out of bounds (row \(i), \(classes) classes).")
        }
        if logits.dtype == .float64 {
            return Float64Ops.crossEntropy(
                logits, labels: labels, weight: weight, ignoreIndex: ignoreIndex,
                labelSmoothing: labelSmoothing.asWrittenDouble, reduction: reduction)
        }
        let w = weight?.scalars ?? [Float](repeating: 1, count: classes)
        let weightSum = w.reduce(0, +)
        let eps = labelSmoothing
        let probabilities = Storage<Float>(uninitializedCount: rows * classes)  // softmaxRow writes every row
        var losses = [Float](repeating: 0, count: rows)
        var denominator: Float = 0
        logits.withFloats { p in
            for r in 0..<rows {
                let label = labels[r]
                let lse = softmaxRow(p + r * classes, into: probabilities.base + r * classes, count: classes)
                guard label != ignoreIndex else { continue }
                let row = p + r * classes
                var loss = (1 - eps) * w[label] * (lse - row[label])
                if eps > 0 {
                    var smooth: Float = 0
                    for c in 0..<classes { smooth += w[c] * (lse - row[c]) }
                    loss += eps / Float(classes) * smooth
                }
                losses[r] = loss
                denominator += w[label]
            }
        }
        let out = reduced(losses, reduction, denominator: denominator)
        return record(out, name: "NllLossBackward0", inputs: [logits]) { g in
            let scales = rowScales(g, reduction, rows: rows, denominator: denominator)
            let grad = Storage<Float>(count: rows * classes) { out in
                let o = out.baseAddress!
                for r in 0..<rows {
                    let row = o + r * classes
                    let label = labels[r]
                    guard label != ignoreIndex else {
                        row.update(repeating: 0, count: classes)
                        continue
                    }
                    let prob = probabilities.base + r * classes
                    // d/dx_k = (1−ε)·w[y]·(p_k − δ_ky) + (ε/C)·(W·p_k − w_k)
                    let hard = (1 - eps) * w[label], soft = eps / Float(classes)
                    for c in 0..<classes { row[c] = (hard * prob[c] + soft * (weightSum * prob[c] - w[c])) * scales[r] }
                    row[label] -= hard * scales[r]
                }
            }
            return [Tensor(floats: grad, shape: [rows, classes])]
        }
    }

    /// Cross-entropy of raw scores [N, C] against class probabilities [N, C] (soft labels).
    ///
    /// Per row, loss = −Σc w[c]·t[c]·log p[c] with t = (1−ε)·target + ε/C; `.mean` divides by N.
    /// No gradient flows to the target.
    public static func crossEntropy(
        _ logits: Tensor, probabilities target: Tensor, weight: Tensor? = nil,
        labelSmoothing: Float = 0, reduction: Reduction = .mean
    ) -> Tensor {
        usageCheck(logits.rank == 2 && target.shape == logits.shape,
                     "class-probability targets must have the input's shape; got input \(Shape.describe(logits.shape)) and target \(Shape.describe(target.shape))")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        if logits.dtype == .float64 {
            return Float64Ops.crossEntropy(
                logits, probabilities: target, weight: weight, labelSmoothing: labelSmoothing.asWrittenDouble, reduction: reduction)
        }
        let w = weight?.scalars ?? [Float](repeating: 1, count: classes)
        usageCheck(w.count == classes, "weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.describe(weight?.shape ?? []))")
        let eps = labelSmoothing
        let t = target.scalars.map { (1 - eps) * $0 + eps / Float(classes) }
        let probabilities = Storage<Float>(uninitializedCount: rows * classes)  // softmaxRow writes every row
        var losses = [Float](repeating: 0, count: rows)
        logits.withFloats { p in
            for r in 0..<rows {
                let lse = softmaxRow(p + r * classes, into: probabilities.base + r * classes, count: classes)
                var loss: Float = 0
                for c in 0..<classes { loss += w[c] * t[r * classes + c] * (lse - p[r * classes + c]) }
                losses[r] = loss
            }
        }
        let out = reduced(losses, reduction, denominator: Float(rows))
        return record(out, name: "DivBackward1", inputs: [logits]) { g in
            let scales = rowScales(g, reduction, rows: rows, denominator: Float(rows))
            let grad = Storage<Float>(count: rows * classes) { out in
                for r in 0..<rows {
                    // d/dx_k = p_k · Σc w[c]·t[c] − w[k]·t[k]
                    var mass: Float = 0
                    for c in 0..<classes { mass += w[c] * t[r * classes + c] }
                    for c in 0..<classes {
                        out[r * classes + c] = (probabilities.base[r * classes + c] * mass - w[c] * t[r * classes + c]) * scales[r]
                    }
                }
            }
            return [Tensor(floats: grad, shape: [rows, classes])]
        }
    }

    /// Negative log-likelihood of log-probabilities [N, C] at N class indices (`NllLossBackward0`).
    ///
    /// loss = −w[y]·input[y]; ignored targets contribute 0; `.mean` divides by the summed
    /// weights of the kept targets.
    public static func nllLoss(
        _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean
    ) -> Tensor {
        let (rows, classes) = checkClassification(input, target, weight: weight)
        let labels = target.int64Scalars.map(Int.init)
        if input.dtype == .float64 {
            for (r, label) in labels.enumerated() where label != ignoreIndex {
                usageCheck(label >= 0 && label < classes, "Target \(label) is out of bounds (row \(r), \(classes) classes).")
            }
            return Float64Ops.nllLoss(input, labels: labels, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        let w = weight?.scalars ?? [Float](repeating: 1, count: classes)
        var losses = [Float](repeating: 0, count: rows)
        var denominator: Float = 0
        input.withFloats { p in
            for r in 0..<rows where labels[r] != ignoreIndex {
                usageCheck(labels[r] >= 0 && labels[r] < classes, "Target \(labels[r]) is out of bounds (row \(r), \(classes) classes).")
                losses[r] = -w[labels[r]] * p[r * classes + labels[r]]
                denominator += w[labels[r]]
            }
        }
        let out = reduced(losses, reduction, denominator: denominator)
        return record(out, name: "NllLossBackward0", inputs: [input]) { g in
            let scales = rowScales(g, reduction, rows: rows, denominator: denominator)
            let grad = Storage<Float>(repeating: 0, count: rows * classes)
            for r in 0..<rows where labels[r] != ignoreIndex {
                grad.base[r * classes + labels[r]] = -w[labels[r]] * scales[r]
            }
            return [Tensor(floats: grad, shape: [rows, classes])]
        }
    }

    /// Checks [N, C] scores, N int64 targets and an optional [C] weight; returns (N, C).
    private static func checkClassification(_ input: Tensor, _ target: Tensor, weight: Tensor?) -> (Int, Int) {
        usageCheck(input.rank == 2, "expected [N, C] scores, got shape \(Shape.describe(input.shape))")
        usageCheck(!target.dtype.isFloatingPoint, "class-index targets must be int64, got \(target.dtype); pass probabilities with crossEntropy(_:probabilities:)")
        usageCheck(target.rank == 1 && target.shape[0] == input.shape[0],
                     "Expected input batch_size (\(input.shape[0])) to match target batch_size (\(target.shape.first ?? 0)); shapes \(Shape.describe(input.shape)) and \(Shape.describe(target.shape))")
        if let weight {
            usageCheck(weight.count == input.shape[1], "weight tensor should be defined either for all \(input.shape[1]) classes or no classes but got weight tensor of shape: \(Shape.describe(weight.shape))")
        }
        return (input.shape[0], input.shape[1])
    }

    /// Writes softmax(row) into `probabilities` and returns log Σ exp(row), stably.
    @inline(__always)
    private static func softmaxRow(_ row: UnsafePointer<Float>, into probabilities: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var m = -Float.infinity
        for c in 0..<count { m = Swift.max(m, row[c]) }
        var total: Float = 0
        for c in 0..<count {
            let e = expf(row[c] - m)
            probabilities[c] = e
            total += e
        }
        let inverse = 1 / total
        for c in 0..<count { probabilities[c] *= inverse }
        return m + logf(total)
    }

    /// Per-row losses reduced: a [N] tensor, their sum, or their sum / `denominator`.
    private static func reduced(_ losses: [Float], _ reduction: Reduction, denominator: Float) -> Tensor {
        switch reduction {
        case .none: return Tensor(shape: [losses.count], scalars: losses)
        case .sum: return Tensor(Float(losses.reduce(0.0) { $0 + Double($1) }))
        case .mean: return Tensor(Float(losses.reduce(0.0) { $0 + Double($1) } / Double(denominator)))
        }
    }

    /// The factor each row's gradient is multiplied by, from the output gradient and the reduction.
    private static func rowScales(_ g: Tensor, _ reduction: Reduction, rows: Int, denominator: Float) -> [Float] {
        let values = g.scalars
        switch reduction {
        case .none: return values
        case .sum: return [Float](repeating: values[0], count: rows)
        case .mean: return [Float](repeating: values[0] / denominator, count: rows)
        }
    }
}
