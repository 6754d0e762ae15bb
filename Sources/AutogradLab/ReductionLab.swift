import NN
import Telemetry
import Tensors

/// Why the reduction explorer cannot show a batch.
public enum ReductionProblem: Error, Equatable, CustomStringConvertible {
    /// The source sends images and labels but not the model's scores.
    case noLogits
    /// A label that is not one of the classes the logits score.
    case labelOutOfRange(sample: Int, label: Int, classes: Int)
    /// `ignore_index` set together with probability targets, which PyTorch refuses.
    case ignoreIndexWithProbabilities(ignored: Int)

    public var description: String {
        switch self {
        case .noLogits:
            "this source's batches carry no logits (a recording made before the reduction explorer, or a probe that does not send them)"
        case .labelOutOfRange(let sample, let label, let classes):
            "label \(label) of sample \(sample) is not one of the \(classes) classes the logits score"
        case .ignoreIndexWithProbabilities(let ignored):
            "nn.CrossEntropyLoss(ignore_index=\(ignored)) with probability targets: PyTorch stops with \"ignore_index is not "
                + "supported for floating point target\"; i or p turns one of them off"
        }
    }
}

/// The reduction explorer's engine: one batch's cross-entropy under the explorer's settings,
/// computed by `nn.CrossEntropyLoss` itself (reductions `none`, `mean` and `sum`) and the
/// selected sample's gradient by backward, so the page shows PyTorch's semantics, not a copy of them.
public enum ReductionLab {
    /// The explorer's values for `batch` (from snapshot `sequence`) under `settings`.
    public static func explore(_ batch: BatchPreview, sequence: Int, settings requested: ReductionSettings) throws(ReductionProblem) -> ReductionView {
        let rows = batch.count, classes = batch.classCount
        guard rows > 0, classes > 0 else { throw .noLogits }
        for (sample, label) in batch.labels.enumerated() where !(0..<classes).contains(label) {
            throw .labelOutOfRange(sample: sample, label: label, classes: classes)
        }
        let settings = clamped(requested, rows: rows, classes: classes)
        if settings.probabilityTargets, let ignored = settings.ignoredClass { throw .ignoreIndexWithProbabilities(ignored: ignored) }
        let weights = (0..<classes).map { $0 == settings.weightedClass ? settings.weightFactor : 1 }
        let loss = { (reduction: Reduction) in
            CrossEntropyLoss(weight: settings.weightedClass == nil ? nil : Tensor(shape: [classes], scalars: weights.map(Float.init)),
                             ignoreIndex: settings.ignoredClass ?? -100, reduction: reduction, labelSmoothing: Float(settings.labelSmoothing))
        }
        let target = settings.probabilityTargets
            ? Tensor(shape: [rows, classes], scalars: batch.labels.flatMap { label in (0..<classes).map { $0 == label ? Float(1) : 0 } })
            : Tensor(shape: [rows], int64Scalars: batch.labels.map(Int64.init))
        let logits = Tensor(shape: [rows, classes], scalars: batch.logits, requiresGrad: true)
        let (perSample, mean, sum) = noGrad { (loss(.none)(logits, target), loss(.mean)(logits, target), loss(.sum)(logits, target)) }
        // The gradient comes from backward through the chosen reduction, as a training step takes it.
        try? loss(settings.gradientOf == .mean ? .mean : .sum)(logits, target).backward()
        let row = settings.selected
        let gradient = logits.grad.map { Array($0.scalars[(row * classes)..<((row + 1) * classes)]) } ?? []
        let selectedLogits = Array(batch.logits[(row * classes)..<((row + 1) * classes)])
        let probabilities = noGrad { (try? Tensor(shape: [classes], scalars: selectedLogits).softmax(dim: 0))?.scalars ?? [] }

        let ignored = batch.labels.map { !settings.probabilityTargets && $0 == settings.ignoredClass }
        let losses = perSample.scalars.map(Double.init)
        let kept = ignored.indices.filter { !ignored[$0] }
        let denominator = settings.probabilityTargets ? Double(rows) : kept.reduce(0) { $0 + weights[batch.labels[$1]] }
        let denominatorText = settings.probabilityTargets
            ? "N, every sample (probability targets)"
            : settings.weightedClass == nil ? (kept.count == rows ? "N, every sample" : "the \(kept.count) samples kept")
            : "Σ weight[target] over the \(kept.count) samples kept"
        let epsilon = settings.labelSmoothing
        let targetRow = ignored[row] ? [Double](repeating: 0, count: classes)
            : (0..<classes).map { (1 - epsilon) * ($0 == batch.labels[row] ? 1 : 0) + epsilon / Double(classes) }
        let largest = ReductionView.largestLoss(losses, among: kept)
        return ReductionView(
            settings: settings, sequence: sequence, call: call(settings), losses: losses, ignored: ignored,
            mean: Double(mean.scalars.first ?? .nan), sum: Double(sum.scalars.first ?? .nan), denominator: denominator,
            denominatorText: denominatorText, weights: weights, logits: selectedLogits.map(Double.init),
            probabilities: probabilities.map(Double.init), target: targetRow, gradient: gradient.map(Double.init), largest: largest)
    }

    /// `settings` with the selection and classes inside the batch.
    static func clamped(_ settings: ReductionSettings, rows: Int, classes: Int) -> ReductionSettings {
        var settings = settings
        settings.selected = min(max(0, settings.selected), rows - 1)
        if let c = settings.weightedClass, !(0..<classes).contains(c) { settings.weightedClass = nil }
        if let c = settings.ignoredClass, !(0..<classes).contains(c) { settings.ignoredClass = nil }
        if !(0...1).contains(settings.labelSmoothing) { settings.labelSmoothing = 0 }
        if !settings.weightFactor.isFinite || settings.weightFactor < 0 { settings.weightFactor = 2 }
        return settings
    }

    /// The loss's constructor call with the options that differ from PyTorch's defaults.
    static func call(_ settings: ReductionSettings) -> String {
        var options: [String] = []
        if settings.weightedClass != nil { options.append("weight=w") }
        if let ignored = settings.ignoredClass, !settings.probabilityTargets { options.append("ignore_index=\(ignored)") }
        if settings.labelSmoothing > 0 { options.append("label_smoothing=\(settings.labelSmoothing)") }
        return "nn.CrossEntropyLoss(\(options.joined(separator: ", ")))"
    }
}
