import AutogradLab
import Telemetry
import Testing

/// The reduction explorer's engine: per-sample losses, mean, sum and the selected sample's
/// gradient under each toggle, against PyTorch's values for the golden 4×3 case
/// (`c_cross_entropy` of the shared reference values, float32, copied here).
struct ReductionLabTests {
    /// The golden case's logits and targets as a batch preview (blank 1×1 images).
    static let batch = BatchPreview(
        width: 1, height: 1, pixels: [0, 0, 0, 0], labels: [2, 0, 1, 0], predictions: [2, 0, 1, 0],
        confidences: [0, 0, 0, 0], losses: [0, 0, 0, 0],
        logits: [0.3, -1.0, 1.5, 2.0, 0.4, -0.6, -2.5, 1.0, 0.0, 0.7, 0.7, 0.7])

    /// float32 tolerance of the shared reference values.
    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($1) }
    }

    static func explore(_ change: (inout ReductionSettings) -> Void = { _ in }) throws -> ReductionView {
        var settings = ReductionSettings()
        change(&settings)
        return try ReductionLab.explore(batch, sequence: 7, settings: settings)
    }

    @Test func plainLossesReduceAsPyTorchsAndTheGradientIsTheMeans() throws {
        let view = try Self.explore { $0.selected = 1 }
        #expect(Self.close(view.losses, [0.32445693016052246, 0.24386350810527802, 0.3350975513458252, 1.0986123085021973]))
        #expect(Self.close([view.mean, view.sum], [0.5005075931549072, 2.002030372619629]))
        #expect(view.denominator == 4 && view.denominatorText == "N, every sample")
        #expect(Self.close(view.gradient, [-0.05410134792327881, 0.039551254361867905, 0.014550093561410904]))
        #expect(view.call == "nn.CrossEntropyLoss()" && view.sequence == 7)
        #expect(view.largest == 3 && view.ignored == [false, false, false, false])
        #expect(Self.close(view.target, [1, 0, 0]))
        #expect(abs(view.probabilities.reduce(0, +) - 1) < 1e-6)
    }

    @Test func theSumsGradientIsTheMeansTimesTheDivisorAndSumsToZero() throws {
        let view = try Self.explore { $0.selected = 1; $0.gradientOf = .sum }
        #expect(Self.close(view.gradient, [-0.21640539169311523, 0.15820501744747162, 0.058200374245643616]))
        #expect(abs(view.gradient.reduce(0, +)) < 1e-6)
    }

    @Test func ignoreIndexDropsTheClassFromTheSumAndTheDivisor() throws {
        let view = try Self.explore { $0.ignoredClass = 1; $0.selected = 2 }
        #expect(Self.close(view.losses, [0.32445693016052246, 0.24386350810527802, 0, 1.0986123085021973]))
        #expect(Self.close([view.mean, view.sum], [0.5556442141532898, 1.6669327020645142]))
        #expect(view.ignored == [false, false, true, false] && view.denominator == 3)
        #expect(view.gradient == [0, 0, 0] && view.target == [0, 0, 0])
        #expect(view.call == "nn.CrossEntropyLoss(ignore_index=1)")
    }

    @Test func labelSmoothingSpreadsTheTarget() throws {
        let view = try Self.explore { $0.labelSmoothing = 0.1; $0.selected = 3 }
        #expect(Self.close(view.losses, [0.447790265083313, 0.38386350870132446, 0.4850975573062897, 1.0986123085021973]))
        #expect(Self.close([view.mean], [0.6038409471511841]))
        #expect(Self.close(view.gradient, [-0.15000000596046448, 0.07499999552965164, 0.07499999552965164]))
        #expect(Self.close(view.target, [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3]))
        #expect(view.call == "nn.CrossEntropyLoss(label_smoothing=0.1)")
    }

    @Test func aDoubledClassWeighsItsSamplesAndTheDivisor() throws {
        let plain = try Self.explore()
        let view = try Self.explore { $0.weightedClass = 0 }
        // Samples 1 and 3 are class 0: their losses double, and so do their shares of the divisor.
        #expect(Self.close(view.losses, [plain.losses[0], 2 * plain.losses[1], plain.losses[2], 2 * plain.losses[3]]))
        #expect(view.denominator == 6 && view.weights == [2, 1, 1])
        #expect(Self.close([view.mean], [view.sum / 6]))
        #expect(view.denominatorText == "Σ weight[target] over the 4 samples kept")
    }

    @Test func oneHotProbabilityTargetsGiveTheSameLossesButDivideByN() throws {
        let indices = try Self.explore { $0.weightedClass = 0 }
        let probabilities = try Self.explore { $0.weightedClass = 0; $0.probabilityTargets = true }
        #expect(Self.close(probabilities.losses, indices.losses))
        #expect(probabilities.denominator == 4 && Self.close([probabilities.mean], [indices.sum / 4]))
        #expect(probabilities.ignored == [false, false, false, false])
        #expect(probabilities.call == "nn.CrossEntropyLoss(weight=w)")
        // PyTorch refuses ignore_index with probability targets; so does the explorer, with its words.
        #expect(throws: ReductionProblem.ignoreIndexWithProbabilities(ignored: 0)) {
            try Self.explore { $0.probabilityTargets = true; $0.ignoredClass = 0 }
        }
    }

    @Test func aSourceWithoutLogitsOrWithAStrangeLabelIsAProblemNotATrap() {
        var batch = Self.batch
        batch.logits = []
        #expect(throws: ReductionProblem.noLogits) { try ReductionLab.explore(batch, sequence: 0, settings: ReductionSettings()) }
        batch = Self.batch
        batch.labels[2] = 7
        #expect(throws: ReductionProblem.labelOutOfRange(sample: 2, label: 7, classes: 3)) {
            try ReductionLab.explore(batch, sequence: 0, settings: ReductionSettings())
        }
        batch = Self.batch
        batch.logits.removeLast()
        #expect(throws: ReductionProblem.noLogits) { try ReductionLab.explore(batch, sequence: 0, settings: ReductionSettings()) }
    }

    @Test func nonFiniteLogitsAndOutOfRangeSettingsDoNotTrap() throws {
        var batch = Self.batch
        batch.logits[3] = .nan
        batch.logits[7] = .infinity
        var settings = ReductionSettings()
        settings.selected = 99
        settings.weightedClass = 12
        settings.ignoredClass = -5
        settings.labelSmoothing = 3
        settings.weightFactor = .nan
        let view = try ReductionLab.explore(batch, sequence: 0, settings: settings)
        #expect(view.settings.selected == 3 && view.settings.weightedClass == nil && view.settings.ignoredClass == nil)
        #expect(view.settings.labelSmoothing == 0 && view.losses[1].isNaN)
        #expect(view.largest == 1, "a NaN loss is the one to look at")
    }
}
