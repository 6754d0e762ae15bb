/// The reduction explorer's toggles: which `nn.CrossEntropyLoss` options apply to the batch,
/// which sample is selected, and which reduction its gradient is taken of.
public struct ReductionSettings: Sendable, Equatable {
    /// Which reduced loss the selected sample's gradient belongs to.
    public enum GradientOf: String, Sendable, Equatable {
        case mean, sum
    }

    /// The class whose `weight` is `weightFactor` (all others 1); nil for no `weight`.
    public var weightedClass: Int?
    /// The weighted class's `weight` (`w` doubles it).
    public var weightFactor: Double = 2
    /// The class used as `ignore_index`; nil for PyTorch's default -100 (nothing ignored).
    public var ignoredClass: Int?
    /// `label_smoothing`, ε in [0, 1].
    public var labelSmoothing: Double = 0
    /// Targets given as class probabilities (each label one-hot) instead of class indices.
    public var probabilityTargets = false
    /// Which reduction's gradient the sample's table shows (`r`).
    public var gradientOf: GradientOf = .mean
    /// The batch sample whose logits' gradient is shown.
    public var selected = 0

    /// The label-smoothing values `s` cycles through.
    public static let smoothingCycle: [Double] = [0, 0.1, 0.2, 0.5]

    public init() {}

    /// Whether every toggle is at PyTorch's default (the selection aside).
    public var isDefault: Bool {
        weightedClass == nil && ignoredClass == nil && labelSmoothing == 0 && !probabilityTargets
    }
}

/// What the reduction explorer shows for one batch: each sample's cross-entropy
/// (`reduction='none'`), the `mean` and `sum` they reduce to (with what `mean` divides by),
/// and the selected sample's logits, probabilities, target and gradient. Plain values: the
/// engine computes them, the dashboard draws them.
public struct ReductionView: Sendable, Equatable {
    /// The settings these values were computed with.
    public var settings: ReductionSettings
    /// The snapshot whose batch this is.
    public var sequence: Int
    /// The loss as a learner would construct it: `nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)`.
    public var call: String
    /// `reduction='none'`: one loss per sample (0 for an ignored one).
    public var losses: [Double]
    /// Which samples `ignore_index` drops.
    public var ignored: [Bool]
    /// `reduction='mean'`: `sum / denominator`.
    public var mean: Double
    /// `reduction='sum'`: the kept samples' weighted losses added up.
    public var sum: Double
    /// What `mean` divides `sum` by: the summed weights of the kept targets, or N for probability targets.
    public var denominator: Double
    /// The denominator in words: `Σ weight[target] over the 15 samples kept`.
    public var denominatorText: String
    /// The class weights used (all ones without `weight`).
    public var weights: [Double]
    /// The selected sample's raw scores, softmax probabilities, target distribution (after
    /// smoothing; all zeros when ignored) and the gradient of the chosen reduction with respect to its logits.
    public var logits: [Double]
    public var probabilities: [Double]
    public var target: [Double]
    public var gradient: [Double]
    /// The sample with the largest loss, nil when every sample is ignored.
    public var largest: Int?

    public init(settings: ReductionSettings, sequence: Int, call: String, losses: [Double], ignored: [Bool], mean: Double, sum: Double,
                denominator: Double, denominatorText: String, weights: [Double], logits: [Double], probabilities: [Double],
                target: [Double], gradient: [Double], largest: Int?) {
        (self.settings, self.sequence, self.call, self.losses, self.ignored) = (settings, sequence, call, losses, ignored)
        (self.mean, self.sum, self.denominator, self.denominatorText, self.weights) = (mean, sum, denominator, denominatorText, weights)
        (self.logits, self.probabilities, self.target, self.gradient, self.largest) = (logits, probabilities, target, gradient, largest)
    }
}

extension ReductionView {
    /// The index among `candidates` of the largest of `losses`, a NaN ranking above every
    /// number (it is the one to look at); nil when there is no candidate.
    public static func largestLoss(_ losses: [Double], among candidates: some Sequence<Int>) -> Int? {
        let rank = { (i: Int) in losses[i].isNaN ? Double.infinity : losses[i] }
        return candidates.max { rank($0) < rank($1) }
    }
}
