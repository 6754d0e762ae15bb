// float64 classification losses, composed of log-softmax, products with one-hot rows and sums.

extension Float64Ops {
    /// Cross-entropy of float64 scores [N, C] against class indices (`NllLossBackward0`), with
    /// the float32 op's semantics (class weights, ignored targets, label smoothing, reductions).
    static func crossEntropy(
        _ logits: Tensor, labels: [Int], weight: Tensor?, ignoreIndex: Int, labelSmoothing: Double, reduction: Reduction
    ) -> Tensor {
        composite(name: "NllLossBackward0", inputs: [logits]) { inputs in
            let logProbabilities = try! inputs[0].logSoftmax(dim: 1)
            return negativeLogLikelihood(
                logProbabilities, labels: labels, weight: weight, ignoreIndex: ignoreIndex,
                labelSmoothing: labelSmoothing, reduction: reduction)
        }
    }

    /// Negative log-likelihood of float64 log-probabilities [N, C] at class indices (`NllLossBackward0`).
    static func nllLoss(_ input: Tensor, labels: [Int], weight: Tensor?, ignoreIndex: Int, reduction: Reduction) -> Tensor {
        composite(name: "NllLossBackward0", inputs: [input]) { inputs in
            negativeLogLikelihood(inputs[0], labels: labels, weight: weight, ignoreIndex: ignoreIndex, labelSmoothing: 0, reduction: reduction)
        }
    }

    /// Cross-entropy of float64 scores [N, C] against class probabilities [N, C] (`DivBackward1`):
    /// per row −Σc w[c]·t[c]·log p[c] with t = (1−ε)·target + ε/C; `.mean` divides by N.
    static func crossEntropy(_ logits: Tensor, probabilities: Tensor, weight: Tensor?, labelSmoothing: Double, reduction: Reduction) -> Tensor {
        let classes = logits.shape[1]
        let smoothed = noGrad {
            DoubleKernels.map(probabilities) { (1 - labelSmoothing) * $0 + labelSmoothing / Double(classes) }
        }
        return composite(name: "DivBackward1", inputs: [logits]) { inputs in
            let weighted = classWeights(weight, classes: classes, like: logits).map { smoothed * $0 } ?? smoothed
            let losses = -((try! inputs[0].logSoftmax(dim: 1)) * weighted).sumAlongTracked(1)
            return reduced(losses, reduction, denominator: Double(logits.shape[0]))
        }
    }

    /// Per row (1−ε)·(−w[y]·x[y]) + (ε/C)·(−Σc w[c]·x[c]) of log-probabilities `x`, 0 for ignored
    /// rows, reduced; `.mean` divides by the summed weights of the kept targets.
    private static func negativeLogLikelihood(
        _ x: Tensor, labels: [Int], weight: Tensor?, ignoreIndex: Int, labelSmoothing: Double, reduction: Reduction
    ) -> Tensor {
        let (rows, classes) = (x.shape[0], x.shape[1])
        let w = classWeights(weight, classes: classes, like: x)?.float64Scalars ?? [Double](repeating: 1, count: classes)
        var oneHot = [Double](repeating: 0, count: rows * classes)
        var kept = [Double](repeating: 0, count: rows)
        var denominator = 0.0
        for (r, label) in labels.enumerated() where label != ignoreIndex {
            oneHot[r * classes + label] = w[label]
            kept[r] = 1
            denominator += w[label]
        }
        var losses = -(x * Tensor(shape: [rows, classes], float64Scalars: oneHot)).sumAlongTracked(1)
        if labelSmoothing > 0 {
            let smooth = -(x * Tensor(shape: [classes], float64Scalars: w)).sumAlongTracked(1) * Tensor(shape: [rows], float64Scalars: kept)
            losses = losses * Tensor(float64: 1 - labelSmoothing) + smooth * Tensor(float64: labelSmoothing / Double(classes))
        }
        return reduced(losses, reduction, denominator: denominator)
    }

    /// The class weights as float64 (PyTorch refuses float32 weights for float64 scores), or nil.
    private static func classWeights(_ weight: Tensor?, classes: Int, like scores: Tensor) -> Tensor? {
        guard let weight else { return nil }
        requireSameFloatType(scores, weight, style: .scalarType)
        return weight.to(.float64)
    }

    /// Per-row losses [N] reduced: themselves, their sum, or their sum / `denominator` (nan
    /// with a zero gradient when `denominator` is 0).
    private static func reduced(_ losses: Tensor, _ reduction: Reduction, denominator: Double) -> Tensor {
        switch reduction {
        case .none: return losses
        case .sum: return losses.sum()
        case .mean:
            // Every target ignored: PyTorch's 0/0 = nan, with a zero gradient (not 0·∞ = nan).
            guard denominator != 0 else { return scalar(losses.sum(), name: "DivBackward0", slope: 0) { $0 / 0 } }
            return losses.sum() / Tensor(float64: denominator)
        }
    }
}

extension Tensor {
    /// The sum along dim `d` (recorded when grad mode is on), for compositions that know `d` is valid.
    func sumAlongTracked(_ d: Int) -> Tensor { try! sum(dim: d) }
}
